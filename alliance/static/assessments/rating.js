/* The rating page (assessments/rate_domain.html): each item saves itself with htmx as it
 * changes. This script only keeps the user's work safe around those saves:
 *  - an item changed and not yet saved is marked "Not saved yet" (and the page warns before
 *    it is left while any item, or a form marked data-warn-unsaved, holds unsaved changes);
 *  - a choice made while that item's previous save was on its way is put back after the
 *    server redraws the item's choices, so the next save sends it;
 *  - an item with unsaved changes is not redrawn by another item's save;
 *  - a save that fails (no connection, refused) says so and keeps the item unsaved.
 * Loaded with `defer` under the strict CSP: no inline script, no eval. */
(function () {
  "use strict";

  var carried = {}; // item id -> the choices to put back after the swap
  var ratingForm = document.getElementById("rating-form");

  function text(name) {
    return (ratingForm && ratingForm.getAttribute("data-text-" + name)) || "";
  }

  function itemOf(node) {
    return node && node.closest ? node.closest(".rating-item") : null;
  }

  function setStatus(item, message) {
    var status = item.querySelector(".rating-status");
    if (status && message) {
      status.textContent = message;
    }
  }

  function edits(item) {
    return Number(item.getAttribute("data-edits") || "0");
  }

  function markUnsaved(item) {
    item.setAttribute("data-edits", String(edits(item) + 1));
    if (!item.classList.contains("is-unsaved")) {
      item.classList.add("is-unsaved");
      setStatus(item, text("unsaved"));
    }
  }

  function onEdit(event) {
    var item = itemOf(event.target);
    if (item) {
      markUnsaved(item);
      return;
    }
    var form = event.target.closest && event.target.closest("form[data-warn-unsaved]");
    if (form) {
      form.classList.add("is-unsaved");
    }
  }

  // In the capture phase: an edit is counted before htmx (listening on the item) sends it.
  document.addEventListener("input", onEdit, true);
  document.addEventListener("change", onEdit, true);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (form === ratingForm) {
      // Each item saves itself; a native submit (Enter in a number box) saves that item.
      event.preventDefault();
      var item = itemOf(document.activeElement);
      if (item && window.htmx) {
        window.htmx.trigger(item, "change");
      }
      return;
    }
    form.classList.remove("is-unsaved"); // leaving by its own submit is not leaving unsaved
  });

  window.addEventListener("beforeunload", function (event) {
    if (document.querySelector(".rating-item.is-unsaved, form.is-unsaved")) {
      event.preventDefault();
      event.returnValue = ""; // older browsers ask for a value to show their warning
    }
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var item = itemOf(event.detail.elt);
    if (item) {
      item.setAttribute("data-sent", String(edits(item)));
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var item = itemOf(event.detail.elt);
    if (item) {
      setStatus(item, text("saving"));
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var item = itemOf(event.detail.requestConfig && event.detail.requestConfig.elt);
    var target = event.detail.target;
    // Only when the choices are redrawn (not the whole item: a conflict shows what was saved),
    // and only when the user changed something after this save was sent.
    if (!item || !target || target === item || !item.contains(target)) {
      return;
    }
    if (edits(item) <= Number(item.getAttribute("data-sent") || "0")) {
      return;
    }
    var values = [];
    target.querySelectorAll("input[type=radio], input[type=checkbox], input[type=number]")
      .forEach(function (input) {
        values.push({name: input.name, type: input.type, value: input.value,
                     checked: input.checked});
      });
    carried[item.id] = values;
  });

  document.addEventListener("htmx:afterSwap", function () {
    Object.keys(carried).forEach(function (id) {
      var item = document.getElementById(id);
      var values = carried[id];
      delete carried[id];
      if (!item) {
        return;
      }
      values.forEach(function (v) {
        item.querySelectorAll("input").forEach(function (input) {
          if (input.name !== v.name || input.type !== v.type) {
            return;
          }
          if (v.type === "number") {
            input.value = v.value;
          } else if (input.value === v.value) {
            input.checked = v.checked;
          }
        });
      });
      item.classList.add("is-unsaved");
    });
  });

  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    // Another item's save redraws the items that depend on it; never over unsaved work.
    var target = event.detail.target;
    if (target && target.classList && target.classList.contains("rating-item") &&
        target.classList.contains("is-unsaved")) {
      event.detail.shouldSwap = false;
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var item = itemOf(event.detail.elt);
    if (!item || !document.body.contains(item)) {
      return; // the whole item was drawn again: it starts clean
    }
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 200 && edits(item) <= Number(item.getAttribute("data-sent") || "0")) {
      item.classList.remove("is-unsaved");
    } else if (status === 200) {
      item.classList.add("is-unsaved");
      setStatus(item, text("unsaved")); // changed again while saving: the next save follows
    } else if (status !== 409 && status !== 422) {
      item.classList.add("is-unsaved");
      setStatus(item, status ? text("refused") : text("offline"));
    }
  });
}());
