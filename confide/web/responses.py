"""Responses shared by the pages."""

from __future__ import annotations

from django.http import HttpResponse


def attachment(body: bytes | str, *, content_type: str, filename: str) -> HttpResponse:
    """A download. Callers name files by ids only, never by anything about a client."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
