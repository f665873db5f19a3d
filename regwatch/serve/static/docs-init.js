// Swagger UI on this server's own copy (no CDN), started from a file: the Content-Security-Policy allows no
// inline script. validatorUrl null: the page asks no outside validator about the document.
"use strict";
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: document.body.getAttribute("data-openapi"),
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
