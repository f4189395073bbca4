// Forms on every page (loaded by base.html). No inline script (strict CSP): elements are found by
// class and data attributes that the templates put there.
//
// * A form that failed: its error summary (includes/form_errors.html) is opened if it sits in a
//   folded panel, scrolled into view and focused, so it is seen and read out; its links focus the field.
// * Otherwise, on a page whose main content has a single form, its first field gets the focus.
// * Date fields (DualDateField): the date's reading in the other calendar appears beside the field
//   as it is typed: Gregorian → Hijri by the browser's Umm al-Qura calendar, Hijri → Gregorian (and
//   any date the browser cannot read) by the server (/dates/convert), which parses as the form will.
// * The show-password button on the sign-in page.
(function () {
  "use strict";

  function openPanels(element) {
    for (var node = element.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) { node.open = true; }
    }
  }

  function focusField(target) {
    openPanels(target);
    var field = target.matches("input, select, textarea, button") ? target
      : target.querySelector("input:not([type=hidden]), select, textarea");
    (field || target).focus({ preventScroll: true });
    target.scrollIntoView({ block: "center" });
  }

  function errorSummary() {
    var summary = document.querySelector(".error-summary");
    if (!summary) { return false; }
    openPanels(summary);
    // At once, not with Bootstrap's smooth scrolling: the page has just loaded, there is nothing to follow.
    summary.scrollIntoView({ block: "start", behavior: "instant" });
    summary.focus({ preventScroll: true });
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (!target) { return; }
      event.preventDefault();
      focusField(target);
    });
    return true;
  }

  function visible(element) {
    return !!(element.offsetWidth || element.offsetHeight || element.getClientRects().length);
  }

  function focusFirstField() {
    if (document.activeElement && document.activeElement !== document.body) { return; }
    if (document.querySelector("[autofocus]")) { return; }
    var forms = Array.prototype.filter.call(
      document.querySelectorAll("main form[method=post], main form[method=POST]"),
      function (form) {
        // A list's search box is not a form one opens to fill in: focus stays at the top of the page.
        return visible(form) && form.getAttribute("role") !== "search"
          && form.querySelector("input:not([type=hidden]), select, textarea");
      }
    );
    if (forms.length !== 1) { return; }
    var fields = forms[0].querySelectorAll(
      "input:not([type=hidden]):not([type=submit]):not([type=button]):not([disabled]), select:not([disabled]), textarea:not([disabled])"
    );
    for (var i = 0; i < fields.length; i++) {
      if (visible(fields[i])) { fields[i].focus(); return; }
    }
  }

  // --- Dates in both calendars -------------------------------------------------------------
  var DIGITS = { "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4", "٥": "5", "٦": "6", "٧": "7", "٨": "8", "٩": "9",
    "۰": "0", "۱": "1", "۲": "2", "۳": "3", "۴": "4", "۵": "5", "۶": "6", "۷": "7", "۸": "8", "۹": "9" };
  var HIJRI_YEAR_LIMIT = 1600;  // as lib/hijri.py: a lower year is Hijri
  var COMPLETE = /^(\d{1,4})\s*([-/])\s*(\d{1,2})\s*\2\s*(\d{1,4})\s*(هـ|ه|AH|H|AD|م)?\.?$/i;

  function asciiDigits(text) {
    return text.replace(/[٠-٩۰-۹]/g, function (d) { return DIGITS[d]; });
  }

  // A complete Gregorian date with no Hijri suffix, as a UTC Date; null for anything else.
  function gregorian(text) {
    var m = COMPLETE.exec(text);
    if (!m || (m[5] && !/^(AD|م)$/i.test(m[5]))) { return null; }
    var year, month, day;
    if (m[1].length === 4) { year = +m[1]; month = +m[3]; day = +m[4]; }
    else if (m[4].length === 4) { year = +m[4]; month = +m[3]; day = +m[1]; }
    else { return null; }
    if (year < HIJRI_YEAR_LIMIT) { return null; }
    var date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
      return null;  // 2025-02-30: the server words the refusal
    }
    return date;
  }

  function hijriOf(date) {
    var lang = (document.documentElement.lang || "ar").split("-")[0];
    var locale = (lang === "ar" ? "ar-SA" : lang) + "-u-ca-islamic-umalqura-nu-latn";
    try {
      return new Intl.DateTimeFormat(locale, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })
        .format(date);
    } catch (error) {
      return null;  // a browser without the Umm al-Qura calendar: ask the server
    }
  }

  function setupDate(input) {
    if (input.hasAttribute("data-dual-date-ready")) { return; }
    input.setAttribute("data-dual-date-ready", "");
    var reading = document.getElementById(input.id + "_reading");
    if (!reading) { return; }
    var url = input.getAttribute("data-dual-date");
    var format = input.getAttribute("data-reading-format") || "%(date)s";
    var asked = 0, timer = null;

    function show(text, isError) {
      reading.textContent = text || "";
      reading.classList.toggle("text-danger", !!isError);
    }

    function ask(text) {
      var mine = ++asked;
      fetch(url + "?d=" + encodeURIComponent(text), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) {
          if (mine !== asked || !answer) { return; }
          if (answer.error) { show(answer.error, true); } else { show(answer.reading, false); }
        })
        .catch(function () { /* offline: the form still checks the date when saved */ });
    }

    function update(final) {
      var text = asciiDigits(input.value).trim();
      if (!text) { asked++; show("", false); return; }
      if (!COMPLETE.test(text)) {
        // Still being typed: say nothing yet; once the field is left, the server says what is wrong.
        if (final) { ask(text); } else { asked++; show("", false); }
        return;
      }
      var date = gregorian(text);
      var hijri = date && hijriOf(date);
      if (hijri) { asked++; show(format.replace("%(date)s", hijri), false); return; }
      ask(text);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { update(false); }, 300);
    });
    input.addEventListener("change", function () { clearTimeout(timer); update(true); });
    if (input.value) { update(true); }
  }

  // --- Show the password ----------------------------------------------------------------------
  function setupReveal(button) {
    var input = document.getElementById(button.getAttribute("aria-controls"));
    if (!input) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var show = input.type === "password";
      input.type = show ? "text" : "password";
      button.setAttribute("aria-pressed", show ? "true" : "false");
    });
  }

  function start() {
    document.querySelectorAll("input[data-dual-date]").forEach(setupDate);
    document.querySelectorAll("[data-reveal-password]").forEach(setupReveal);
    if (!errorSummary()) { focusFirstField(); }
    // Content swapped in by HTMX (a list's filters) may hold date fields too.
    document.body.addEventListener("htmx:load", function (event) {
      event.detail.elt.querySelectorAll("input[data-dual-date]").forEach(setupDate);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
