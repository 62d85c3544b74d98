// Ask my network as one types: suggestions under the header box, live results on the search
// page. Progressive enhancement only: without this script both forms submit normally.
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  // Fetch HTML, dropping answers that arrive after a newer request was sent.
  function fetcher() {
    var controller = null;
    return function (url) {
      if (controller) controller.abort();
      controller = new AbortController();
      return fetch(url, { signal: controller.signal, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .catch(function () { return null; });
    };
  }

  // Arrow keys move between the links of a list; Escape goes back to the input.
  function arrowNavigation(container, input, onEscape) {
    container.addEventListener("keydown", function (event) {
      var links = Array.prototype.slice.call(container.querySelectorAll("a.hit-name, li > a"));
      var index = links.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && index < links.length - 1) {
        event.preventDefault();
        links[index + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (index > 0 ? links[index - 1] : input).focus();
      } else if (event.key === "Escape") {
        if (onEscape) onEscape();
        input.focus();
      }
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        var first = container.querySelector("a.hit-name, li > a");
        if (first) {
          event.preventDefault();
          first.focus();
        }
      }
    });
  }

  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var box = document.getElementById(input.getAttribute("aria-controls"));
    var get = fetcher();
    function close() {
      box.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }
    var update = debounce(function () {
      var q = input.value.trim();
      if (q.length < 2) {
        box.innerHTML = "";
        close();
        return;
      }
      get(input.form.action + "?partial=suggest&q=" + encodeURIComponent(q)).then(function (html) {
        if (html === null || input.value.trim() !== q) return;
        box.innerHTML = html;
        box.hidden = false;
        input.setAttribute("aria-expanded", "true");
      });
    }, 150);
    input.addEventListener("input", update);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") close();
    });
    arrowNavigation(box, input, close);
    document.addEventListener("click", function (event) {
      if (!input.form.contains(event.target)) close();
    });
  });

  document.querySelectorAll("form[data-live-search]").forEach(function (form) {
    var region = document.getElementById("search-results");
    var input = form.querySelector("input[type=search]");
    var get = fetcher();
    var run = debounce(function () {
      var params = new URLSearchParams(new FormData(form));
      var shown = params.toString();
      params.set("partial", "1");
      get(form.action + "?" + params.toString()).then(function (html) {
        if (html === null) return;
        region.innerHTML = html;
        history.replaceState(null, "", "?" + shown);
      });
    }, 200);
    form.addEventListener("input", run);
    form.addEventListener("change", run);
    arrowNavigation(region, input, null);
  });
})();
