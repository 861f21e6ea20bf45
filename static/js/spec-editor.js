// Job-spec editor: weight sliders and number fields kept in step, a live total that gates saving,
// and rows that can be added, removed and reordered. Loaded only on the editor page.
(function () {
  "use strict";

  const TOLERANCE = 0.001;
  let added = 0;

  function weightInputs(form) {
    return Array.from(form.querySelectorAll("#competency-rows .weight-number"));
  }

  // The total of every weight; NaN when a field holds something that is not a number.
  function totalWeight(form) {
    return weightInputs(form).reduce((sum, input) => {
      const text = input.value.trim();
      return sum + (text === "" ? NaN : Number(text));
    }, 0);
  }

  function updateTotal(form) {
    const total = totalWeight(form);
    const balanced = Number.isFinite(total) && Math.abs(total - 1) <= TOLERANCE + 1e-9;
    const status = document.getElementById("weight-total");
    const shown = Number.isFinite(total) ? total.toFixed(2) : "?";
    status.textContent = balanced ? `Total weight: ${shown} ✓ balanced` : `Total ${shown} — must be 1.00`;
    status.classList.toggle("ok", balanced);
    status.classList.toggle("error", !balanced);
    document.getElementById("save-spec").disabled = !balanced;
  }

  // A slider moved: copy its value into the number field of the same row (and the reverse).
  function syncWeight(input) {
    const field = input.closest(".weight-field");
    if (!field) return;
    if (input.classList.contains("weight-range")) {
      field.querySelector(".weight-number").value = Number(input.value).toFixed(2);
    } else if (input.value.trim() !== "" && Number.isFinite(Number(input.value))) {
      field.querySelector(".weight-range").value = input.value;
    }
  }

  // A renamed competency: its weight controls say which competency they weigh.
  function relabel(row, name) {
    const label = name.trim() || "new competency";
    row.querySelector(".weight-range").setAttribute("aria-label", `Weight slider: ${label}`);
    row.querySelector(".weight-number").setAttribute("aria-label", `Weight: ${label}`);
  }

  function addRow(button) {
    const template = document.getElementById(button.dataset.add);
    const list = document.getElementById(button.dataset.into);
    added += 1;
    const html = template.innerHTML.split("__ROW__").join(`new${added}`);
    list.insertAdjacentHTML("beforeend", html);
    const row = list.lastElementChild;
    const first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  }

  function moveRow(button) {
    const row = button.closest(".editor-row");
    if (button.dataset.move === "up" && row.previousElementSibling) {
      row.parentNode.insertBefore(row, row.previousElementSibling);
    } else if (button.dataset.move === "down" && row.nextElementSibling) {
      row.parentNode.insertBefore(row.nextElementSibling, row);
    }
    button.focus();
  }

  function wire(form) {
    form.addEventListener("input", (event) => {
      const target = event.target;
      if (target.matches(".weight-range, .weight-number")) {
        syncWeight(target);
        updateTotal(form);
      } else if (target.matches("[data-names-row]")) {
        relabel(target.closest(".editor-row"), target.value);
      }
    });
    form.addEventListener("click", (event) => {
      const button = event.target.closest("button[type=button]");
      if (!button) return;
      if (button.dataset.add) addRow(button);
      else if (button.dataset.move) moveRow(button);
      else if (button.hasAttribute("data-remove")) button.closest(".editor-row").remove();
      updateTotal(form);
    });
    form.addEventListener("submit", (event) => {
      if (!Number.isFinite(totalWeight(form)) || Math.abs(totalWeight(form) - 1) > TOLERANCE + 1e-9) {
        event.preventDefault();
        updateTotal(form);
      }
    });
    // Controls moved before this script ran (a slow load) fired no event: catch them up.
    form.querySelectorAll(".weight-range, .weight-number").forEach((input) => {
      if (input.value !== input.defaultValue) syncWeight(input);
    });
    form.querySelectorAll("[data-names-row]").forEach((input) => {
      if (input.value !== input.defaultValue) relabel(input.closest(".editor-row"), input.value);
    });
    updateTotal(form);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("spec-editor");
    if (form) wire(form);
  });
})();
