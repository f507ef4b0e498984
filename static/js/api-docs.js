/* Starts Swagger UI on the API docs page (templates/api/docs.html) from a static file, so that
   the page needs no inline script. The schema's address comes from the page. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  // The page's own intro names the API: leave out Swagger UI's (a second <h1>).
  var withoutInfo = function () {
    return { components: { InfoContainer: function () { return null; } } };
  };
  // Swagger UI's copy buttons are icons without a name: give them one as they appear.
  var nameCopyButtons = function () {
    root.querySelectorAll(".copy-to-clipboard button:not([aria-label])").forEach(function (b) {
      b.setAttribute("aria-label", "Copy to clipboard");
    });
  };
  new MutationObserver(nameCopyButtons).observe(root, { childList: true, subtree: true });
  window.SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    domNode: root,
    presets: [window.SwaggerUIBundle.presets.apis],
    plugins: [withoutInfo],
    // BaseLayout: no top bar with a box for loading other schemas.
    layout: "BaseLayout",
    // Deep links put an <a> inside each operation's toggle button (nested controls).
    deepLinking: false,
    // Never send the schema to swagger.io's validator or show its badge (an outside image).
    validatorUrl: null,
    defaultModelsExpandDepth: 0,
    tryItOutEnabled: false,
    supportedSubmitMethods: ["get", "head"],
  });
})();
