// The manager's wording page (notifications/wording_edit.html): a live count of the text as typed,
// in SMS terms, and the variables inserted where the cursor is. The filled-in preview and its count
// come from the server (htmx, notifications.views.wording_preview) as the text changes.
(function () {
  "use strict";

  // The GSM 7-bit alphabet (one character each) and its extension (two each); anything else
  // (Arabic) is sent as UCS-2: 70 characters in one SMS, 67 per part of a longer one.
  var GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var GSM_EXTENDED = "^{}\\[~]|€\f";

  function smsLength(text) {
    var chars = Array.from(text), unicode = false, units = 0;
    chars.forEach(function (c) {
      if (GSM_BASIC.indexOf(c) < 0 && GSM_EXTENDED.indexOf(c) < 0) { unicode = true; }
    });
    chars.forEach(function (c) {
      if (unicode) { units += c.codePointAt(0) > 0xFFFF ? 2 : 1; } else { units += GSM_EXTENDED.indexOf(c) >= 0 ? 2 : 1; }
    });
    var single = unicode ? 70 : 160, part = unicode ? 67 : 153;
    var segments = units === 0 ? 0 : (units <= single ? 1 : Math.ceil(units / part));
    return { characters: chars.length, segments: segments, unicode: unicode };
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, name) { return values[name]; });
  }

  function showCount(field, output) {
    var length = smsLength(field.value.trim());
    var template = output.getAttribute(length.unicode ? "data-format-unicode" : "data-format-gsm");
    output.textContent = format(template, { n: length.characters, max: output.getAttribute("data-max"),
      segments: length.segments });
  }

  var lastField = null;

  function insert(name) {
    var field = lastField || document.getElementById("id_body");
    if (!field) { return; }
    var token = "{{ " + name + " }}";
    var start = field.selectionStart === null ? field.value.length : field.selectionStart;
    var end = field.selectionEnd === null ? start : field.selectionEnd;
    field.value = field.value.slice(0, start) + token + field.value.slice(end);
    field.focus();
    field.setSelectionRange(start + token.length, start + token.length);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-sms-count]").forEach(function (field) {
      var output = document.getElementById(field.getAttribute("data-sms-count"));
      if (!output) { return; }
      showCount(field, output);
      field.addEventListener("input", function () { showCount(field, output); });
    });
    ["id_subject", "id_body"].forEach(function (id) {
      var field = document.getElementById(id);
      if (field) { field.addEventListener("focus", function () { lastField = field; }); }
    });
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-insert-variable]");
      if (!button) { return; }
      event.preventDefault();
      insert(button.getAttribute("data-insert-variable"));
    });
  });
}());
