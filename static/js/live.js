// Live pages: local countdowns against the server's deadline, milestone announcements,
// keyboard shortcuts on the console, a time-up sound on the projector, and polling when SSE
// cannot connect. The server never sends ticks; this file counts down on its own.
(function () {
  "use strict";
  var offset = 0; // server clock minus this device's clock, in ms
  var said = {};
  // The words come from the page, translated by the server like every other string.
  var words = {
    minute: document.body.dataset.sayMinute || "",
    up: document.body.dataset.sayUp || ""
  };

  function format(seconds) {
    var sign = seconds < 0 ? "−" : "";
    seconds = Math.abs(seconds);
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return sign + m + ":" + (s < 10 ? "0" : "") + s;
  }

  function remainingOf(el) {
    if (el.dataset.endsAt) return Math.ceil((Number(el.dataset.endsAt) - (Date.now() + offset)) / 1000);
    if (el.dataset.remaining) return Number(el.dataset.remaining);
    return null;
  }

  function announce(el, text) {
    var region = el.closest("section, .stage, .console") || document;
    var status = region.querySelector("[data-milestones]");
    if (status) status.textContent = text;
  }

  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      if (el.dataset.serverNow && !el.dataset.synced) {
        offset = Number(el.dataset.serverNow) - Date.now();
        el.dataset.synced = "1";
      }
      var left = remainingOf(el);
      var face = el.querySelector(".countdown__time");
      if (left === null || !face) return;
      face.textContent = format(left);
      el.classList.toggle("countdown--over", left <= 0);
      if (!el.dataset.endsAt) return;
      // Remembered per deadline, not per element: the element is redrawn on every update,
      // and "one minute left" must be said once.
      var deadline = el.dataset.endsAt;
      if (left <= 60 && left > 0 && !said[deadline + "m"]) {
        said[deadline + "m"] = true;
        announce(el, words.minute);
      }
      if (left <= 0 && !said[deadline + "u"]) {
        said[deadline + "u"] = true;
        announce(el, words.up);
        if (soundOn) beep();
      }
    });
  }
  // Duo: at the switch (half time, or as set) the phones and the projector say "switch",
  // once per deadline.
  function switchTime() {
    document.querySelectorAll("[data-switch-at]").forEach(function (el) {
      var at = Number(el.dataset.switchAt);
      if (Date.now() + offset < at) return;
      if (el.hidden) {
        el.hidden = false;
        if (!said[at + "h"]) {
          said[at + "h"] = true;
          announce(el, el.textContent);
          if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
          if (soundOn) beep();
        }
      }
    });
  }
  setInterval(switchTime, 500);

  // Group views are drawn once for the whole group; a control meant for one member (the
  // person whose turn it is, the chair) is shown on that member's phone only. The server
  // refuses it from anyone else, so this is about a tidy screen, not about safety. A text
  // for everyone else (data-not-for: "it is Kari's turn") is hidden on that member's phone,
  // which says "Your turn!" instead.
  function onlyFor() {
    var me = document.querySelector("[data-me]");
    if (!me) return;
    document.querySelectorAll("[data-only-for]").forEach(function (el) {
      el.hidden = el.dataset.onlyFor !== me.dataset.me;
    });
    document.querySelectorAll("[data-not-for]").forEach(function (el) {
      el.hidden = el.dataset.notFor === me.dataset.me;
    });
  }
  // When this phone's role in its group changes (the group tapped who takes one), its own
  // part (its role, the secretary's form) is fetched again: that part is kept across pushes
  // (hx-preserve) and would otherwise show the role it had. Other phones keep what they type.
  // Only a change within one exercise counts: the next exercise's group view names another
  // run, and its own part was fetched as it came (fetching it again would throw away what the
  // person has started to type in it).
  var roleSeen = null;
  function roleChanged() {
    var me = document.querySelector("[data-me]");
    var host = document.querySelector("[data-poll-url]");
    var mine = me && document.querySelector("[data-role-of='" + me.dataset.me + "']");
    if (!mine || !host || !window.htmx) return;
    var role = mine.dataset.role;
    var sameRun = roleSeen !== null && role.split(":")[0] === roleSeen.split(":")[0];
    if (sameRun && role !== roleSeen) {
      document.querySelectorAll(".phone-now [hx-preserve][id]:not([sse-connect])").forEach(function (el) {
        window.htmx.ajax("GET", host.dataset.pollUrl, { target: "#" + el.id, select: "#" + el.id + " > *", swap: "innerHTML" });
      });
    }
    roleSeen = role;
  }
  // The projector cannot scroll: a list longer than its box ([data-pages]) shows as much as
  // fits and turns to the next page every few seconds, saying "Page 2 of 3" under it. Which
  // page is on survives a redraw (a push for a new answer must not send the room back to
  // page 1). Without this script the list is simply cut at the box.
  var PAGE_SECONDS = 12;
  var pageOn = {};
  function pagesOf(box) {
    var items = Array.prototype.slice.call(box.children);
    var pages = [], start = 0;
    while (start < items.length) {
      items.forEach(function (item, n) { item.hidden = n < start; });
      var bottom = box.getBoundingClientRect().bottom + 1;
      var end = start + 1;
      while (end < items.length && items[end].getBoundingClientRect().bottom <= bottom) end += 1;
      // A heading is not left alone at the foot of a page: it goes over with what it heads.
      if (end < items.length && end - start > 1 && items[end - 1].hasAttribute("data-keep-with-next")) end -= 1;
      pages.push([start, end]);
      start = end;
    }
    return { items: items, pages: pages };
  }
  function showPage(box, turning) {
    var laid = pagesOf(box);
    var key = box.dataset.pages;
    var count = laid.pages.length || 1;
    var on = (pageOn[key] || 0) % count;
    pageOn[key] = on;
    var page = laid.pages[on] || [0, laid.items.length];
    laid.items.forEach(function (item, n) { item.hidden = n < page[0] || n >= page[1]; });
    box.classList.toggle("is-turning", !!turning);
    var label = box.nextElementSibling && box.nextElementSibling.matches("[data-pager]") ? box.nextElementSibling : null;
    if (!label) {
      label = document.createElement("p");
      label.className = "stage-pager";
      label.setAttribute("data-pager", "");
      box.parentNode.insertBefore(label, box.nextSibling);
    }
    label.hidden = count < 2;
    label.textContent = (document.body.dataset.sayPage || "{page}/{pages}")
      .replace("{page}", on + 1).replace("{pages}", count);
  }
  function paginate() {
    if (!document.body.classList.contains("presenter-page")) return;
    document.querySelectorAll("[data-pages]").forEach(function (box) { showPage(box, false); });
  }
  if (document.body.classList.contains("presenter-page")) {
    setInterval(function () {
      document.querySelectorAll("[data-pages]").forEach(function (box) {
        pageOn[box.dataset.pages] = (pageOn[box.dataset.pages] || 0) + 1;
        showPage(box, true);
      });
    }, PAGE_SECONDS * 1000);
    window.addEventListener("resize", paginate);
    document.addEventListener("DOMContentLoaded", paginate);
    if (document.fonts) document.fonts.ready.then(paginate);
  }

  // A revealed cloud comes in as a moment, once: a redraw for the next word shows it settled.
  var revealed = {};
  function settleReveals() {
    document.querySelectorAll("[data-reveal]").forEach(function (el) {
      var key = el.dataset.reveal;
      if (revealed[key]) el.classList.add("is-settled");
      else revealed[key] = true;
    });
  }

  // Whatever redraws the page (a push, a swap, a settle), check again after it. A redraw of
  // the projector is measured and paged before it is painted (observers run before paint).
  var paging = false;
  new MutationObserver(function (records) {
    onlyFor();
    roleChanged();
    settleReveals();
    if (paging) return;
    var redrawn = records.some(function (record) {
      return record.addedNodes.length && !(record.target.matches && record.target.matches("[data-pages], [data-pager]"));
    });
    if (!redrawn) return;
    paging = true;
    try { paginate(); } finally {
      // The pager's own changes come back as records: let them pass before listening again.
      window.setTimeout(function () { paging = false; }, 0);
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", onlyFor);
  setInterval(tick, 250);
  document.addEventListener("htmx:afterSettle", tick);
  document.addEventListener("DOMContentLoaded", tick);

  // A short tone made in the browser: no audio file, nothing to load.
  var soundOn = false;
  function beep() {
    try {
      var ctx = new (window.AudioContext || window.webkitAudioContext)();
      var osc = ctx.createOscillator();
      osc.frequency.value = 880;
      osc.connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.6);
    } catch (e) { /* no audio on this device */ }
  }
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-sound-toggle]");
    if (!toggle) return;
    soundOn = !soundOn;
    toggle.setAttribute("aria-pressed", soundOn ? "true" : "false");
  });

  // Console shortcuts: N next, P previous, Space pause/resume. Ignored while typing.
  // They can be switched off (WCAG 2.1.4), and the choice is remembered on this laptop.
  var shortcuts = document.querySelector("[data-shortcuts-toggle]");
  if (shortcuts) {
    shortcuts.checked = window.localStorage.getItem("samling-shortcuts") !== "off";
    shortcuts.addEventListener("change", function () {
      window.localStorage.setItem("samling-shortcuts", shortcuts.checked ? "on" : "off");
    });
  }
  document.addEventListener("keydown", function (event) {
    if (!document.body.classList.contains("console-page")) return;
    if (shortcuts && !shortcuts.checked) return;
    // Typing belongs to the field typed in. On a focused button or link only Space is the
    // control's own (it presses it); N and P still move the day, as they must after a click
    // on Start has left focus on "Next item".
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var key = event.key === " " ? "space" : event.key.toLowerCase();
    if (key === "space" && event.target.closest("button, a, summary, [role=button]")) return;
    var button = document.querySelector("[data-shortcut='" + key + "']:not(:disabled)");
    if (!button) return;
    event.preventDefault();
    button.click();
  });

  // A phone that has lost its identity (its person moved to another phone, or a facilitator
  // took it off the day) is told by its device's tag; it loads its page again, which says so.
  document.addEventListener("htmx:sseBeforeMessage", function (event) {
    var el = event.target;
    if (!el.hasAttribute || !el.hasAttribute("data-gone")) return;
    event.preventDefault(); // nothing to swap: the message is a tag, not HTML
    if (event.detail && event.detail.data === el.dataset.gone) window.location.reload();
  });

  // A phone's send that fails (offline, a server error, too many tries) says so in the
  // phone's alert region and leaves the form as it was, with what was typed; the next send
  // that gets through clears the message. Beside the button that sent it, every send also
  // says what it is doing: "Sending…", then "Sent" (in the part the answer drew) or
  // "Not sent – try again" (the form untouched, so pressing again sends the same entry).
  function phoneAlert() {
    return document.body.classList.contains("phone-page") && document.getElementById("phone-alert");
  }
  function sendState(el, state) {
    var alert = phoneAlert();
    if (!alert || !el) return;
    var button = el.matches("button") ? el : el.querySelector("button[type=submit], button:not([type])");
    if (!button) return;
    var note = button.nextElementSibling && button.nextElementSibling.matches(".send-state")
      ? button.nextElementSibling : null;
    if (!note) {
      note = document.createElement("span");
      note.setAttribute("aria-live", "polite");
      button.parentNode.insertBefore(note, button.nextSibling);
    }
    note.className = "send-state send-state--" + state;
    note.hidden = false;
    note.textContent = { sending: alert.dataset.sending, sent: alert.dataset.sent, failed: alert.dataset.retry }[state] || "";
  }
  function isSend(event) {
    var config = event.detail.requestConfig;
    return config && config.verb === "post" && event.detail.elt && event.detail.elt.closest;
  }
  function sender(event) {
    return event.detail.elt.closest("form") || event.detail.elt;
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (isSend(event)) sendState(sender(event), "sending");
  });
  document.addEventListener("htmx:sendError", function (event) {
    var alert = phoneAlert();
    if (alert) alert.textContent = alert.dataset.notSent;
    if (isSend(event)) sendState(sender(event), "failed");
  });
  document.addEventListener("htmx:responseError", function (event) {
    var alert = phoneAlert();
    if (!alert) return;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    alert.textContent = status === 429 ? alert.dataset.tooMany : alert.dataset.failed;
    if (isSend(event)) sendState(sender(event), "failed");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var alert = phoneAlert();
    var xhr = event.detail.xhr;
    if (!alert || !xhr || !isSend(event)) return;
    if (xhr.status >= 200 && xhr.status < 300) {
      alert.textContent = "";
      // The answer has been drawn in place of the form: say "sent" in what it drew.
      var target = event.detail.target;
      var host = (target && target.id && document.getElementById(target.id)) || target;
      var form = event.detail.elt.isConnected ? sender(event) : host;
      // A form sent back with its errors was not saved: its messages say why.
      var refused = host && host.querySelector && host.querySelector("[aria-invalid='true'], .errorlist, .form-errors");
      sendState(form, refused ? "failed" : "sent");
    } else if (xhr.status === 409 || xhr.status === 422) {
      // Refused (the day moved on, a rule of the exercise): the message says why.
      sendState(sender(event), "failed");
    }
  });

  // When the stream cannot connect, fetch the same snapshot every few seconds instead. A
  // stream the server ended (as it does every few seconds while Redis is away, each time with
  // the state) is reconnected by the browser itself, which is a poll already.
  var polling = {};
  document.addEventListener("htmx:sseError", function (event) {
    var host = event.target.closest("[data-poll-url]");
    var source = event.detail && event.detail.source;
    if (source && source.readyState === EventSource.CONNECTING) return;
    if (!host || polling[host.dataset.pollUrl]) return;
    var swapTarget = host.querySelector("[sse-swap]");
    polling[host.dataset.pollUrl] = setInterval(function () {
      window.htmx.ajax("GET", host.dataset.pollUrl, { target: swapTarget, swap: "innerHTML" });
    }, 3000);
  });
  document.addEventListener("htmx:sseOpen", function (event) {
    var host = event.target.closest("[data-poll-url]");
    if (host && polling[host.dataset.pollUrl]) {
      clearInterval(polling[host.dataset.pollUrl]);
      delete polling[host.dataset.pollUrl];
    }
  });
})();
