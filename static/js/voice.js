// A voice round: Cal speaks each prompt (a stored clip, else the browser's speech synthesis, and
// always the caption), the candidate answers aloud, MediaRecorder uploads chunks of at most 2 s
// while they speak, each retried until the server acknowledges it. The countdown follows the
// server's clock. No inline handlers (strict CSP); every control is a real button.
(function () {
  "use strict";

  const root = document.getElementById("voice-round");
  if (!root || root.dataset.status !== "in_progress" || root.dataset.needsConsent === "true") return;

  const TIMESLICE_MS = 2000;
  const api = "/api/v1/take/" + encodeURIComponent(root.dataset.token) + "/rounds/" + encodeURIComponent(root.dataset.round);
  const statusLine = document.getElementById("voice-status");
  const micProblem = document.getElementById("mic-problem");
  const clockEl = document.getElementById("countdown");
  const announcer = document.getElementById("clock-announce");
  const submitForm = document.getElementById("submit-form");
  const caption = document.getElementById("cal-caption");
  let deadlineAt = Date.now() + parseFloat(root.dataset.secondsLeft || "0") * 1000;
  let closing = false;
  let stream = null;
  let active = null;  // the prompt being recorded

  const prompts = Array.from(root.querySelectorAll(".voice-prompt")).map((section) => ({
    section: section,
    id: section.dataset.question,
    state: section.dataset.state,
    nextSeq: parseInt(section.dataset.nextSeq || "0", 10),
    queue: [], sending: false, retryMs: 0, recorder: null, startedAt: 0,
    record: section.querySelector("[data-record]"),
    stop: section.querySelector("[data-stop]"),
    level: section.querySelector("[data-level]"),
    elapsed: section.querySelector("[data-elapsed]"),
    upload: section.querySelector("[data-upload]"),
    next: section.querySelector("[data-next]"),
    textarea: section.querySelector("textarea"),
  }));

  function say(text, state) { statusLine.textContent = text; statusLine.dataset.state = state || ""; }
  function pending(p) { return p.queue.length > 0 || p.sending; }
  function anyPending() { return prompts.some((p) => pending(p) || p.recorder); }
  function resync(left) { if (typeof left === "number") deadlineAt = Date.now() + left * 1000; }
  function mediaType(type) { return (type || "audio/webm").split(";")[0]; }

  // ---- Cal's voice ------------------------------------------------------------------------------
  let playing = null;
  function hush() {
    if (playing) { playing.pause(); playing = null; }
    if (window.speechSynthesis) window.speechSynthesis.cancel();
  }
  function speak(text, url) {
    hush();
    caption.textContent = text;
    if (url) {
      playing = new Audio(url);
      playing.play().catch(() => synth(text));
      return;
    }
    synth(text);
  }
  function synth(text) {
    // No voice in this browser: the caption and the prompt's text carry the round on their own.
    if (!window.speechSynthesis || typeof SpeechSynthesisUtterance === "undefined") return;
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = "en-US";
    window.speechSynthesis.speak(utterance);
  }
  function speakPrompt(p) {
    speak(p.section.querySelector(".question-text").textContent, p.section.dataset.speech);
  }
  document.getElementById("cal-intro").addEventListener("click", () => speak(caption.dataset.intro, caption.dataset.introSpeech));

  // ---- uploads: one request per prompt at a time, in seq order, retried until acknowledged ---------
  function enqueue(p, blob, final) {
    p.queue.push({ seq: p.nextSeq++, blob: blob, final: final, type: mediaType(blob.type || (p.recorder && p.recorder.mimeType)) });
    pump(p);
  }
  async function pump(p) {
    if (p.sending || !p.queue.length) return;
    p.sending = true;
    const item = p.queue[0];
    let response = null;
    try {
      response = await fetch(api + "/answers/" + encodeURIComponent(p.id) + "/audio?seq=" + item.seq + (item.final ? "&final=true" : ""),
        { method: "POST", headers: { "Content-Type": item.type, "Accept": "application/json" }, body: item.blob });
    } catch (e) { response = null; }
    p.sending = false;
    await handle(p, item, response);
  }
  async function handle(p, item, response) {
    const body = response ? await response.json().catch(() => ({})) : {};
    if (response && response.ok) {
      p.queue.shift();
      p.retryMs = 0;
      resync(body.seconds_left);
      if (item.final) finished(p);
      else p.upload.textContent = "Recording — " + Math.round(body.received_bytes / 1024) + " kB uploaded.";
      return pump(p);
    }
    if (response && response.status === 409) return refused(p, item, body);
    if (response && response.status === 413) {  // the answer is at its length limit: keep what is stored
      p.queue = [];
      p.nextSeq = item.seq;
      stopRecorder(p, false);
      enqueue(p, new Blob([], { type: item.type }), true);
      say("This answer reached its length limit; what you said so far is saved.", "error");
      return;
    }
    if (response && response.status >= 400 && response.status < 500 && response.status !== 429) {
      p.queue.shift();
      say("A piece of the recording was refused: " + (body.detail || response.status), "error");
      return pump(p);
    }
    p.retryMs = Math.min(10000, (p.retryMs || 500) * 2);  // offline or a server error: try again
    say("Connection problem — your recording is kept in this page and retried.", "error");
    setTimeout(() => pump(p), p.retryMs);
  }
  function refused(p, item, body) {
    if (body.reason === "finished") { p.queue = []; finished(p); return; }
    if (body.reason === "gap" && typeof body.expected_seq === "number" && body.expected_seq < item.seq) {
      // The server lost nothing it acknowledged; an earlier chunk of this page never arrived.
      say("Part of the recording was lost in transit; please record this answer again.", "error");
      p.queue = [];
      p.nextSeq = body.expected_seq;
      return;
    }
    if (body.reason === "closed") { closing = true; window.location.reload(); return; }
    p.queue.shift();
    say("Not saved — " + (body.detail || "refused"), "error");
    pump(p);
  }
  function finished(p) {
    p.state = "finished";
    p.section.dataset.state = "finished";
    p.upload.textContent = "Your answer is saved.";
    p.record.disabled = true;
    p.stop.disabled = true;
    if (p.next) p.next.disabled = false;
    say("Answer " + (prompts.indexOf(p) + 1) + " saved.", "saved");
  }

  // ---- recording ---------------------------------------------------------------------------------
  function micMessage(error) {
    const name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError") return "Microphone access was denied. Allow the microphone for this site and press Start answering again, or type your answer instead.";
    if (name === "NotFoundError" || name === "OverconstrainedError") return "No microphone was found. Connect one and press Start answering again, or type your answer instead.";
    return "The microphone could not be started (" + (name || "unknown error") + "). You can type your answer instead.";
  }
  function showMicProblem(p, error) {
    micProblem.hidden = false;
    micProblem.textContent = micMessage(error);
    p.upload.textContent = "Not recording.";
    p.section.querySelector("[data-type-instead]").focus();
  }
  function pickType() {
    const types = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/ogg"];
    return types.find((t) => window.MediaRecorder && MediaRecorder.isTypeSupported(t)) || "";
  }
  async function startRecording(p) {
    hush();
    if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return showMicProblem(p, { name: "NotSupportedError" });
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      return showMicProblem(p, error);
    }
    micProblem.hidden = true;
    const type = pickType();
    const recorder = new MediaRecorder(stream, type ? { mimeType: type } : {});
    p.ended = false;
    recorder.addEventListener("dataavailable", (event) => {
      if (p.ended) return;  // cut off at the length limit: nothing more is sent
      const last = recorder.state === "inactive";
      if (event.data.size > 0 || last) enqueue(p, event.data.size ? event.data : new Blob([], { type: recorder.mimeType }), last);
    });
    p.recorder = recorder;
    active = p;
    p.startedAt = Date.now();
    recorder.start(TIMESLICE_MS);
    p.record.disabled = true;
    p.stop.disabled = false;
    p.stop.focus();
    p.upload.textContent = "Recording — speak now.";
    say("Recording prompt " + (prompts.indexOf(p) + 1) + ".", "saving");
    meter(p);
  }
  function stopRecorder(p, final) {
    const recorder = p.recorder;
    p.recorder = null;
    if (active === p) active = null;
    if (recorder && recorder.state !== "inactive") {
      p.ended = !final;
      recorder.stop();  // delivers the last chunk, marked final (see dataavailable)
    } else if (final && p.nextSeq > 0 && p.state !== "finished") {
      enqueue(p, new Blob([], { type: "audio/webm" }), true);  // resumed after a reload: finish what is stored
    }
    p.stop.disabled = true;
    if (p.level) p.level.value = 0;
    // The microphone is released between answers: nothing is heard while no answer is recorded.
    const held = stream;
    stream = null;
    if (held) setTimeout(() => held.getTracks().forEach((track) => track.stop()), 500);
  }
  function finishAnswer(p) {
    stopRecorder(p, true);
    p.upload.textContent = "Uploading the end of your answer…";
    say("Saving your answer…", "saving");
  }

  // The level meter: how loud the microphone hears the candidate, from an analyser on the stream.
  let audioContext = null;
  function meter(p) {
    try {
      audioContext = audioContext || new (window.AudioContext || window.webkitAudioContext)();
      const analyser = audioContext.createAnalyser();
      audioContext.createMediaStreamSource(stream).connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      const step = () => {
        if (p.recorder === null) return;
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
        p.level.value = Math.min(1, Math.sqrt(sum / samples.length) * 4);
        p.level.textContent = Math.round(p.level.value * 100) + "%";
        const seconds = Math.floor((Date.now() - p.startedAt) / 1000);
        p.elapsed.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
        setTimeout(step, 100);
      };
      step();
    } catch (e) { /* no Web Audio: recording works without the meter */ }
  }

  // ---- typing instead ----------------------------------------------------------------------------
  function typeInstead(p) {
    if (p.recorder) stopRecorder(p, true);
    fetch(api + "/answers/" + encodeURIComponent(p.id) + "/typed", { method: "POST", headers: { "Accept": "application/json" } })
      .then((response) => {
        if (!response.ok && response.status !== 409) throw new Error(String(response.status));
        p.state = "typed";
        p.section.dataset.state = "typed";
        p.section.querySelector("[data-voice-controls]").hidden = true;
        p.section.querySelector("[data-typed]").hidden = false;
        p.textarea.focus();
        say("You are typing prompt " + (prompts.indexOf(p) + 1) + ".", "saved");
      })
      .catch(() => say("Could not switch to typing; try again.", "error"));
  }
  function autosave(p) {
    const a = p.textarea;
    let revision = parseInt(a.dataset.revision || "0", 10), acked = revision, timer = null, inflight = false;
    async function send() {
      if (inflight || acked >= revision) return;
      inflight = true;
      const sent = revision;
      try {
        const r = await fetch(api + "/answers/" + encodeURIComponent(p.id), { method: "PUT",
          headers: { "Content-Type": "application/json", "Accept": "application/json" },
          body: JSON.stringify({ text: a.value.replace(/\u0000/g, ""), revision: sent }) });
        const body = await r.json().catch(() => ({}));
        if (r.ok) { acked = Math.max(acked, sent); resync(body.seconds_left); say("Saved.", "saved"); }
        else if (r.status === 409 && body.reason === "stale") { revision = body.revision + 1; acked = body.revision; }
        else if (r.status === 409 && body.reason === "closed") { closing = true; window.location.reload(); }
        else say("Not saved — " + (body.detail || r.status), "error");
      } catch (e) { say("Not saved — retrying", "error"); setTimeout(send, 2000); }
      inflight = false;
      if (p.next) p.next.disabled = acked < revision || !a.value.trim();
      if (acked < revision) { clearTimeout(timer); timer = setTimeout(send, 700); }
    }
    a.addEventListener("input", () => { revision += 1; if (p.next) p.next.disabled = true; clearTimeout(timer); timer = setTimeout(send, 700); });
    a.addEventListener("blur", send);
    p.flush = send;
    if (p.next && p.state === "typed") p.next.disabled = !a.value.trim();
  }

  // ---- prompts in order ----------------------------------------------------------------------------
  prompts.forEach((p, index) => {
    p.record.addEventListener("click", () => startRecording(p));
    p.stop.addEventListener("click", () => finishAnswer(p));
    p.section.querySelector("[data-speak]").addEventListener("click", () => speakPrompt(p));
    p.section.querySelector("[data-type-instead]").addEventListener("click", () => typeInstead(p));
    autosave(p);
    if (p.state === "finished") finished(p);
    if (!p.next) return;
    p.next.addEventListener("click", () => {
      const following = prompts[index + 1];
      p.section.hidden = true;
      following.section.hidden = false;
      following.section.querySelector("h2").focus();
      speakPrompt(following);
    });
  });

  // ---- the clock and the end of the round ------------------------------------------------------------
  function format(ms) {
    const total = Math.max(0, Math.ceil(ms / 1000));
    const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    return (h ? h + ":" : "") + String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
  }
  function tick() {
    const ms = deadlineAt - Date.now();
    clockEl.textContent = format(ms);
    clockEl.classList.toggle("low", ms <= 60000);
    if (ms <= 60000 && ms > 55000 && announcer.textContent === "") announcer.textContent = "1 minute left.";
    if (ms <= 0) timeUp();
  }
  function drained(timeoutMs) {
    const until = Date.now() + timeoutMs;
    return new Promise((resolve) => {
      const check = () => (!anyPending() || Date.now() > until ? resolve() : setTimeout(check, 200));
      check();
    });
  }
  async function timeUp() {
    if (closing) return;
    closing = true;
    clearInterval(ticker);
    if (active) stopRecorder(active, true);
    say("Time is up — saving your answers…", "saving");
    prompts.forEach((p) => p.flush && p.flush());
    await drained(15000);
    await fetch(api + "/submit", { method: "POST", headers: { "Accept": "application/json" } }).catch(() => null);
    window.location.reload();
  }
  submitForm.addEventListener("submit", async (event) => {
    if (closing) return;
    event.preventDefault();
    closing = true;
    if (active) stopRecorder(active, true);
    say("Submitting…", "saving");
    prompts.forEach((p) => p.flush && p.flush());
    await drained(30000);
    submitForm.submit();
  });
  window.addEventListener("beforeunload", (event) => { if (anyPending() && !closing) event.preventDefault(); });

  const ticker = setInterval(tick, 250);
  tick();
})();
