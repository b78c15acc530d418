// Diamond: tap an item and then a row, or drag it there. The form's selects (one per item,
// "row 1..5") stay the one source of what is chosen: this script only draws the board from
// them and sets them. Without it, the selects and the save button do the same job.
(function () {
  "use strict";
  // The phone's fragment brings this script along on every redraw; set up once.
  if (window.samlingDiamond) {
    window.samlingDiamond.initAll(document);
    return;
  }

  var picked = null; // {form, index} of the item chosen by a tap, waiting for its row

  function selects(form) {
    return Array.prototype.slice.call(form.querySelectorAll("select[data-item]"));
  }

  function selectOf(form, index) {
    return form.querySelector("select[data-item='" + index + "']");
  }

  function itemText(select) {
    var label = select.form.querySelector("label[for='" + select.id + "']");
    return label ? label.textContent.trim() : "";
  }

  function rowName(board, row) {
    if (row === "") return board.querySelector(".diamond__tray .diamond__target").firstChild.textContent.trim();
    var target = board.querySelector("[data-target-row='" + row + "']");
    return target ? target.dataset.label : row;
  }

  function say(board, key, values) {
    var text = board.getAttribute("data-say-" + key) || "";
    Object.keys(values).forEach(function (name) {
      text = text.split("{" + name + "}").join(values[name]);
    });
    var status = board.querySelector("[data-diamond-status]");
    if (status) status.textContent = text;
  }

  function draw(form) {
    var board = form.querySelector("[data-diamond-board]");
    if (!board) return;
    var focused = document.activeElement && document.activeElement.closest && document.activeElement.closest(".diamond__chip");
    var focusIndex = focused && form.contains(focused) ? focused.dataset.item : null;
    var lists = {};
    board.querySelectorAll("[data-row]").forEach(function (row) {
      var list = row.querySelector("[data-items]");
      list.textContent = "";
      lists[row.dataset.row] = list;
    });
    selects(form).forEach(function (select) {
      var list = lists[select.value] || lists[""];
      var item = document.createElement("li");
      var chip = document.createElement("button");
      chip.type = "button";
      chip.className = "diamond__chip";
      chip.dataset.item = select.dataset.item;
      chip.textContent = itemText(select);
      var isPicked = picked && picked.form === form && picked.index === select.dataset.item;
      chip.setAttribute("aria-pressed", isPicked ? "true" : "false");
      if (isPicked) chip.classList.add("is-picked");
      item.appendChild(chip);
      list.appendChild(item);
    });
    board.querySelectorAll("[data-row]").forEach(function (row) {
      var count = row.querySelectorAll(".diamond__chip").length;
      var capacity = Number(row.dataset.capacity || 0);
      var shown = row.querySelector("[data-count]");
      if (shown) shown.textContent = capacity ? "· " + count + "/" + capacity : "· " + count;
      row.classList.toggle("is-full", capacity > 0 && count === capacity);
      row.classList.toggle("is-overfull", capacity > 0 && count > capacity);
    });
    board.classList.toggle("has-picked", Boolean(picked && picked.form === form));
    if (focusIndex !== null) {
      var again = board.querySelector(".diamond__chip[data-item='" + focusIndex + "']");
      if (again) again.focus();
    }
  }

  function place(form, index, row) {
    var board = form.querySelector("[data-diamond-board]");
    var select = selectOf(form, index);
    if (!board || !select) return;
    picked = null;
    if (select.value === row) {
      draw(form);
      return;
    }
    if (row !== "") {
      var capacity = Number(board.querySelector("[data-row='" + row + "']").dataset.capacity);
      var taken = selects(form).filter(function (other) { return other.value === row; }).length;
      if (taken >= capacity) {
        draw(form);
        say(board, "full", { row: rowName(board, row) });
        return;
      }
    }
    select.value = row;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    say(board, row === "" ? "unplaced" : "placed", { item: itemText(select), row: rowName(board, row) });
  }

  function init(root) {
    var forms = root.querySelectorAll ? root.querySelectorAll("form[data-diamond]") : [];
    if (root.matches && root.matches("form[data-diamond]")) forms = [root];
    Array.prototype.forEach.call(forms, function (form) {
      var board = form.querySelector("[data-diamond-board]");
      if (!board) return;
      board.hidden = false;
      form.classList.add("is-enhanced");
      showMode(form);
      draw(form);
    });
  }

  // The board or the lists, one at a time; the choice holds across redraws of the form.
  var mode = "board";
  function showMode(form) {
    var toggle = form.querySelector("[data-diamond-mode]");
    var board = form.querySelector("[data-diamond-board]");
    var lists = form.querySelector(".diamond-list");
    if (!toggle || !board || !lists) return;
    toggle.hidden = false;
    board.hidden = mode !== "board";
    lists.hidden = mode === "board";
    toggle.textContent = mode === "board" ? toggle.dataset.toLists : toggle.dataset.toBoard;
    toggle.setAttribute("aria-controls", mode === "board" ? lists.id : "");
  }
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("[data-diamond-mode]");
    if (!toggle) return;
    mode = mode === "board" ? "lists" : "board";
    showMode(toggle.form);
    if (mode === "lists") {
      var first = toggle.form.querySelector(".diamond-list select");
      if (first) first.focus();
    }
  });

  // Taps and keyboard presses (Enter and Space click a button).
  var suppressClickUntil = 0; // a drag ends in a click on the chip, which must not pick it
  document.addEventListener("click", function (event) {
    if (Date.now() < suppressClickUntil) {
      suppressClickUntil = 0;
      event.preventDefault();
      return;
    }
    var form = event.target.closest && event.target.closest("form[data-diamond]");
    if (!form) return;
    var board = form.querySelector("[data-diamond-board]");
    var chip = event.target.closest(".diamond__chip");
    if (chip) {
      var already = picked && picked.form === form && picked.index === chip.dataset.item;
      picked = already ? null : { form: form, index: chip.dataset.item };
      draw(form);
      if (picked) say(board, "picked", { item: chip.textContent });
      return;
    }
    var row = event.target.closest("[data-row]");
    if (row && board.contains(row) && picked && picked.form === form) {
      place(form, picked.index, row.dataset.row);
    }
  });

  document.addEventListener("change", function (event) {
    var select = event.target.closest && event.target.closest("select[data-item]");
    if (select && select.form && select.form.matches("[data-diamond]")) draw(select.form);
  });

  // Dragging, by finger or mouse. A short move is still a tap.
  var drag = null;
  document.addEventListener("pointerdown", function (event) {
    var chip = event.target.closest && event.target.closest(".diamond__chip");
    if (!chip || event.button > 0) return;
    drag = { chip: chip, form: chip.closest("form"), x: event.clientX, y: event.clientY, moving: false };
  });
  document.addEventListener("pointermove", function (event) {
    if (!drag) return;
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!drag.moving && Math.abs(dx) + Math.abs(dy) < 8) return;
    if (!drag.moving) {
      drag.moving = true;
      drag.chip.classList.add("is-dragging");
    }
    event.preventDefault();
    // Set through the CSSOM, which the content security policy allows (style attributes it doesn't).
    drag.chip.style.transform = "translate(" + dx + "px, " + dy + "px)";
    document.querySelectorAll(".diamond .is-drop-target").forEach(function (el) { el.classList.remove("is-drop-target"); });
    var under = document.elementFromPoint(event.clientX, event.clientY);
    var row = under && under.closest("[data-diamond-board] [data-row]");
    if (row) row.classList.add("is-drop-target");
  });
  function endDrag(event, cancelled) {
    if (!drag) return;
    var current = drag;
    drag = null;
    document.querySelectorAll(".diamond .is-drop-target").forEach(function (el) { el.classList.remove("is-drop-target"); });
    if (!current.moving) return;
    current.chip.classList.remove("is-dragging");
    current.chip.style.transform = "";
    suppressClickUntil = Date.now() + 500;
    if (cancelled) return;
    var under = document.elementFromPoint(event.clientX, event.clientY);
    var row = under && under.closest("[data-diamond-board] [data-row]");
    if (row && current.form.contains(row)) place(current.form, current.chip.dataset.item, row.dataset.row);
  }
  document.addEventListener("pointerup", function (event) { endDrag(event, false); });
  document.addEventListener("pointercancel", function (event) { endDrag(event, true); });

  window.samlingDiamond = { initAll: init };
  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
