from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from confide.api import clients, disclosures, log, problems
from confide.api.auth import TokenAuth


class ConfideAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The document ninja builds, with the problem document the error responses refer to."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"]["schemas"]["Problem"] = problems.SCHEMA
        return schema


api = ConfideAPI(
    title="Confide API",
    version="1",
    description="Personal access tokens: create one under Account → API tokens. "
    "Every error is an RFC 9457 problem document (application/problem+json).",
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url=None,  # ninja's page has inline scripts; /api/v1/docs is Confide's own (confide/api/docs.py)
    openapi_url="/openapi.json",
)
problems.install(api)
api.add_router("/", clients.router)
api.add_router("/", log.router)
api.add_router("/", disclosures.router)

urlpatterns = api.urls
