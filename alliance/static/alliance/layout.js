/* Alliance: keyboard access to boxes that scroll sideways (WCAG 2.1.1, axe
   "scrollable-region-focusable"). A wide table scrolls inside its .table-responsive box on a
   phone; a box that really scrolls is made focusable, so the arrow keys scroll it, and is named
   after its table's caption. Boxes that fit are left out of the tab order. Runs again on resize
   and after htmx swaps (the caseload search replaces its table). */
(function () {
  "use strict";
  function mark() {
    var names = {};
    document.querySelectorAll(".table-responsive[aria-label]").forEach(function (box) {
      names[box.getAttribute("aria-label")] = true;
    });
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollMarked = "1";
        // A named region only when the caption names it uniquely: two landmarks of one name
        // (or a region with none) say nothing to a screen reader user (axe landmark-unique).
        var caption = box.querySelector("caption");
        var label = caption ? caption.textContent.trim() : "";
        if (label && !names[label] && !box.hasAttribute("aria-label")) {
          names[label] = true;
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", label);
          box.dataset.scrollNamed = "1";
        }
      } else if (!scrolls && box.dataset.scrollMarked) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollMarked;
        if (box.dataset.scrollNamed) {
          box.removeAttribute("role");
          box.removeAttribute("aria-label");
          delete box.dataset.scrollNamed;
        }
      }
    });
  }
  var pending = null;
  function later() { clearTimeout(pending); pending = setTimeout(function () { mark(); }, 150); }
  document.addEventListener("DOMContentLoaded", function () { mark(); });
  window.addEventListener("resize", later);
  document.addEventListener("htmx:afterSettle", function () { mark(); });
})();
