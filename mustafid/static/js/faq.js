// «الأسئلة الشائعة» as one types (interactions/faq_views.py). No inline script (strict CSP): the templates say
// what to do in data attributes.
//
// * The public page (interactions/faq/page.html): its GET search form (data-faq-live) is searched as one types,
//   two letters or more, a moment after the typing stops; the page's own results fragment is swapped in, the
//   address follows (so a reload or a shared link shows the same), and the count is read out (aria-live).
// * Beside a question being typed (interactions/faq/_suggest_box.html: the officer's «الموضوع» on the contact
//   form, the beneficiary's message on the portal's «تواصل معنا»): the few published entries nearest to the text,
//   POSTed (what is typed may be personal: never in a URL). The officer's copy offers «نسخ الإجابة» and «أضف
//   الإجابة إلى ما تم».
// Each new request cancels the one before (AbortController), so a slow answer never replaces a newer one.
// Without this script the page's form searches on submit, and the contact forms work as before.
(function () {
  "use strict";

  var WAIT_MS = 300;

  function letters(text) {
    return text.replace(/\s+/g, "").length;
  }

  function announcer(status) {
    var shown = status ? status.textContent.trim() : "";
    return function (text) {
      // Said once (aria-live polite): the same words again are not repeated to a screen reader.
      if (status && text !== shown) { status.textContent = text; shown = text; }
    };
  }

  function saidIn(container) {
    var said = container.querySelector("[data-faq-said]");
    return said ? said.getAttribute("data-faq-said").trim() : "";
  }

  function liveSearch(form) {
    var input = form.querySelector("input[name=q]");
    var results = document.getElementById(form.getAttribute("data-faq-live"));
    var say = announcer(document.getElementById(form.getAttribute("data-faq-status")));
    var min = parseInt(form.getAttribute("data-faq-min"), 10) || 2;
    if (!input || !results || !window.fetch || !window.AbortController) { return; }
    var timer = null;
    var controller = null;
    var last = letters(input.value) >= min ? input.value.trim() : "";

    function run() {
      // Fewer letters than the minimum: every question again.
      var query = letters(input.value) >= min ? input.value.trim() : "";
      if (query === last) { return; }
      last = query;
      if (controller) { controller.abort(); }
      controller = new AbortController();
      var url = form.getAttribute("action") + (query ? "?q=" + encodeURIComponent(query) : "");
      fetch(url, { credentials: "same-origin", signal: controller.signal,
                   headers: { "X-Requested-With": "fetch", "Accept": "text/html" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.text();
        })
        .then(function (html) {
          results.innerHTML = html;
          say(saidIn(results));
          if (window.history && window.history.replaceState) { window.history.replaceState(null, "", url); }
        })
        .catch(function (error) {
          // Cancelled by newer typing, or the network failed: the form still searches when submitted.
          if (error.name !== "AbortError") { last = null; }
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, WAIT_MS);
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // An address that is not a secure context (plain http on a network): the old way.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    document.body.removeChild(area);
    return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function suggestions(box) {
    var source = document.getElementById(box.getAttribute("data-faq-source"));
    var url = box.getAttribute("data-faq-suggest");
    var results = box.querySelector(".faq-suggest-results");
    var status = box.querySelector(".faq-suggest-status");
    var min = parseInt(box.getAttribute("data-faq-min"), 10) || 2;
    if (!source || !url || !results || !window.fetch || !window.AbortController) { return; }
    var hint = status ? status.textContent.trim() : "";
    var say = announcer(status);
    var token = source.form ? source.form.querySelector("input[name=csrfmiddlewaretoken]") : null;
    var target = document.getElementById(box.getAttribute("data-faq-target") || "");
    var timer = null;
    var controller = null;
    var last = "";
    box.hidden = false;

    function run() {
      var text = source.value.trim();
      if (letters(text) < min) {
        if (controller) { controller.abort(); }
        last = "";
        results.innerHTML = "";
        say(hint);
        return;
      }
      if (text === last) { return; }
      last = text;
      if (controller) { controller.abort(); }
      controller = new AbortController();
      var data = new FormData();
      data.append("csrfmiddlewaretoken", token ? token.value : "");
      // The server reads the first words only (lib/arabic.clean_query): a long message need not travel whole.
      data.append("q", text.slice(0, 400));
      data.append("for", box.getAttribute("data-faq-for") || "");
      fetch(url, { method: "POST", body: data, credentials: "same-origin", signal: controller.signal,
                   headers: { "X-Requested-With": "fetch", "Accept": "text/html" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.text();
        })
        .then(function (html) {
          results.innerHTML = html;
          if (!target) {
            Array.prototype.forEach.call(results.querySelectorAll("[data-faq-insert]"), function (button) {
              button.remove();
            });
          }
          say(saidIn(results) || hint);
        })
        .catch(function (error) {
          if (error.name !== "AbortError") { last = ""; }
        });
    }

    source.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, WAIT_MS);
    });

    results.addEventListener("click", function (event) {
      var button = event.target.closest("[data-faq-copy], [data-faq-insert]");
      if (!button) { return; }
      var answer = document.getElementById(button.getAttribute("data-faq-copy") || button.getAttribute("data-faq-insert"));
      if (!answer) { return; }
      var text = answer.innerText.trim();
      if (button.hasAttribute("data-faq-copy")) {
        copyText(text).then(function () {
          say(button.getAttribute("data-faq-done") || "");
        }, function () {
          say(button.getAttribute("data-faq-failed") || "");
        });
      } else if (target) {
        target.value = target.value.trim() ? target.value.replace(/\s+$/, "") + "\n" + text : text;
        target.dispatchEvent(new Event("input", { bubbles: true }));
        say(button.getAttribute("data-faq-done") || "");
      }
    });

    if (letters(source.value) >= min) { run(); }
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-faq-live]"), liveSearch);
  Array.prototype.forEach.call(document.querySelectorAll("[data-faq-suggest]"), suggestions);
})();
