// The people picker, as one types: names of the network under the "Add people by name" field,
// one click ticks the person. Progressive enhancement only: without this script the names typed
// are resolved when the form is sent.
(function () {
  "use strict";

  document.querySelectorAll("input[data-people-suggest]").forEach(function (input) {
    var picker = input.closest(".people-picker");
    var box = document.getElementById(input.getAttribute("aria-controls"));
    var url = input.getAttribute("data-people-suggest");
    var timer = null;
    var controller = null;

    function lastName() {
      var parts = input.value.split(/[,;]/);
      return parts[parts.length - 1].trim();
    }

    function close() {
      box.hidden = true;
      box.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
    }

    function tick(button) {
      var id = button.getAttribute("data-id");
      var list = picker.querySelector(".people-options");
      if (!list) {
        list = document.createElement("ul");
        list.className = "people-options";
        var empty = picker.querySelector(".people-none");
        if (empty) empty.remove();
        picker.insertBefore(list, input.closest(".field"));
      }
      var existing = list.querySelector('input[value="' + id + '"]');
      if (existing) {
        existing.checked = true;
      } else {
        var item = document.createElement("li");
        var label = document.createElement("label");
        label.className = "checkbox";
        var box_ = document.createElement("input");
        box_.type = "checkbox";
        box_.name = input.getAttribute("data-field");
        box_.value = id;
        box_.checked = true;
        label.appendChild(box_);
        label.appendChild(document.createTextNode(" " + button.getAttribute("data-name")));
        item.appendChild(label);
        list.appendChild(item);
      }
      // The name is ticked: it no longer needs resolving.
      var parts = input.value.split(/[,;]/);
      parts.pop();
      input.value = parts.join(",").trim();
      if (input.value) input.value += ", ";
      close();
      input.focus();
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = lastName();
        if (q.length < 2) {
          close();
          return;
        }
        if (controller) controller.abort();
        controller = new AbortController();
        fetch(url + "?people=" + encodeURIComponent(q), {
          signal: controller.signal,
          credentials: "same-origin",
        })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) {
            if (html === null || lastName() !== q) return;
            box.innerHTML = html;
            box.hidden = false;
            input.setAttribute("aria-expanded", "true");
          })
          .catch(function () {});
      }, 150);
    });

    box.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-id]");
      if (button) tick(button);
    });

    // Arrow keys move through the names, Escape closes; Enter in the field does not send the
    // form while names are offered.
    picker.addEventListener("keydown", function (event) {
      var buttons = Array.prototype.slice.call(box.querySelectorAll("button[data-id]"));
      var index = buttons.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && !box.hidden && buttons.length) {
        event.preventDefault();
        buttons[Math.min(index + 1, buttons.length - 1)].focus();
      } else if (event.key === "ArrowUp" && index >= 0) {
        event.preventDefault();
        (index > 0 ? buttons[index - 1] : input).focus();
      } else if (event.key === "Escape" && !box.hidden) {
        close();
        input.focus();
      } else if (event.key === "Enter" && event.target === input && !box.hidden && buttons.length) {
        event.preventDefault();
        tick(buttons[0]);
      }
    });
  });
})();
