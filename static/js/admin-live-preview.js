// The live preview beside a change form (healthqa/admin/live_preview.py): the unsaved form is
// posted as the editor types (debounced), and the page that comes back is shown in a sandboxed
// frame. The panel can be hidden (remembered in localStorage) and narrowed to a phone's width.
(function () {
  "use strict";

  var HIDDEN_KEY = "healthqa.livePreview.hidden";
  var PHONE_KEY = "healthqa.livePreview.phone";
  // The page is laid out as on a desktop screen (the site's wide layout starts at 64rem) and
  // scaled down to the panel; at phone width it is laid out 390 px wide (scaled only if the
  // panel is narrower still).
  var DESKTOP_WIDTH = 1024;
  var PHONE_WIDTH = 390;

  function stored(key) {
    try {
      return window.localStorage.getItem(key) === "1";
    } catch (error) {
      return false;
    }
  }

  function store(key, on) {
    try {
      if (on) {
        window.localStorage.setItem(key, "1");
      } else {
        window.localStorage.removeItem(key);
      }
    } catch (error) {
      // Private windows may refuse storage: the choice then lasts for this page only.
    }
  }

  function init() {
    var panel = document.getElementById("live-preview");
    if (!panel || !panel.dataset.url) {
      return;
    }
    var form = panel.closest("form");
    if (!form) {
      return;
    }
    var frame = panel.querySelector(".live-preview__frame");
    var status = panel.querySelector(".live-preview__status");
    var toggle = panel.querySelector(".live-preview__toggle");
    var phone = panel.querySelector(".live-preview__phone");
    var body = document.getElementById("live-preview-body");
    var viewport = panel.querySelector(".live-preview__viewport");
    var delay = parseInt(panel.dataset.delay, 10) || 500;
    var timer = null;
    var controller = null;
    var sequence = 0;
    var dirty = true;
    var showsErrors = false; // the form's errors are shown as they are, never scaled

    // Two columns: the form's own content on the left, the panel on the right.
    var content = panel.parentNode;
    var layout = document.createElement("div");
    layout.className = "live-preview-layout";
    var main = document.createElement("div");
    main.className = "live-preview-layout__form";
    while (content.firstChild) {
      main.appendChild(content.firstChild);
    }
    layout.appendChild(main);
    layout.appendChild(panel);
    content.appendChild(layout);
    panel.hidden = false;

    function setStatus(text) {
      status.textContent = text;
    }

    function formData() {
      var data = new FormData(form);
      // Files are not sent with every keystroke: the page shows the saved image.
      var names = [];
      data.forEach(function (value, name) {
        if (typeof File !== "undefined" && value instanceof File) {
          names.push(name);
        }
      });
      names.forEach(function (name) {
        data.delete(name);
      });
      return data;
    }

    function keepLinksInside() {
      var doc = frame.contentDocument;
      if (!doc) {
        return;
      }
      // A preview is for reading: its links and forms lead nowhere from here.
      doc.addEventListener("click", function (event) {
        if (event.target.closest && event.target.closest("a, button")) {
          event.preventDefault();
        }
      });
    }

    function show(html) {
      var scroll = 0;
      try {
        scroll = frame.contentWindow ? frame.contentWindow.scrollY : 0;
      } catch (error) {
        scroll = 0;
      }
      frame.addEventListener(
        "load",
        function () {
          keepLinksInside();
          try {
            frame.contentWindow.scrollTo(0, scroll);
          } catch (error) {
            // Nothing to restore.
          }
        },
        { once: true }
      );
      frame.srcdoc = html;
    }

    function refresh() {
      timer = null;
      if (isHidden()) {
        dirty = true;
        return;
      }
      dirty = false;
      if (controller) {
        controller.abort();
      }
      controller = typeof AbortController !== "undefined" ? new AbortController() : null;
      var mine = ++sequence;
      setStatus("Updating…");
      fetch(panel.dataset.url, {
        method: "POST",
        body: formData(),
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest" },
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          return response.text().then(function (text) {
            return { response: response, text: text };
          });
        })
        .then(function (result) {
          if (mine !== sequence) {
            return;
          }
          var code = result.response.status;
          if (code === 200 || code === 422) {
            showsErrors = code === 422;
            fit();
            show(result.text);
            setStatus(code === 200 ? "Up to date." : "The form has errors: see the preview.");
          } else if (code === 403) {
            setStatus("You may not preview this page.");
          } else {
            setStatus("The preview could not be updated (error " + code + "). Keep typing to retry.");
          }
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") {
            return;
          }
          if (mine === sequence) {
            setStatus("The preview could not be updated. Keep typing to retry.");
          }
        });
    }

    function schedule() {
      if (timer) {
        window.clearTimeout(timer);
      }
      timer = window.setTimeout(refresh, delay);
    }

    function isHidden() {
      return layout.classList.contains("live-preview-layout--hidden");
    }

    function setHidden(hidden) {
      layout.classList.toggle("live-preview-layout--hidden", hidden);
      body.hidden = hidden;
      phone.hidden = hidden;
      toggle.setAttribute("aria-expanded", hidden ? "false" : "true");
      toggle.textContent = hidden ? "Show preview" : "Hide preview";
      store(HIDDEN_KEY, hidden);
      if (!hidden) {
        fit();
        if (dirty) {
          refresh();
        }
      }
    }

    function isPhone() {
      return phone.getAttribute("aria-pressed") === "true";
    }

    // Sizes are set through the CSS object model, which the CSP allows (no style attribute).
    function fit() {
      var width = viewport.clientWidth;
      var height = Math.max(420, window.innerHeight - 190);
      var target = isPhone() ? PHONE_WIDTH : DESKTOP_WIDTH;
      var scale = width >= target || width === 0 || showsErrors ? 1 : width / target;
      frame.style.transformOrigin = "0 0";
      frame.style.transform = scale === 1 ? "" : "scale(" + scale + ")";
      frame.style.width = !showsErrors && (isPhone() || scale !== 1) ? target + "px" : "100%";
      frame.style.height = Math.round(height / scale) + "px";
      viewport.style.height = height + "px";
    }

    function setPhone(on) {
      panel.classList.toggle("live-preview--phone", on);
      phone.setAttribute("aria-pressed", on ? "true" : "false");
      store(PHONE_KEY, on);
      fit();
    }

    toggle.addEventListener("click", function () {
      setHidden(!isHidden());
    });
    phone.addEventListener("click", function () {
      setPhone(phone.getAttribute("aria-pressed") !== "true");
    });
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    // Widgets that set values from script (select2 autocompletes) announce it through jQuery.
    if (window.django && window.django.jQuery) {
      window.django.jQuery(form).on("select2:select select2:unselect", schedule);
    }

    if (typeof ResizeObserver !== "undefined") {
      new ResizeObserver(fit).observe(viewport);
    }
    window.addEventListener("resize", fit);
    setPhone(stored(PHONE_KEY));
    setHidden(stored(HIDDEN_KEY));
    if (!isHidden()) {
      refresh();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
