// Question-set editor: after htmx swaps the draft, move focus to what the operation opened
// (a replace panel) so keyboard and screen-reader users land where the change happened.
(function () {
  "use strict";

  function focusOpened(root) {
    const target = root.querySelector("[data-autofocus]");
    if (target) {
      target.focus();
      target.scrollIntoView({ block: "nearest" });
    }
  }

  // Remember which question's button was pressed, to restore focus to it after the swap.
  let lastOp = null;
  document.addEventListener("click", (event) => {
    const button = event.target.closest("#question-editor button[name=op]");
    lastOp = button ? button.value : null;
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    const form = document.getElementById("question-editor");
    if (!form || !form.contains(event.target) && event.target !== form) return;
    if (form.querySelector("[data-autofocus]")) {
      focusOpened(form);
    } else if (lastOp) {
      const same = form.querySelector(`button[name=op][value="${CSS.escape(lastOp)}"]:not([disabled])`);
      if (same) same.focus();
    }
  });
})();
