// The tend page: one key per action on the entry that has the focus. Progressive enhancement
// only: every action is a plain form button, and these keys only press it.
//   queue:   x done, s snooze for a week
//   pruning: k keep, a archive, d move to the bin
// An entry has the focus when it or anything in it does (clicking its text focuses it, as it
// has tabindex="-1"). The up and down arrows move between entries. After an action the page comes back at the next
// entry (#queue-12): it gets the focus, so the member can go on with the keyboard.
(function () {
  "use strict";

  var page = document.querySelector("[data-tend]");
  if (!page) return;

  page.classList.add("keys-enabled");
  page.querySelectorAll("[data-key-help]").forEach(function (help) {
    help.hidden = false;
  });
  page.querySelectorAll("button[data-key]").forEach(function (button) {
    button.setAttribute("aria-keyshortcuts", button.dataset.key);
  });

  function focusEntry(entry) {
    entry.focus();
    entry.scrollIntoView({ block: "nearest" });
  }

  if (location.hash.length > 1) {
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && page.contains(target)) target.focus();
  }

  page.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    // Typing stays typing: no shortcut inside a field.
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    var entry = event.target.closest("[data-entry]");
    if (!entry) return;

    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    var list = entry.parentElement.querySelectorAll(":scope > [data-entry]");
    var index = Array.prototype.indexOf.call(list, entry);
    if (key === "ArrowDown") {
      if (index + 1 < list.length) {
        focusEntry(list[index + 1]);
        event.preventDefault();
      }
      return;
    }
    if (key === "ArrowUp") {
      if (index > 0) {
        focusEntry(list[index - 1]);
        event.preventDefault();
      }
      return;
    }
    if (event.shiftKey) return;
    var button = entry.querySelector('button[data-key="' + key + '"]');
    if (!button) return;
    event.preventDefault();
    // A click submits the button's own form, with the button's name and value, as a mouse would.
    button.click();
  });
})();
