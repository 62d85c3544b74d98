// "Copy link" on the share card: without JavaScript the link sits in a read-only field to
// select and copy; with it, a button copies it to the clipboard and says so.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-link]").forEach(function (box) {
    var source = box.querySelector("[data-copy-source]");
    var button = box.querySelector("[data-copy-button]");
    var status = box.querySelector("[data-copy-status]");
    if (!source || !button || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    source.addEventListener("focus", function () {
      source.select();
    });
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(
        function () {
          status.textContent = button.dataset.copied;
        },
        function () {
          source.focus();
          source.select();
          status.textContent = button.dataset.failed;
        }
      );
    });
  });
})();
