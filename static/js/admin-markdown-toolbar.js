// Markdown help for the change forms' text fields (healthqa/admin/live_preview.py): a toolbar
// above each Markdown textarea (Bold, Italic, Bulleted list, Link, Heading) that wraps the
// selection or inserts at the cursor, and the "Formatting help" cheat sheet below it.
(function () {
  "use strict";

  var ACTIONS = [
    { name: "bold", label: "Bold", title: "Bold (Ctrl+B)", wrap: ["**", "**"], sample: "bold text" },
    { name: "italic", label: "Italic", title: "Italic (Ctrl+I)", wrap: ["_", "_"], sample: "italic text" },
    { name: "list", label: "Bulleted list", title: "Bulleted list", prefix: "- ", sample: "list item" },
    { name: "link", label: "Link", title: "Link (Ctrl+K)", link: true, sample: "link text" },
    { name: "heading", label: "Heading", title: "Heading", prefix: "## ", sample: "Heading" },
  ];

  // Replace the textarea's selection, keeping the browser's undo history where it can.
  function replaceSelection(textarea, text, selectFrom, selectTo) {
    var start = textarea.selectionStart;
    textarea.focus();
    var done = false;
    try {
      done = document.execCommand("insertText", false, text);
    } catch (error) {
      done = false;
    }
    if (!done) {
      textarea.setRangeText(text, start, textarea.selectionEnd, "end");
    }
    textarea.setSelectionRange(start + selectFrom, start + selectTo);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function wrap(textarea, action) {
    var value = textarea.value;
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    var selected = value.slice(start, end);
    // A selection's surrounding spaces stay outside the marks ("**word** ", not "**word **").
    var lead = selected.match(/^\s*/)[0];
    var trail = selected.slice(lead.length).match(/\s*$/)[0];
    var inner = selected.slice(lead.length, selected.length - trail.length) || action.sample;
    var before = action.wrap[0];
    var after = action.wrap[1];
    var text = lead + before + inner + after + trail;
    var from = lead.length + before.length;
    replaceSelection(textarea, text, from, from + inner.length);
  }

  function link(textarea, action) {
    var selected = textarea.value.slice(textarea.selectionStart, textarea.selectionEnd);
    var isAddress = /^(https?:\/\/|mailto:|tel:)\S+$/.test(selected.trim());
    var label = isAddress ? action.sample : selected || action.sample;
    var address = isAddress ? selected.trim() : "https://";
    var text = "[" + label + "](" + address + ")";
    if (isAddress) {
      replaceSelection(textarea, text, 1, 1 + label.length);
    } else {
      var from = label.length + 3;
      replaceSelection(textarea, text, from, from + address.length);
    }
  }

  function prefixLines(textarea, action) {
    var value = textarea.value;
    var start = value.lastIndexOf("\n", textarea.selectionStart - 1) + 1;
    var end = textarea.selectionEnd;
    if (end > start && value.charAt(end - 1) === "\n") {
      end -= 1;
    }
    var lineEnd = value.indexOf("\n", end);
    end = lineEnd === -1 ? value.length : lineEnd;
    var lines = value.slice(start, end).split("\n");
    var text = lines
      .map(function (line) {
        if (action.name === "heading") {
          return action.prefix + line.replace(/^#+\s*/, "");
        }
        return line.indexOf(action.prefix) === 0 ? line : action.prefix + line;
      })
      .join("\n");
    var sample = false;
    if (text === action.prefix) {
      text += action.sample;
      sample = true;
    }
    textarea.setSelectionRange(start, end);
    if (sample) {
      replaceSelection(textarea, text, action.prefix.length, text.length);
    } else {
      replaceSelection(textarea, text, text.length, text.length);
    }
  }

  function apply(textarea, action) {
    if (textarea.readOnly || textarea.disabled) {
      return;
    }
    if (action.wrap) {
      wrap(textarea, action);
    } else if (action.link) {
      link(textarea, action);
    } else {
      prefixLines(textarea, action);
    }
  }

  function labelOf(textarea) {
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "text";
  }

  function toolbarFor(textarea) {
    var bar = document.createElement("div");
    bar.className = "markdown-toolbar";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Formatting for " + labelOf(textarea));
    ACTIONS.forEach(function (action) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "markdown-toolbar__button markdown-toolbar__button--" + action.name;
      button.textContent = action.label;
      button.title = action.title;
      button.dataset.action = action.name;
      button.setAttribute("aria-controls", textarea.id);
      // Keep the textarea's selection when the button is pressed with the mouse.
      button.addEventListener("mousedown", function (event) {
        event.preventDefault();
      });
      button.addEventListener("click", function () {
        apply(textarea, action);
      });
      bar.appendChild(button);
    });
    return bar;
  }

  var SHORTCUTS = { b: "bold", i: "italic", k: "link" };

  function init() {
    var template = document.getElementById("markdown-help");
    if (!template) {
      return;
    }
    (template.dataset.fields || "").split(/\s+/).forEach(function (id) {
      var textarea = id && document.getElementById(id);
      if (!textarea || textarea.tagName !== "TEXTAREA" || textarea.dataset.markdownToolbar) {
        return;
      }
      textarea.dataset.markdownToolbar = "1";
      // The toolbar sits right above the textarea, in one column beside the field's label.
      var editor = document.createElement("div");
      editor.className = "markdown-editor";
      textarea.parentNode.insertBefore(editor, textarea);
      editor.appendChild(toolbarFor(textarea));
      editor.appendChild(textarea);
      // The cheat sheet goes below the field, after its own help text.
      var row = textarea.closest(".flex-container");
      var help = template.content.firstElementChild.cloneNode(true);
      (row ? row.parentNode : editor).appendChild(help);
      textarea.addEventListener("keydown", function (event) {
        if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) {
          return;
        }
        var name = SHORTCUTS[event.key.toLowerCase()];
        if (!name) {
          return;
        }
        event.preventDefault();
        apply(
          textarea,
          ACTIONS.filter(function (action) {
            return action.name === name;
          })[0]
        );
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
