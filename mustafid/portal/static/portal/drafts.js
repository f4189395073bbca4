// Drafts of the portal's long forms (portal/drafts.py): no form has a time limit. No inline script (strict CSP):
// the form says what to keep in its data attributes (portal/_draft.html):
//   data-draft="apply:3"  data-draft-url="/portal/draft/"  data-draft-fields="need"
// As the beneficiary types, the named fields (never a file) are posted a moment after they stop, when a field
// loses the focus and when the page is hidden; the post is activity, so a slow typist is never signed out
// mid-form. «حذف المسودة» deletes it on the server and empties the fields. Without this script the form works
// as before and keeps no draft. Nothing is kept in the browser (a shared phone): the draft lives on the server.
(function () {
  "use strict";

  var WAIT_MS = 1500;
  var LEAVE_MS = 250;

  function setup(form) {
    var key = form.getAttribute("data-draft");
    var url = form.getAttribute("data-draft-url");
    var names = (form.getAttribute("data-draft-fields") || "").split(" ").filter(Boolean);
    var box = document.getElementById(form.getAttribute("data-draft-box"));
    if (!key || !url || !names.length || !box) { return; }
    var status = box.querySelector(".draft-status");
    var discardForm = box.querySelector("form");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var timer = null;
    var dirty = false;
    var sending = false;
    var shown = "";

    function say(text) {
      // Said once (aria-live polite): the same words again are not repeated to a screen reader.
      if (status && text !== shown) { status.textContent = text; shown = text; }
    }

    function body(discard) {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", token ? token.value : "");
      data.append("draft_form", key);
      if (discard) {
        data.append("discard", "1");
        return data;
      }
      names.forEach(function (name) {
        var fields = form.querySelectorAll("[name='" + name + "']");
        Array.prototype.forEach.call(fields, function (field) {
          if (field.type === "file") { return; }
          if ((field.type === "radio" || field.type === "checkbox") && !field.checked) { return; }
          data.append(name, field.value);
        });
      });
      return data;
    }

    function post(data, keepalive) {
      return fetch(url, {
        method: "POST", body: data, credentials: "same-origin", keepalive: !!keepalive,
        headers: { "X-Requested-With": "fetch", "Accept": "application/json" },
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          return { ok: response.ok, message: answer.message || "" };
        });
      });
    }

    function save(keepalive) {
      clearTimeout(timer);
      timer = null;
      if (!dirty || sending) { return; }
      dirty = false;
      post(body(false), keepalive).then(function (result) {
        say(result.message || (result.ok ? box.getAttribute("data-saved") : box.getAttribute("data-failed")));
        if (result.ok && discardForm) { discardForm.hidden = false; }
      }, function () {
        dirty = true;
        say(box.getAttribute("data-failed"));
      });
    }

    form.addEventListener("input", function (event) {
      if (sending || names.indexOf(event.target.name) < 0) { return; }
      dirty = true;
      clearTimeout(timer);
      timer = setTimeout(save, WAIT_MS);
    });
    // A field left (or changed) is saved a moment later, not at once: leaving it is often the click on the form's
    // own button, whose submit cancels the save (the draft is deleted with the sent form; no post races it).
    function soon() {
      clearTimeout(timer);
      timer = setTimeout(save, LEAVE_MS);
    }
    form.addEventListener("change", function (event) {
      if (sending || names.indexOf(event.target.name) < 0) { return; }
      dirty = true;
      soon();
    });
    form.addEventListener("focusout", function () { if (!sending && dirty) { soon(); } });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { save(true); }
    });
    // Sent: the server deletes the draft; nothing is saved after this.
    form.addEventListener("submit", function () {
      clearTimeout(timer);
      sending = true;
    });

    if (discardForm) {
      discardForm.addEventListener("submit", function (event) {
        event.preventDefault();
        clearTimeout(timer);
        dirty = false;
        post(body(true), false).then(function (result) {
          if (!result.ok) { say(result.message || box.getAttribute("data-failed")); return; }
          names.forEach(function (name) {
            Array.prototype.forEach.call(form.querySelectorAll("textarea[name='" + name + "'], input[type=text][name='" + name + "']"),
              function (field) { field.value = ""; });
          });
          discardForm.hidden = true;
          say(result.message);
          var first = form.querySelector("textarea[name='" + names[names.length - 1] + "']");
          if (first) { first.focus(); }
        }, function () { say(box.getAttribute("data-failed")); });
      });
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), setup);
})();
