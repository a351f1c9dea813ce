// The API's documentation page (templates/core/api_docs.html): starts Swagger UI from the
// vendored sidecar with what the page's data attributes say, so that the page needs no inline
// script under the content-security policy.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  const { schemaUrl, csrfHeader, csrfToken } = root.dataset;
  window.SwaggerUIBundle({
    url: schemaUrl,
    domNode: root,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // Swagger UI would otherwise show a badge fetched from validator.swagger.io: no request
    // leaves this network (and the policy would refuse it).
    validatorUrl: null,
    // A token typed into "Authorize" is kept in this page only, never in the browser's storage.
    persistAuthorization: false,
    // "Try it out" acts with the session: unsafe methods need the CSRF token, as forms do.
    requestInterceptor: (request) => {
      const method = (request.method || "GET").toUpperCase();
      if (!["GET", "HEAD", "OPTIONS"].includes(method)) {
        request.headers[csrfHeader] = csrfToken;
      }
      return request;
    },
  });
});
