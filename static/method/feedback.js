// The discussion of a step (templates/method/_feedback.html). Progressive enhancement only:
// every action is a plain form or link that works without this script.
//  - Votes are sent with fetch; the counts and the pressed button change in place, and a
//    polite live region says what happened. Any failure sends the form the ordinary way.
//  - "Reply" opens a reply form under the comment (a copy of the page's template) instead of
//    going to the reply page; pressing it again, or Cancel, closes it.
(function () {
  "use strict";

  var feedback = document.querySelector("[data-feedback]");
  if (!feedback) return;

  var live = document.createElement("p");
  live.className = "visually-hidden";
  live.setAttribute("aria-live", "polite");
  feedback.appendChild(live);

  function say(text) {
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  feedback.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-vote]") || form.dataset.plain) return;
    var button = event.submitter;
    if (!button || !window.fetch) return;
    event.preventDefault();
    var data = new FormData(form);
    data.set("choice", button.value);
    var buttons = form.querySelectorAll("button[name=choice]");
    buttons.forEach(function (b) { b.disabled = true; });

    // Whatever goes wrong (logged out meanwhile, votes closed, the network), the form is
    // sent the ordinary way: the page that comes back says what happened.
    function plainSubmit() {
      buttons.forEach(function (b) { b.disabled = false; });
      form.dataset.plain = "1";
      if (form.requestSubmit) form.requestSubmit(button);
      else button.click();
    }

    fetch(form.action, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      redirect: "error",
    })
      .then(function (response) {
        if (!response.ok) throw new Error(response.statusText);
        return response.json();
      })
      .then(function (body) {
        buttons.forEach(function (b) {
          b.disabled = false;
          b.setAttribute("aria-pressed", b.value === body.choice ? "true" : "false");
          var count = b.querySelector("[data-count]");
          if (count && body.counts[b.value] !== undefined) count.textContent = body.counts[b.value];
        });
        say(body.message);
      })
      .catch(plainSubmit);
  });

  var template = document.getElementById("reply-template");
  var opened = 0;

  feedback.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-reply]");
    if (link && template) {
      event.preventDefault();
      var box = link.closest(".comment-box");
      var existing = box.querySelector(".reply-form");
      if (existing) {
        existing.remove();
        link.setAttribute("aria-expanded", "false");
        link.focus();
        return;
      }
      opened += 1;
      var form = template.content.firstElementChild.cloneNode(true);
      form.action = link.href;
      // Unique ids for the copy's fields and their labels.
      form.querySelectorAll("[id]").forEach(function (el) { el.id = el.id + "-" + opened; });
      form.querySelectorAll("label[for]").forEach(function (el) {
        el.htmlFor = el.htmlFor + "-" + opened;
      });
      form.querySelectorAll("[aria-describedby]").forEach(function (el) {
        el.setAttribute("aria-describedby", el.getAttribute("aria-describedby") + "-" + opened);
      });
      var next = form.querySelector("input[name=next]");
      if (next) next.value = window.location.pathname;
      box.appendChild(form);
      link.setAttribute("aria-expanded", "true");
      form.querySelector("textarea").focus();
      return;
    }
    var cancel = event.target.closest("[data-cancel]");
    if (cancel) {
      var reply = cancel.closest(".reply-form");
      var opener = reply.closest(".comment-box").querySelector("a[data-reply]");
      reply.remove();
      if (opener) {
        opener.setAttribute("aria-expanded", "false");
        opener.focus();
      }
    }
  });
})();
