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
// The ranking swaps itself live (stream and polling) only while it shows its first page in the default
// order: once the person sorts, filters or loads more rows, their view stays until they reload.
(function () {
  "use strict";
  function wrap() { return document.getElementById("ranking-wrap"); }
  function pin() {
    var el = wrap();
    if (el) el.dataset.pinned = "1";
  }
  document.addEventListener("submit", function (event) {
    if (event.target.closest && event.target.closest("#ranking")) pin();
  }, true);
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("#ranking .more-row")) pin();
  }, true);
  function keep(event) {
    var el = wrap();
    if (el && el.dataset.pinned && event.target === el) event.preventDefault();
  }
  document.addEventListener("htmx:sseBeforeMessage", keep);
  document.addEventListener("htmx:beforeRequest", keep);
})();
