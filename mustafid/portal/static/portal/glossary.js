// The inline glossary (portal/_term.html, portal/glossary.py). Each «ما معنى هذا؟» is a link to the word on the
// «معاني الكلمات» page; here it becomes a real button that shows the plain explanation in place
// (aria-expanded, aria-controls): a finger, a keyboard and a screen reader open it alike. No inline script.
(function () {
  "use strict";

  Array.prototype.forEach.call(document.querySelectorAll("a.term-toggle[data-term]"), function (link) {
    var text = document.getElementById(link.getAttribute("data-term"));
    if (!text) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", text.id);
    while (link.firstChild) { button.appendChild(link.firstChild); }
    link.parentNode.replaceChild(button, link);
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      text.hidden = !open;
    });
  });
})();
