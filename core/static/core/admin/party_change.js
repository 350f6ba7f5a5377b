/* "Change party and menu" (core/admin_changes.py): the new total, live, as staff type. The
   server computes it (the quote engine); this only asks and shows. Without JavaScript the
   form's preview step shows the same total before anything changes. */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var adults = document.querySelector("input[data-quote-url]");
    if (!adults) { return; }
    var form = adults.form;
    var url = adults.getAttribute("data-quote-url");
    var out = document.createElement("p");
    out.id = "party-live-total";
    out.setAttribute("aria-live", "polite");
    form.querySelector("fieldset").after(out);
    var timer = null;
    function refresh() {
      var params = new URLSearchParams();
      form.querySelectorAll("input[name^='party_'], input[name^='item_']").forEach(function (input) {
        params.append(input.name, input.value);
      });
      fetch(url + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (body) {
          out.textContent = body.error ? body.error
            : "New total " + body.total + (body.minimum_applied ? " (party minimum applied)" : "")
              + "; balance due after the change " + body.balance_due + ".";
        })
        .catch(function () { out.textContent = ""; });
    }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });
    refresh();
  });
})();
