/* Suggest existing answered questions while a reader types theirs on /ask/.
 *
 * Needs an input with id "id_title" and an element with id "ask-suggestions" (its
 * data-suggest-url names the endpoint, /search/suggest/ by default). Text is inserted with
 * textContent only, never as HTML. Without JavaScript the form works as before.
 */
(function () {
  "use strict";

  var input = document.getElementById("id_title");
  var box = document.getElementById("ask-suggestions");
  if (!input || !box || !window.fetch) {
    return;
  }
  var endpoint = box.getAttribute("data-suggest-url") || "/search/suggest/";
  var timer = null;
  var lastQuery = "";
  var controller = null;

  function clear() {
    while (box.firstChild) {
      box.removeChild(box.firstChild);
    }
    box.hidden = true;
  }

  function render(results) {
    clear();
    if (!results.length) {
      return;
    }
    var heading = document.createElement("p");
    heading.className = "ask-suggestions__heading";
    heading.textContent = "These answered questions may already help:";
    var list = document.createElement("ul");
    list.className = "ask-suggestions__list";
    results.forEach(function (result) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = result.url;
      link.textContent = result.title;
      item.appendChild(link);
      list.appendChild(item);
    });
    box.appendChild(heading);
    box.appendChild(list);
    box.hidden = false;
  }

  function lookUp() {
    var query = input.value.trim();
    if (query === lastQuery) {
      return;
    }
    lastQuery = query;
    if (query.length < 3) {
      clear();
      return;
    }
    if (controller) {
      controller.abort();
    }
    controller = window.AbortController ? new AbortController() : null;
    var url = endpoint + "?q=" + encodeURIComponent(query.slice(0, 200));
    fetch(url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        return response.ok ? response.json() : { results: [] };
      })
      .then(function (data) {
        render(Array.isArray(data.results) ? data.results.slice(0, 5) : []);
      })
      .catch(function () {
        /* Suggestions are a help, not a requirement: stay quiet on errors. */
      });
  }

  box.setAttribute("aria-live", "polite");
  box.hidden = true;
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookUp, 300);
  });
})();
