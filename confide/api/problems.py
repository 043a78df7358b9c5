"""RFC 9457 problem documents for every API error, and their declaration in the OpenAPI document."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from confide.clients.services import PermissionDeniedError

logger = logging.getLogger(__name__)

TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    413: "Request too large",
    422: "Invalid input",
    431: "Request headers too large",
    500: "Internal error",
}
# What a problem says when nothing more specific is known (the API's handlers and confide.api.middleware).
DETAILS = {
    400: "The request was refused (too large or malformed).",
    404: "No such resource, or you may not see it.",
    405: "This endpoint does not take that method; the Allow header lists those it takes.",
    500: "Something went wrong on our side; nothing was changed.",
}
MEDIA_TYPE = "application/problem+json"

# The shape ``problem()`` writes, exactly: the OpenAPI document declares it for every error response.
SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An RFC 9457 problem document. It never repeats a submitted value.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"const": "about:blank", "description": "The status code says what kind of problem it is."},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "For invalid input: where (a JSON pointer into the input) and what, one per field.",
            "items": {
                "type": "object",
                "required": ["pointer", "detail"],
                "properties": {"pointer": {"type": "string"}, "detail": {"type": "string"}},
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}
# When each status is answered; an operation declares the ones it can return (``responses``).
WHEN = {
    400: "The request is malformed (a body that is not JSON, a Host this server does not serve) or too large.",
    401: "No valid personal access token was sent.",
    403: "The token's scopes or the member's role do not allow this.",
    404: "No such resource, or you may not see it.",
    422: "The input does not match the schema or breaks a rule; 'errors' names the fields.",
    500: "Something went wrong on the server; nothing was changed.",
}


def responses(*statuses: int) -> dict[str, Any]:
    """The ``openapi_extra`` that declares ``statuses`` (and 400, 401 and 500, which any operation can answer)."""
    declared: dict[int, Any] = {}
    for status in sorted({400, 401, 500, *statuses}):
        schema = {"$ref": "#/components/schemas/Problem", "properties": {"status": {"const": status}}}
        declared[status] = {"description": WHEN[status], "content": {MEDIA_TYPE: {"schema": schema}}}
    declared[401]["headers"] = {"WWW-Authenticate": {"required": True, "schema": {"type": "string"}}}
    return {"responses": declared}


def problem(status: int, detail: str, *, errors: list[dict[str, Any]] | None = None) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = JsonResponse(body, status=status, content_type=MEDIA_TYPE)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="confide"'
    return response


def _schema_errors(exc: SchemaError) -> list[dict[str, Any]]:
    # Pydantic errors echo the input; keep only where and what, never the value (it may be PHI).
    return [
        {
            "pointer": "/" + "/".join(str(p) for p in err.get("loc", ()) if p not in ("body", "payload")),
            "detail": err.get("msg", ""),
        }
        for err in exc.errors
    ]


def install(api: NinjaAPI) -> None:
    @api.exception_handler(SchemaError)
    def on_schema(request: HttpRequest, exc: SchemaError) -> HttpResponse:
        return problem(422, "The request does not match the schema.", errors=_schema_errors(exc))

    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"pointer": f"/{field}", "detail": " ".join(str(m) for m in messages)}
            for field, messages in exc.message_dict.items()
        ]
        return problem(422, "Some fields are not valid.", errors=errors)

    @api.exception_handler(AuthenticationError)
    def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(401, "Send a valid personal access token as 'Authorization: Bearer <token>'.")

    @api.exception_handler(PermissionDeniedError)
    def on_denied(request: HttpRequest, exc: PermissionDeniedError) -> HttpResponse:
        return problem(403, "Your role does not allow this.")

    @api.exception_handler(HttpError)
    def on_http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(exc.status_code, str(exc))

    @api.exception_handler(Http404)
    def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(404, DETAILS[404])

    @api.exception_handler(SuspiciousOperation)
    def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return problem(400, DETAILS[400])

    @api.exception_handler(Exception)
    def on_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("API error %s on %s %s", type(exc).__name__, request.method, request.path)
        return problem(500, DETAILS[500])
