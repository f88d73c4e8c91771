// Saves a half-written form as a draft while it is typed, so a closed tab, a lost connection,
// a flat battery or the idle sign-out loses nothing (saas/drafts). Progressive enhancement: without
// this file the forms still work, and a form sent after the sign-out is kept by the server anyway.
//
// Two kinds of forms opt in. A contact log names its own draft address: data-draft-url, with
// data-draft-saved and data-draft-failed (the messages, translated by the page). A page that keeps
// drafts (base.html: <main data-draft-page ...>) has its forms that post to the page itself saved
// there, with the messages on <main>. Every autosave carries the header "X-Draft: save". The
// messages appear in the form's [data-draft-status] element, a polite live region, if it has one.
// When the session has ended, the server keeps the draft and answers 401 with the sign-in address:
// the person goes there, and signing in brings them back to the form as they left it.
(() => {
  "use strict";
  const DELAY_MS = 1500;

  const enhance = (form, messages) => {
    const url = form.dataset.draftUrl || form.action;
    let status = form.querySelector("[data-draft-status]");
    if (!status) { // a page's form: say it under the form's buttons
      status = document.createElement("p");
      status.className = "hint draft-status";
      status.setAttribute("data-draft-status", "");
      status.setAttribute("aria-live", "polite");
      form.append(status);
    }
    const token = form.querySelector("input[name='csrf_token']");
    let timer = null;
    let inflight = null; // the AbortController of the autosave under way, if any
    let dirty = false;
    let submitting = false;

    // A beacon cannot carry a header: the body says "_draft=save" too, so the server never takes
    // an autosave for the form being sent (forms drop fields they do not know).
    const draft = () => {
      const data = new FormData(form);
      data.append("_draft", "save");
      return data;
    };

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
        body: draft(),
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "", "X-Draft": "save" },
        signal: controller.signal,
      }).then((response) => {
        if (response.status === 401) {
          return response.json().then((answer) => { window.location.assign(answer.sign_in); });
        }
        if (!response.ok) throw new Error(String(response.status));
        if (!controller.signal.aborted && !submitting) say(messages.draftSaved);
      }).catch(() => {
        if (controller.signal.aborted || submitting) return; // replaced, or the form was sent
        dirty = true; // try again with the next change, or when the page is left
        say(messages.draftFailed);
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
      if (!navigator.sendBeacon || !navigator.sendBeacon(url, draft())) {
        dirty = true;
        save();
      }
    });
  };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-draft-url]").forEach((form) => enhance(form, form.dataset));
    const main = document.querySelector("main[data-draft-page]");
    if (!main) return;
    const page = new URL(main.dataset.draftPage, window.location.href).pathname;
    main.querySelectorAll("form[method='post' i]:not([data-no-draft]):not([data-draft-url])").forEach((form) => {
      if (new URL(form.action, window.location.href).pathname === page) enhance(form, main.dataset);
    });
  });
})();
