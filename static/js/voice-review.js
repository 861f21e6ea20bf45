// Staff pages: a transcript segment's time button plays the recording from there.
(function () {
  "use strict";
  if (window.calibrateVoiceReview) return;  // the partial may be included more than once
  window.calibrateVoiceReview = true;
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-seek]");
    if (!button) return;
    const audio = button.closest("[data-voice-answer]").querySelector("audio");
    if (!audio) return;
    audio.currentTime = parseFloat(button.dataset.seek) || 0;
    audio.play().catch(() => { /* the reviewer can press play */ });
  });
})();
