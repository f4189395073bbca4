// The request page: a link to a folded panel's form (the "next step" buttons, #upload, #close…) opens it,
// and the upload form marks the expiry date required for the document types that have one.
// No inline script (strict CSP): this file finds its elements by ids and data attributes.
(function () {
  "use strict";
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) { return; }
    for (var el = target; el; el = el.parentElement) {
      if (el.tagName === "DETAILS") { el.open = true; }
    }
    var inner = target.tagName === "DETAILS" ? target : target.querySelector("details");
    if (inner) { inner.open = true; }
    var field = target.querySelector("input:not([type=hidden]), select, textarea");
    target.scrollIntoView({ block: "start" });
    if (field) { field.focus({ preventScroll: true }); }
  }

  function expiryRequired(form) {
    var select = form.querySelector("select[data-expiry-types]");
    var expiry = form.querySelector("[name='expires_on']");
    if (!select || !expiry) { return; }
    var types = select.getAttribute("data-expiry-types").split(",");
    var label = form.querySelector("label[for='" + expiry.id + "']");
    var mark = document.createElement("span");
    mark.className = "text-danger expiry-mark";
    mark.setAttribute("aria-hidden", "true");
    mark.textContent = " *";
    function update() {
      var required = types.indexOf(select.value) !== -1;
      expiry.required = required;
      expiry.setAttribute("aria-required", required ? "true" : "false");
      if (label && required && !label.querySelector(".expiry-mark, .text-danger")) { label.appendChild(mark); }
      if (label && !required && mark.parentNode === label) { label.removeChild(mark); }
    }
    select.addEventListener("change", update);
    update();
  }

  function setup() {
    document.querySelectorAll("form[data-upload-form]").forEach(expiryRequired);
    window.addEventListener("hashchange", openTarget);
    // The same link pressed again changes no hash: open its panel all the same.
    document.addEventListener("click", function (e) {
      var link = e.target.closest && e.target.closest("a[data-next-step]");
      if (link && link.getAttribute("href") === window.location.hash) { openTarget(); }
    });
    if (window.location.hash) { openTarget(); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setup); } else { setup(); }
})();
