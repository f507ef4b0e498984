// "Someone else is editing this": while an admin change page is open it sends a heartbeat
// (healthqa/admin/editing.py) and shows who else has the same object open, and whether a newer
// version was saved since the page was loaded. Without JavaScript the page works as before.
(function () {
  "use strict";

  var script = document.querySelector("script[data-editing-url]");
  if (!script || !window.fetch || !window.FormData) {
    return;
  }
  var data = script.dataset;
  var form = document.getElementById(data.editingForm);
  if (!form) {
    return;
  }
  var interval = Math.max(1, parseInt(data.editingInterval, 10) || 20) * 1000;
  var canChange = data.editingCanChange === "1";
  var noun = data.editingNoun || "item";
  var tokenInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  var token = tokenInput ? tokenInput.value : "";

  // The live region is in the page before anything is said in it, so screen readers announce
  // what appears later.
  var region = document.createElement("div");
  region.className = "editing-notice";
  region.setAttribute("role", "status");
  var list = document.createElement("ul");
  region.appendChild(list);
  form.insertBefore(region, form.firstChild);

  var timer = null;
  var stopped = false;
  var shown = "";

  function capitalized(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function sentences(answer) {
    var lines = (answer.others || []).map(function (other) {
      var opened = other.name + (canChange ? " is also editing" : " is editing") + " this " +
        noun + " (opened " + other.since + ").";
      return canChange
        ? opened + " If they save first, your save will be refused and you will be shown " +
          "what changed."
        : opened;
    });
    if (answer.newer) {
      var at = answer.newer.at ? " at " + answer.newer.at : "";
      lines.push(capitalized(answer.newer.by) + " saved a newer version" + at +
        (canChange ? " — reload to see it before you save." : " — reload to see it."));
    }
    return lines;
  }

  function show(lines) {
    // Only a change is written: rewriting the same words would announce them again.
    var text = lines.join("\n");
    if (text === shown) {
      return;
    }
    shown = text;
    list.replaceChildren();
    lines.forEach(function (line) {
      var item = document.createElement("li");
      item.className = "warning";
      item.textContent = line;
      list.appendChild(item);
    });
    region.classList.toggle("editing-notice-active", lines.length > 0);
    // Styled as Django's messages only while it says something: an empty list is no message.
    list.className = lines.length > 0 ? "messagelist" : "";
  }

  function body(fields) {
    var posted = new FormData();
    posted.append("csrfmiddlewaretoken", token);
    Object.keys(fields).forEach(function (name) {
      posted.append(name, fields[name]);
    });
    return posted;
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    if (!stopped) {
      timer = window.setTimeout(beat, delay);
    }
  }

  function beat() {
    window.clearTimeout(timer);
    fetch(data.editingUrl, {
      method: "POST",
      body: body({ version: data.editingVersion || "" }),
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, Accept: "application/json" },
      cache: "no-store",
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.status >= 500) {
          return null; // the server is busy for a moment: ask again at the next beat
        }
        if (!response.ok || type.indexOf("application/json") !== 0) {
          // Signed out (the login page), no longer allowed, or the object is gone.
          stopped = true;
          show([]);
          return null;
        }
        return response.json();
      })
      .then(function (answer) {
        if (answer) {
          show(sentences(answer));
        }
        schedule(interval);
      })
      .catch(function () {
        // The network is down for a moment: try again at the next beat.
        schedule(interval);
      });
  }

  var leaving = false;
  window.addEventListener("pagehide", function () {
    // Leaving (or saving, which loads the page again): others are told at once, not after
    // the entry expires.
    if (leaving || stopped) {
      return;
    }
    leaving = stopped = true;
    window.clearTimeout(timer);
    if (canChange && navigator.sendBeacon) {
      navigator.sendBeacon(data.editingUrl, body({ release: "1" }));
    }
  });
  window.addEventListener("pageshow", function (event) {
    // Back from the browser's page cache: the page is open again.
    if (event.persisted && leaving) {
      leaving = stopped = false;
      schedule(0);
    }
  });
  document.addEventListener("visibilitychange", function () {
    // Browsers slow timers down in background tabs: catch up as soon as the tab is seen.
    if (document.visibilityState === "visible") {
      schedule(0);
    }
  });

  beat();
})();
