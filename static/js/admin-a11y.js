/* Every admin page: names that Django admin's markup leaves out, for screen readers.
 *
 * - inputs in tabular inline rows are named by their column heading;
 * - the date and time inputs of a date-and-time field are named "<field>: date" / ": time";
 * - autocomplete (select2) boxes are named by the label of the field they replace;
 * - empty table headings (the row's own column, "Delete?" without delete permission) get a
 *   visually hidden name;
 * - an inline table that scrolls sideways can be reached and scrolled with the keyboard.
 * Rows added with "Add another" are named too.
 */
(function () {
  "use strict";

  function text(el) {
    return el ? el.textContent.replace(/\s+/g, " ").replace(/:$/, "").trim() : "";
  }

  function named(el) {
    if (el.getAttribute("aria-label") || el.getAttribute("aria-labelledby")) return true;
    if (el.id && document.querySelector('label[for="' + el.id + '"]')) return true;
    return Boolean(el.closest("label"));
  }

  function nameTabularInputs(root) {
    root.querySelectorAll(".tabular table").forEach(function (table) {
      var headings = {};
      table.querySelectorAll("thead th").forEach(function (th) {
        th.classList.forEach(function (name) {
          if (name.indexOf("column-") === 0) headings[name.slice(7)] = text(th);
        });
      });
      table.querySelectorAll("tbody td").forEach(function (td) {
        var field = null;
        td.classList.forEach(function (name) {
          if (name.indexOf("field-") === 0) field = name.slice(6);
        });
        var heading = field && headings[field];
        if (!heading) return;
        td.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (el) {
          if (!named(el)) el.setAttribute("aria-label", heading);
        });
      });
      table.querySelectorAll("td.delete input[type=checkbox]").forEach(function (el) {
        if (!named(el)) el.setAttribute("aria-label", "Delete this row");
      });
    });
  }

  function nameEmptyHeadings(root) {
    root.querySelectorAll("thead th").forEach(function (th) {
      if (text(th)) return;
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = th.classList.contains("original") ? "Row" : "Delete";
      th.appendChild(hidden);
    });
  }

  function nameDateTimeInputs(root) {
    root.querySelectorAll("p.datetime").forEach(function (p) {
      var inputs = p.querySelectorAll("input.vDateField, input.vTimeField");
      if (!inputs.length) return;
      var base = inputs[0].id.replace(/_0$/, "");
      var label = text(document.querySelector('label[for="' + base + '_0"], label[for="' + base + '"]')) ||
        text(p.closest(".form-row, td") && p.closest(".form-row, td").querySelector("label, legend"));
      inputs.forEach(function (el) {
        if (named(el)) return;
        var part = el.classList.contains("vDateField") ? "date" : "time";
        el.setAttribute("aria-label", (label ? label + ": " : "") + part);
      });
    });
  }

  function nameAutocompletes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var box = select.nextElementSibling;
      var combo = box && box.querySelector(".select2-selection");
      if (!combo || document.getElementById(select.id + "-a11y-name")) return;
      var label = text(document.querySelector('label[for="' + select.id + '"]'));
      if (!label) {
        var cell = select.closest("td");
        var table = cell && cell.closest("table");
        cell && cell.classList.forEach(function (name) {
          if (name.indexOf("field-") === 0 && table) {
            label = text(table.querySelector("thead th.column-" + name.slice(6)));
          }
        });
      }
      if (!label) return;
      // select2 names the box by its (possibly empty) selection: put the field's name first.
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.id = select.id + "-a11y-name";
      hidden.textContent = label;
      box.appendChild(hidden);
      var selection = combo.getAttribute("aria-labelledby") || "";
      combo.setAttribute("aria-labelledby", (hidden.id + " " + selection).trim());
      // The selection inside is a read-only textbox of its own, empty until something is
      // chosen. (Read through the box's name, its own name is not followed again.)
      var rendered = combo.querySelector("[role=textbox]");
      if (rendered && !rendered.getAttribute("aria-labelledby")) {
        rendered.setAttribute("aria-labelledby", hidden.id);
      }
    });
  }

  function keyboardScrolling(root) {
    root.querySelectorAll(".inline-group").forEach(function (group) {
      if (group.scrollWidth <= group.clientWidth || group.hasAttribute("tabindex")) return;
      var heading = group.querySelector("h2[id]");
      group.setAttribute("tabindex", "0");
      group.setAttribute("role", "region");
      if (heading) group.setAttribute("aria-labelledby", heading.id);
    });
  }

  function fix(root) {
    nameEmptyHeadings(root);
    nameTabularInputs(root);
    nameDateTimeInputs(root);
    nameAutocompletes(root);
    keyboardScrolling(document);
  }

  // After Django's own scripts (the calendar widgets) have built their markup. select2 boxes
  // may be built later still (jQuery runs its ready handlers asynchronously): name each box
  // when it appears.
  window.addEventListener("load", function () {
    fix(document);
    var pending = false;
    new MutationObserver(function () {
      if (pending) return;
      pending = true;
      window.setTimeout(function () {
        pending = false;
        nameAutocompletes(document);
      }, 0);
    }).observe(document.body, {childList: true, subtree: true});
    nameAutocompletes(document);
  });
  document.addEventListener("formset:added", function (event) {
    window.setTimeout(function () {
      fix(event.target.closest(".inline-group") || document);
    }, 0);
  });
  window.addEventListener("resize", function () {
    keyboardScrolling(document);
  });
})();
