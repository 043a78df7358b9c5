from __future__ import annotations

from ninja import NinjaAPI

from confide.api import clients, disclosures, log, problems
from confide.api.auth import TokenAuth

api = NinjaAPI(
    title="Confide API",
    version="1",
    description="Personal access tokens: create one under Account → API tokens.",
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
