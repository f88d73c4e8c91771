// The page after Stripe Checkout: asks the server every few seconds whether the webhook has
// confirmed the licence, and shows the answer in the status region (announced, no reload).
(function () {
  "use strict";
  var region = document.getElementById("licence-status");
  if (!region || !window.fetch) { return; }
  var url = region.getAttribute("data-poll-url");
  var seconds = parseInt(region.getAttribute("data-poll-seconds"), 10) || 3;
  var limit = parseInt(region.getAttribute("data-poll-limit"), 10) || 20;
  var asked = 0;

  function show(state) {
    region.querySelectorAll("[data-state]").forEach(function (part) {
      part.hidden = part.getAttribute("data-state") !== state;
    });
  }

  function ask() {
    asked += 1;
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { confirmed: false }; })
      .catch(function () { return { confirmed: false }; })
      .then(function (answer) {
        if (answer.confirmed) { show("confirmed"); }
        else if (asked >= limit) { show("slow"); }
        else { window.setTimeout(ask, seconds * 1000); }
      });
  }

  window.setTimeout(ask, seconds * 1000);
})();
