// Small behaviours shared by every page. No inline handlers anywhere, so the CSP stays strict.
(function () {
  "use strict";

  // Toasts arrive as out-of-band swaps into #toasts; each fades out after a few seconds.
  function expireToasts(root) {
    root.querySelectorAll(".toast:not([data-expiring])").forEach((toast) => {
      toast.dataset.expiring = "1";
      setTimeout(() => toast.remove(), 6000);
    });
  }

  // Buttons with data-copy copy the value of the element they name.
  function wireCopyButtons(root) {
    root.querySelectorAll("[data-copy]:not([data-wired])").forEach((button) => {
      button.dataset.wired = "1";
      button.addEventListener("click", async () => {
        const source = document.getElementById(button.dataset.copy);
        const text = source.value || source.textContent;
        try {
          await navigator.clipboard.writeText(text);
          button.textContent = "Copied";
        } catch (err) {
          source.select && source.select();
          button.textContent = "Press Ctrl+C to copy";
        }
      });
    });
  }

  function init(root) {
    expireToasts(document);
    wireCopyButtons(root);
  }

  document.addEventListener("DOMContentLoaded", () => init(document));
  document.addEventListener("htmx:afterSettle", (event) => init(event.target));
  window.Calibrate = { init };
})();
