"""Every error under /api/ is an RFC 9457 problem document, whatever answered it: the URL resolver (a path
it cannot match, e.g. one containing ``%2F``), a method the endpoint does not take, a malformed header, or
Django itself. Problems the API's own handlers write (confide.api.problems) pass through unchanged."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from confide.api.problems import DETAILS, MEDIA_TYPE, problem


class ApiProblemMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith(MEDIA_TYPE):
            return response
        status = response.status_code
        replaced = problem(status, DETAILS.get(status, "The request could not be answered."))
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                replaced[header] = response[header]
        return replaced
