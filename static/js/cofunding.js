/* Co-funding application: the rules' verdict, live, as the organiser types.
   Sums the lines, asks the public simulator (/api/v1/aid/cofunding-check) and
   shows its answer in an aria-live region. The form works without it: the
   "Check" button computes the same verdict on the server. */
(function () {
  "use strict";
  var form = document.getElementById("cofunding-form");
  var live = document.getElementById("live-verdict");
  if (!form || !live || !window.fetch) { return; }

  var SPACES = /[\u0020\u00a0\u202f]/g;
  var AMOUNT = /^(\d{1,3}(?:[\u0020\u00a0\u202f]\d{3})+|\d+)(?:[.,](\d+))?$/;
  var MAX_DIGITS = 13;

  /* The same reading as aid.rules.parse_euros: cents (a Number), null for an
     empty text, NaN for an unreadable one. */
  function parseEuros(text) {
    var cleaned = (text || "").replace(/^[\s\u00a0\u202f]+|[\s\u00a0\u202f]+$/g, "");
    if (cleaned.charAt(cleaned.length - 1) === "\u20ac") {
      cleaned = cleaned.slice(0, -1).replace(/[\u0020\u00a0\u202f]+$/, "");
    }
    if (cleaned === "") { return null; }
    var match = AMOUNT.exec(cleaned);
    if (!match) { return NaN; }
    var units = match[1].replace(SPACES, "");
    var decimals = match[2] || "";
    if (decimals.length > 2 || units.replace(/^0+/, "").length > MAX_DIGITS) { return NaN; }
    return Number(units) * 100 + Number((decimals + "00").slice(0, 2));
  }

  function money(cents) {
    var lang = document.documentElement.lang || "fr";
    return new Intl.NumberFormat(lang, { style: "currency", currency: "EUR" }).format(cents / 100);
  }

  function sum(pattern) {
    var total = 0, bad = false;
    form.querySelectorAll("input").forEach(function (input) {
      if (!pattern.test(input.name)) { return; }
      var cents = parseEuros(input.value);
      if (cents === null) { return; }
      if (isNaN(cents)) { bad = true; } else { total += cents; }
    });
    return { cents: total, bad: bad };
  }

  function show(lines) {
    live.hidden = false;
    live.textContent = "";
    lines.forEach(function (text) {
      var p = document.createElement("p");
      p.textContent = text;
      live.appendChild(p);
    });
  }

  var pending = null, sequence = 0;

  function update() {
    var expenses = sum(/^expenses-\d+-amount$/);
    var others = sum(/^revenues-\d+-amount$/);
    var shareInput = form.querySelector('input[name="region_share"]');
    var share = parseEuros(shareInput ? shareInput.value : "");
    if (expenses.bad || others.bad || isNaN(share)) {
      show([live.dataset.unreadable]);
      return;
    }
    share = share || 0;
    var totals = live.dataset.totals.replace("{cost}", money(expenses.cents))
      .replace("{share}", money(share)).replace("{others}", money(others.cents));
    if (expenses.cents === 0) { show([totals]); return; }
    var query = new URLSearchParams({
      total_cost_cents: String(expenses.cents), region_share_cents: String(share),
      other_revenues_cents: String(others.cents), region_led: form.dataset.regionLed,
      year: form.dataset.year
    });
    var mine = ++sequence;
    fetch(form.dataset.checkUrl + "?" + query.toString(), {
      headers: { "Accept": "application/json" }, credentials: "same-origin"
    }).then(function (response) { return response.json(); }).then(function (data) {
      if (mine !== sequence) { return; }  /* a newer answer is on its way */
      var lines = [totals];
      if (typeof data.max_region_share_cents === "number") {
        lines.push(live.dataset.maximum.replace("{amount}", money(data.max_region_share_cents)));
      }
      if (data.eligible) { lines.push(live.dataset.eligible); }
      (data.violations || []).forEach(function (v) { lines.push(v.message); });
      show(lines);
    }).catch(function () { /* the Check button still works */ });
  }

  form.addEventListener("input", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(update, 400);
  });
  update();
})();
