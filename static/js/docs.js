// Starts Swagger UI for the OpenAPI document named on the page (no inline script, strict CSP).
// Deep links stay off: they put a link inside each operation's toggle button, which assistive
// technology cannot reach as a control of its own.
document.addEventListener("DOMContentLoaded", () => {
  const target = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: target.dataset.openapiUrl, dom_id: "#swagger-ui", deepLinking: false });
});
