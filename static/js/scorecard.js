// Scorecard drafts save themselves: every change (debounced) is PUT to the JSON API with the
// session cookie and the page's CSRF token. Submitting still goes through the form.
(function () {
  "use strict";

  const DELAY_MS = 800;

  function draftBody(form) {
    const body = { ratings: {}, notes: {}, must_haves: {} };
    const data = new FormData(form);
    for (const [name, value] of data.entries()) {
      if (name.startsWith("rating__")) {
        body.ratings[name.slice(8)] = value === "none" ? null : Number(value);
      } else if (name.startsWith("note__")) {
        body.notes[name.slice(6)] = value;
      } else if (name.startsWith("must__")) {
        body.must_haves[name.slice(6)] = value;
      } else if (name === "recommendation") {
        body.recommendation = value;
      }
    }
    return body;
  }

  function wire(form) {
    if (form.dataset.wired) return;
    form.dataset.wired = "1";
    const status = document.getElementById("autosave-status");
    const token = document.querySelector('meta[name="csrf-token"]').content;
    let timer = null;
    let inFlight = Promise.resolve();

    function say(text) {
      if (status) status.textContent = text;
    }

    async function save() {
      const response = await fetch(form.dataset.autosaveUrl, {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
        body: JSON.stringify(draftBody(form)),
      });
      if (response.ok) {
        const saved = new Date();
        say("Draft saved at " + saved.toLocaleTimeString());
      } else {
        let detail = "status " + response.status;
        try {
          detail = (await response.json()).detail || detail;
        } catch (err) { /* not JSON */ }
        say("Not saved: " + detail);
      }
    }

    function schedule() {
      clearTimeout(timer);
      say("Saving…");
      timer = setTimeout(() => {
        inFlight = inFlight.then(save).catch(() => say("Not saved: the server could not be reached"));
      }, DELAY_MS);
    }

    form.addEventListener("change", schedule);
    form.addEventListener("input", (event) => {
      if (event.target.tagName === "TEXTAREA") schedule();
    });
    form.addEventListener("submit", () => clearTimeout(timer));
    if (changedBeforeLoad(form)) schedule();
  }

  // A change made before this script ran (a slow load) fired no event; the fields tell.
  function changedBeforeLoad(form) {
    return Array.from(form.elements).some((el) => {
      if (el.type === "radio" || el.type === "checkbox") return el.checked !== el.defaultChecked;
      if (el.tagName === "SELECT") {
        const initial = Array.from(el.options).findIndex((o) => o.defaultSelected);
        return el.selectedIndex !== Math.max(0, initial);
      }
      if (el.tagName === "TEXTAREA" || el.type === "text") return el.value !== el.defaultValue;
      return false;
    });
  }

  function init() {
    document.querySelectorAll("form[data-autosave-url]").forEach(wire);
  }

  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init);
})();
