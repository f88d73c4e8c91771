// Irreversible actions ask first (macros/confirm.html). Without this file the form's tick box does
// the asking, and the server refuses an unconfirmed post; with it, the button opens a dialog.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-confirm]").forEach((box) => {
    const dialog = box.querySelector("dialog");
    const form = box.closest("form");
    if (!form || !dialog || typeof dialog.showModal !== "function") return; // the tick box stays
    const opener = box.querySelector("[data-confirm-open]");
    const yes = dialog.querySelector("[data-confirm-yes]");
    box.querySelector("[data-confirm-check]").remove();
    opener.setAttribute("aria-haspopup", "dialog");

    // Every way of submitting (the button, Enter in a field of the form) opens the dialog; only
    // its confirm button sends the form.
    form.addEventListener("submit", (event) => {
      if (event.submitter === yes && dialog.open) return;
      event.preventDefault();
      if (!dialog.open) {
        dialog.showModal();
        dialog.querySelector("[data-confirm-cancel]").focus(); // the safe choice first
      }
    });
    dialog.querySelector("[data-confirm-cancel]").addEventListener("click", () => dialog.close());
    // Escape closes the dialog natively; however it closes, focus goes back to the button.
    dialog.addEventListener("close", () => opener.focus());
  });
});
