// Saves a half-written contact log as a draft while it is typed, so a closed tab, a lost
// connection or a flat battery loses nothing. Progressive enhancement: without this file the
// form still works, and a refused save is kept as a draft by the server anyway.
//
// A form opts in with data-draft-url (where to post the draft), data-draft-saved and
// data-draft-failed (the messages, translated by the page); the messages appear in the form's
// [data-draft-status] element, which is a polite live region.
(() => {
  "use strict";
  const DELAY_MS = 1500;

  const enhance = (form) => {
    const url = form.dataset.draftUrl;
    const status = form.querySelector("[data-draft-status]");
    const token = form.querySelector("input[name='csrf_token']");
    let timer = null;
    let dirty = false;
    let submitting = false;

    const say = (message) => { if (status) status.textContent = message || ""; };

    const save = () => {
      timer = null;
      if (!dirty || submitting) return;
      dirty = false;
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" },
      }).then((response) => {
        if (!response.ok) throw new Error(String(response.status));
        say(form.dataset.draftSaved);
      }).catch(() => {
        dirty = true; // try again with the next change, or when the page is left
        say(form.dataset.draftFailed);
      });
    };

    const changed = () => {
      dirty = true;
      window.clearTimeout(timer);
      timer = window.setTimeout(save, DELAY_MS);
    };

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", () => {
      submitting = true;
      window.clearTimeout(timer);
    });
    // Leaving the page (or the phone locking) before the delay is over: send what is there now.
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState !== "hidden" || !dirty || submitting) return;
      window.clearTimeout(timer);
      dirty = false;
      if (!navigator.sendBeacon || !navigator.sendBeacon(url, new FormData(form))) {
        dirty = true;
        save();
      }
    });
  };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-draft-url]").forEach(enhance);
  });
})();
