// A municipality report page while the report is generated: asks the page's URL for JSON every few
// seconds, moves the progress bar and, when the status changes, writes it into the status region
// (role="status": announced politely). No reload, so nothing moves under the reader (WCAG 2.2.1);
// when the report is done the "Look again now" link shows the downloads.
(function () {
  "use strict";
  var region = document.getElementById("report-status");
  if (!region || !window.fetch || !region.getAttribute("data-poll-url")) { return; }
  var url = region.getAttribute("data-poll-url");
  var seconds = parseInt(region.getAttribute("data-poll-seconds"), 10) || 3;
  var bar = document.getElementById("report-progress");
  var limit = 200;  // ten minutes at three seconds: then the link is left to the reader
  var asked = 0;
  var status = region.getAttribute("data-status");

  function show(answer) {
    if (bar && typeof answer.progress === "number") { bar.value = answer.progress; }
    if (answer.status === status) { return; }
    status = answer.status;
    var label = document.createElement("strong");
    label.textContent = answer.label;
    region.replaceChildren(label);
  }

  function ask() {
    asked += 1;
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .catch(function () { return null; })
      .then(function (answer) {
        if (answer) { show(answer); }
        if ((!answer || answer.running) && asked < limit) { window.setTimeout(ask, seconds * 1000); }
      });
  }

  window.setTimeout(ask, seconds * 1000);
})();
