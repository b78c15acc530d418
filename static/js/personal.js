// The personal pages save an answer when the person presses Save, never while they type. Once
// they change an answer after saving, its status says so, so "✓ Saved" is never stale.
(function () {
  "use strict";

  function markUnsaved(event) {
    var form = event.target.closest && event.target.closest("form.answer");
    if (!form) return;
    var status = form.querySelector(".answer__status");
    if (!status || status.getAttribute("data-state") === "unsaved") return;
    status.textContent = form.getAttribute("data-unsaved");
    status.classList.remove("answer__status--saved");
    status.setAttribute("data-state", "unsaved");
  }

  document.addEventListener("input", markUnsaved);
  document.addEventListener("change", markUnsaved);
})();
