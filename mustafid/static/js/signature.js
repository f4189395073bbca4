// The applicant signs on the screen; the drawing goes into the form as a PNG data URL.
// No inline script (strict CSP): this file finds its elements by data attributes.
(function () {
  "use strict";
  function setup(form) {
    var canvas = form.querySelector("[data-signature-pad]");
    var input = form.querySelector("input[name='signature']");
    var clear = form.querySelector("[data-signature-clear]");
    if (!canvas || !input) { return; }
    var ctx = canvas.getContext("2d");
    var drawing = false, drawn = false;

    function fit() {
      var ratio = window.devicePixelRatio || 1;
      var rect = canvas.getBoundingClientRect();
      canvas.width = rect.width * ratio;
      canvas.height = rect.height * ratio;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111";
      drawn = false; input.value = "";
    }
    function point(e) {
      var rect = canvas.getBoundingClientRect();
      return { x: e.clientX - rect.left, y: e.clientY - rect.top };
    }
    canvas.addEventListener("pointerdown", function (e) {
      drawing = true; canvas.setPointerCapture(e.pointerId);
      var p = point(e); ctx.beginPath(); ctx.moveTo(p.x, p.y); ctx.lineTo(p.x + 0.1, p.y + 0.1); ctx.stroke();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) { return; }
      var p = point(e); ctx.lineTo(p.x, p.y); ctx.stroke();
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () {
        if (drawing && drawn) { input.value = canvas.toDataURL("image/png"); }
        drawing = false;
      });
    });
    if (clear) { clear.addEventListener("click", function () { ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = false; input.value = ""; }); }

    // Show the pad or the scan field according to the chosen method.
    var onScreen = form.querySelector("[data-method='on_screen']");
    var paper = form.querySelector("[data-method='paper']");
    function toggle() {
      var method = (form.querySelector("input[name='method']:checked") || {}).value;
      if (onScreen) { onScreen.hidden = method !== "on_screen"; }
      if (paper) { paper.hidden = method !== "paper"; }
    }
    form.querySelectorAll("input[name='method']").forEach(function (r) { r.addEventListener("change", toggle); });
    toggle();
    fit();
  }
  document.querySelectorAll("form[data-declaration]").forEach(setup);
})();
