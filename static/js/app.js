// Small progressive enhancements. Every interaction here also works as a plain form without
// JavaScript; this file only adds drag-to-reorder, focus restoring and confirmations.
(function () {
  "use strict";

  // After htmx redraws a fragment, put keyboard focus back where the person was working,
  // so moving an item up three times is three presses of Enter, not three hunts for the button.
  function restoreFocus() {
    var target = document.querySelector("[data-focus]:not([data-focus=''])");
    if (!target) return;
    var id = target.getAttribute("data-focus");
    target.setAttribute("data-focus", "");
    var el = document.getElementById(id);
    // The first invalid field if there is one, else the title; one selector list would pick
    // whichever comes first in the page, which is always the title.
    if (id === "add") el = target.querySelector(".agenda-add [aria-invalid='true']") || target.querySelector(".agenda-add input[name='title']");
    if (id === "library") el = target.querySelector(".library-form [aria-invalid='true']") || target.querySelector(".library-form input[name='item-title']");
    if (el && el.disabled) {
      var other = id.replace(/^move-(up|down)-/, function (_m, dir) { return "move-" + (dir === "up" ? "down" : "up") + "-"; });
      el = document.getElementById(other) || document.getElementById("item-" + id.split("-").pop());
    }
    if (el) el.focus();
  }

  document.addEventListener("htmx:afterSettle", restoreFocus);

  // A redraw of a live part (the console after Next, or because a phone sent something)
  // replaces the control that had focus. Remember which control it was and give focus back to
  // its new copy, so running a day by keyboard never drops to the top of the page. A control
  // names itself with data-focus-key (Start and Next share "advance", Pause and Resume share
  // "timer"); otherwise its form's address and its name say which it is.
  function focusKey(el) {
    if (!el || el === document.body) return null;
    if (el.dataset && el.dataset.focusKey) return "key:" + el.dataset.focusKey;
    if (el.id) return "id:" + el.id;
    if (el.form) return "form:" + el.form.getAttribute("action") + "|" + (el.name || "") + "|" + (el.type === "submit" ? el.value || "" : "");
    return null;
  }
  var lastFocus = null;
  function rememberFocus(event) {
    var active = document.activeElement;
    // An answer swaps into its hx-target; a pushed message into the element that listens.
    var target = event.type === "htmx:beforeSwap" ? event.detail.target : event.target;
    // Two redraws can cross (the pushed one and the answer to the press): the first one
    // takes focus away, so the second finds nothing focused and must not forget the first.
    var key = active && target && target.contains && target.contains(active) ? focusKey(active) : null;
    if (key) lastFocus = key;
  }
  document.addEventListener("htmx:beforeSwap", rememberFocus);
  document.addEventListener("htmx:sseBeforeMessage", rememberFocus);
  document.addEventListener("htmx:afterSettle", function () {
    var wanted = lastFocus;
    lastFocus = null;
    if (!wanted) return;
    var active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return; // focus survived
    var candidates = document.querySelectorAll("[data-focus-key], [id], button, input, select, textarea");
    for (var i = 0; i < candidates.length; i++) {
      var el = candidates[i];
      if (focusKey(el) !== wanted) continue;
      // "Previous" on the first item is now disabled: the next control of its group instead.
      var group = el.disabled && el.closest("[role=group]");
      if (group) el = group.querySelector("button:not(:disabled)");
      if (el && !el.disabled) el.focus();
      return;
    }
  });

  // Submissions carry the phone's own id, so a retry after a network hiccup is saved once.
  // Forms drawn for the whole room come without one; each phone makes its own here.
  function newToken() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (window.crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("[data-token-form]");
    if (!form) return;
    var input = form.querySelector("input[name='token']");
    if (input && !input.value) input.value = newToken();
    if (input) event.detail.parameters.token = input.value;
  });

  // The name picker filters its list as you type (without JavaScript the search reloads it).
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("[data-name-filter]")) return;
    var list = document.querySelector(field.dataset.nameFilter);
    if (!list) return;
    var wanted = field.value.trim().toLowerCase();
    var shown = 0;
    list.querySelectorAll("li[data-name]").forEach(function (item) {
      var match = item.dataset.name.indexOf(wanted) !== -1;
      item.hidden = !match;
      if (match) shown += 1;
    });
    var none = list.parentNode.querySelector("[data-name-none]");
    if (none) none.hidden = shown > 0;
  });

  // Plain (non-htmx) forms that should ask first.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  // Drag to reorder agenda items. The keyboard way is the ↑/↓ buttons on each item.
  var dragged = null;
  document.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest(".agenda-item[draggable='true']");
    if (!item) return;
    dragged = item;
    item.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.id);
  });
  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var over = event.target.closest && event.target.closest(".agenda-item");
    if (!over || over === dragged || over.parentNode !== dragged.parentNode) return;
    event.preventDefault();
    document.querySelectorAll(".is-drop-target").forEach(function (el) { el.classList.remove("is-drop-target"); });
    over.classList.add("is-drop-target");
  });
  document.addEventListener("drop", function (event) {
    if (!dragged) return;
    var over = event.target.closest && event.target.closest(".agenda-item");
    if (!over || over === dragged) return;
    event.preventDefault();
    var list = dragged.parentNode;
    var items = Array.prototype.slice.call(list.children);
    var after = items.indexOf(over) > items.indexOf(dragged);
    list.insertBefore(dragged, after ? over.nextSibling : over);
    submitOrder(list);
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    document.querySelectorAll(".is-drop-target").forEach(function (el) { el.classList.remove("is-drop-target"); });
    dragged = null;
  });

  function submitOrder(list) {
    var form = document.getElementById(list.dataset.reorderForm);
    if (!form) return;
    form.querySelectorAll("input[name='order']").forEach(function (input) { input.remove(); });
    Array.prototype.forEach.call(list.children, function (item) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "order";
      input.value = item.dataset.id;
      form.appendChild(input);
    });
    if (window.htmx) window.htmx.trigger(form, "submit");
    else form.submit();
  }

  // Live parts of ordinary pages (the poster list on the platform page) follow an event
  // stream. When it can't connect, fetch the part every two seconds while it says something
  // is pending; when the stream opens again, it takes over.
  document.addEventListener("htmx:sseError", function (event) {
    var host = event.target.closest && event.target.closest("[data-poll-fallback]");
    if (!host || host.pollTimer) return;
    host.pollTimer = window.setInterval(function () {
      if (!document.body.contains(host)) return window.clearInterval(host.pollTimer);
      // Each part still waiting (a poster, a report) asks its own list again.
      host.querySelectorAll("[data-pending][id]").forEach(function (pending) {
        var part = "#" + pending.id;
        var url = pending.dataset.pollUrl || host.dataset.pollFallback;
        window.htmx.ajax("GET", url, { target: part, select: part, swap: "outerHTML" });
      });
    }, 2000);
  });
  document.addEventListener("htmx:sseOpen", function (event) {
    var host = event.target.closest && event.target.closest("[data-poll-fallback]");
    if (host && host.pollTimer) {
      window.clearInterval(host.pollTimer);
      host.pollTimer = null;
    }
  });
})();
