// The API reference page: Swagger UI (shipped with django-ninja, served from here) over /api/v1's OpenAPI document.
(function () {
  const box = document.getElementById("swagger-ui");
  if (!box || typeof SwaggerUIBundle === "undefined") return;
  SwaggerUIBundle({ url: box.dataset.openapi, dom_id: "#swagger-ui", deepLinking: false, tryItOutEnabled: false });
})();
