// Dashboard: show slider values beside the what-if sliders and the state of the live stream.
(function () {
  "use strict";
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(".what-if input[type=range]")) return;
    var out = document.getElementById(input.dataset.output);
    if (out) out.textContent = Number(input.value).toFixed(2);
  });
  function status(text) {
    var el = document.getElementById("live-status");
    if (el) el.textContent = text;
  }
  document.addEventListener("htmx:sseOpen", function () { status("Live: connected."); });
  document.addEventListener("htmx:sseError", function () { status("Live updates interrupted; refreshing every 30 seconds."); });
  document.addEventListener("htmx:sseMessage", function (event) {
    if (event.detail && event.detail.type === "bye") status("The server is restarting; refreshing every 30 seconds.");
  });
})();
