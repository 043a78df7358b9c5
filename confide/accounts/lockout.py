"""The sign-in lockout's view of who is signing in (django-axes settings point here)."""

from __future__ import annotations

from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address the lockout counts by: the peer, or the client a trusted proxy names, as decided once by
    confide.web.proxy. A forwarded header is never read here: anyone can send one."""
    return str(request.META.get("REMOTE_ADDR", ""))
