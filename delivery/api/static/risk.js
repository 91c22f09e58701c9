// The risk interstitial: count the pause down ("continue" disabled until it ends), post the
// button pressed. "Cancel" and "call" work at every moment.
(function () {
  "use strict";
  var main = document.querySelector("main");
  var prompt = main.getAttribute("data-prompt");
  var left = parseInt(main.getAttribute("data-pause"), 10) || 0;
  var cont = document.querySelector(".act-continue");
  var wait = document.querySelector(".wait");
  var count = document.querySelector(".count");
  function tick() {
    if (left <= 0) {
      if (cont) { cont.disabled = false; }
      wait.hidden = true;
      return;
    }
    count.textContent = String(left);
    left -= 1;
    setTimeout(tick, 1000);
  }
  tick();
  function post(action) {
    return fetch("/app/risk/" + prompt + "/outcome", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ action: action })
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".act"), function (button) {
    button.addEventListener("click", function () {
      if (button.disabled) { return; }
      var action = button.getAttribute("data-action");
      post(action).then(function () {
        document.body.setAttribute("data-sent", action);
        var phone = button.getAttribute("data-phone");
        if (phone) { window.location.href = "tel:" + phone; }
      });
    });
  });
})();
