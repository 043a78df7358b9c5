"""Whether a request comes from a page's own script — JSON, a sealed upload, or the page polling — which
is answered with an RFC 9457 problem document, never a page or a redirect it cannot follow."""

from __future__ import annotations

from django.http import HttpRequest

BACKGROUND = "X-Confide-Background"  # sent by a page's own polling (messages): it never extends the session
SCRIPTED = ("application/json", "application/octet-stream")


def scripted(request: HttpRequest) -> bool:
    return (
        request.content_type in SCRIPTED
        or "application/json" in request.headers.get("Accept", "")
        or BACKGROUND in request.headers
    )
