// Small behaviours shared by every page. No inline handlers anywhere, so the CSP stays strict.
(function () {
  "use strict";

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
    wireCopyButtons(root);
  }

  document.addEventListener("DOMContentLoaded", () => init(document));
  document.addEventListener("htmx:afterSettle", (event) => init(event.target));
  window.Calibrate = { init };
})();
