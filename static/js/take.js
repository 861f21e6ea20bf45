// A timed round for the candidate: autosave with revisions, a local copy that survives reloads
// and outages, and a countdown that follows the server's deadline. No inline handlers (strict CSP).
(function () {
  "use strict";

  const root = document.getElementById("take-round");
  if (!root || root.dataset.status !== "in_progress") return;

  const DEBOUNCE_MS = 700;      // pause in typing before a save
  const MAX_BEHIND_MS = 1500;   // never more than this behind while typing continuously
  const api = "/api/v1/take/" + encodeURIComponent(root.dataset.token) + "/rounds/" + encodeURIComponent(root.dataset.round);
  const storePrefix = "calibrate-take:" + root.dataset.token.slice(0, 12) + ":" + root.dataset.round + ":";
  const statusLine = document.getElementById("save-status");
  const clockEl = document.getElementById("countdown");
  const announcer = document.getElementById("clock-announce");
  const submitForm = document.getElementById("submit-form");
  const behavioral = root.dataset.kind === "behavioral";

  let deadlineAt = Date.now() + parseFloat(root.dataset.secondsLeft || "0") * 1000;
  let closing = false;
  const announced = {};

  // ---- answers -----------------------------------------------------------------------------
  const answers = Array.from(root.querySelectorAll("textarea[data-question-id]")).map((el) => ({
    el: el,
    id: el.dataset.questionId,
    acked: parseInt(el.dataset.revision || "0", 10),  // highest revision the server acknowledged
    rev: parseInt(el.dataset.revision || "0", 10),    // newest revision of the text in the field
    timer: null, firstDirtyAt: 0, inflight: null, retryMs: 0,
  }));

  function store(a) {
    try { localStorage.setItem(storePrefix + a.id, JSON.stringify({ text: a.el.value, revision: a.rev })); } catch (e) { /* full or disabled */ }
  }
  function unstore(a) {
    try { localStorage.removeItem(storePrefix + a.id); } catch (e) { /* ignore */ }
  }
  function stored(a) {
    try { return JSON.parse(localStorage.getItem(storePrefix + a.id) || "null"); } catch (e) { return null; }
  }

  function setStatus(text, state) {
    statusLine.textContent = text;
    statusLine.dataset.state = state;
  }
  function timeOf(iso) {
    return new Date(iso).toLocaleTimeString("en-GB", { hour12: false });
  }
  function dirty(a) { return a.rev > a.acked; }
  function anyDirty() { return answers.some(dirty); }

  function schedule(a) {
    clearTimeout(a.timer);
    const now = Date.now();
    if (!a.firstDirtyAt) a.firstDirtyAt = now;
    const wait = Math.max(0, Math.min(DEBOUNCE_MS, a.firstDirtyAt + MAX_BEHIND_MS - now));
    a.timer = setTimeout(() => save(a), wait);
  }

  function edited(a) {
    a.rev += 1;
    store(a);
    updateNext();
    setStatus("Saving…", "saving");
    schedule(a);
  }

  // One request per answer at a time; the promise lets a submit wait for the last save.
  function save(a) {
    clearTimeout(a.timer);
    a.timer = null;
    if (a.inflight) return a.inflight.then(() => (dirty(a) ? save(a) : undefined));
    if (!dirty(a)) return Promise.resolve();
    a.inflight = send(a).finally(() => { a.inflight = null; });
    return a.inflight;
  }

  async function send(a) {
    const revision = a.rev;
    const text = a.el.value.replace(/\u0000/g, "");  // the server refuses NUL characters
    setStatus("Saving…", "saving");
    let response = null;
    try {
      response = await fetch(api + "/answers/" + encodeURIComponent(a.id), {
        method: "PUT", headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify({ text: text, revision: revision }), credentials: "same-origin",
      });
    } catch (e) {
      response = null;
    }
    if (response && response.ok) {
      const body = await response.json();
      a.acked = Math.max(a.acked, body.revision);
      a.retryMs = 0;
      resync(body.seconds_left);
      if (!dirty(a)) { unstore(a); a.firstDirtyAt = 0; }
      setStatus("Saved at " + timeOf(body.saved_at), "saved");
      updateNext();
      if (dirty(a)) schedule(a);
      return;
    }
    if (response && response.status === 409) {
      const body = await response.json().catch(() => ({}));
      if (body.reason === "stale" && typeof body.revision === "number") {
        // Another tab saved a newer revision: the text in this field is the newest edit, resend above it.
        a.acked = body.revision;
        a.rev = Math.max(a.rev, body.revision + 1);
        store(a);
        schedule(a);
        return;
      }
      if (body.reason === "closed") { unstore(a); window.location.reload(); return; }
      setStatus("Not saved — " + (body.detail || "refused"), "error");
      return;
    }
    if (response && response.status >= 400 && response.status < 500 && response.status !== 429) {
      setStatus("Not saved — this link no longer works. Your text is kept in this browser.", "error");
      return;
    }
    // Network down or server error: keep the local copy and try again.
    a.retryMs = Math.min(10000, (a.retryMs || 1000) * 2);
    setStatus("Not saved — retrying", "error");
    clearTimeout(a.timer);
    a.timer = setTimeout(() => save(a), a.retryMs);
  }

  function flushAll() {
    return Promise.all(answers.filter(dirty).map((a) => save(a)));
  }

  answers.forEach((a) => {
    const copy = stored(a);
    if (copy && copy.revision > a.acked && copy.text !== a.el.value) {
      a.el.value = copy.text;          // unsent text from before a reload or an outage
      a.rev = copy.revision;
      setStatus("Restoring unsaved text…", "saving");
      schedule(a);
    } else {
      if (copy) unstore(a);
      // Typed before this script ran (a slow load): the field already differs from what the
      // server sent, so it is an edit like any other.
      if (a.el.value !== a.el.defaultValue) edited(a);
    }
    a.el.addEventListener("input", () => edited(a));
    a.el.addEventListener("blur", () => { if (dirty(a)) save(a); });
  });

  window.addEventListener("online", () => answers.filter(dirty).forEach((a) => save(a)));
  window.addEventListener("beforeunload", (event) => {
    if (anyDirty() && !closing) {
      answers.filter(dirty).forEach((a) => store(a));
      event.preventDefault();
    }
  });

  // ---- behavioral: one prompt at a time, in order --------------------------------------------
  function updateNext() {
    if (!behavioral) return;
    answers.forEach((a) => {
      const section = a.el.closest(".question");
      const next = section.querySelector("[data-next]");
      if (next) next.disabled = dirty(a) || a.el.value.trim() === "";
    });
  }
  root.querySelectorAll("[data-next]").forEach((button) => {
    button.addEventListener("click", () => {
      const section = button.closest(".question");
      const following = section.nextElementSibling;
      if (!following || !following.classList.contains("question")) return;
      section.hidden = true;
      following.hidden = false;
      following.querySelector("textarea").focus();
    });
  });
  updateNext();

  // ---- the clock ------------------------------------------------------------------------------
  function resync(secondsLeft) {
    if (typeof secondsLeft === "number") deadlineAt = Date.now() + secondsLeft * 1000;
  }
  function format(ms) {
    const total = Math.max(0, Math.ceil(ms / 1000));
    const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    const mm = String(m).padStart(2, "0"), ss = String(s).padStart(2, "0");
    return h ? h + ":" + mm + ":" + ss : mm + ":" + ss;
  }
  function announce(ms) {
    [[5, "5 minutes left."], [1, "1 minute left."]].forEach(([minutes, text]) => {
      const limit = minutes * 60000;
      if (ms <= limit && ms > limit - 5000 && !announced[minutes]) {
        announced[minutes] = true;
        announcer.textContent = text;
      } else if (ms <= limit - 5000) {
        announced[minutes] = true;  // joined later: no stale announcement
      }
    });
  }
  function tick() {
    const ms = deadlineAt - Date.now();
    clockEl.textContent = format(ms);
    clockEl.classList.toggle("low", ms <= 60000);
    announce(ms);
    if (ms <= 0) timeUp();
  }

  async function submitRound() {
    for (let attempt = 0; attempt < 30; attempt++) {
      try {
        const response = await fetch(api + "/submit", { method: "POST", headers: { "Accept": "application/json" } });
        if (response.ok || response.status === 409 || response.status === 404 || response.status === 410) return;
      } catch (e) { /* offline: retry */ }
      setStatus("Not saved — retrying", "error");
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }

  async function timeUp() {
    if (closing) return;
    closing = true;
    clearInterval(ticker);
    answers.forEach((a) => { a.el.readOnly = true; });
    setStatus("Time is up — submitting your answers…", "saving");
    await flushAll();
    await submitRound();
    window.location.reload();
  }

  submitForm.addEventListener("submit", async (event) => {
    if (closing) return;
    event.preventDefault();
    closing = true;
    setStatus("Submitting…", "saving");
    await flushAll();
    submitForm.submit();
  });

  const ticker = setInterval(tick, 250);
  tick();
})();
