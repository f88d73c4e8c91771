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
    let inflight = null; // the AbortController of the autosave under way, if any
    let dirty = false;
    let submitting = false;

    const say = (message) => { if (status) status.textContent = message || ""; };

    const save = () => {
      timer = null;
      if (!dirty || submitting) return;
      dirty = false;
      if (inflight) inflight.abort(); // an older draft must not land after this one
      const controller = new AbortController();
      inflight = controller;
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" },
        signal: controller.signal,
      }).then((response) => {
        if (!response.ok) throw new Error(String(response.status));
        if (!controller.signal.aborted && !submitting) say(form.dataset.draftSaved);
      }).catch(() => {
        if (controller.signal.aborted || submitting) return; // replaced, or the form was sent
        dirty = true; // try again with the next change, or when the page is left
        say(form.dataset.draftFailed);
      }).finally(() => {
        if (inflight === controller) inflight = null;
      });
    };

    const changed = () => {
      if (submitting) return;
      dirty = true;
      window.clearTimeout(timer);
      timer = window.setTimeout(save, DELAY_MS);
    };

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    // Sending the form saves the contact and discards the draft: stop autosaving, drop the
    // pending autosave and abort the one under way, or it could bring the draft back once the
    // contact is saved. (The server also drops a draft that repeats the contact just logged.)
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return;
      submitting = true;
      dirty = false;
      window.clearTimeout(timer);
      timer = null;
      if (inflight) inflight.abort();
      inflight = null;
    });
    // Back to this page from the browser's cache after sending it: what is typed now is new work.
    window.addEventListener("pageshow", (event) => {
      if (event.persisted) submitting = false;
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
