"""Absolute links, from one source: CONFIDE_BASE_URL, the address clients reach Confide at.

A link that leaves the page (in an e-mail, a receipt, a calendar app) is never built from the request's
Host header: behind a proxy that is an internal name, and a forged Host would otherwise put an attacker's
address into an invitation that carries a secret.
"""

from __future__ import annotations

from django.conf import settings


def absolute(path: str) -> str:
    """``path`` (starting with "/") under CONFIDE_BASE_URL."""
    if not path.startswith("/"):
        raise ValueError("an absolute link is built from a path that starts with '/'")
    return f"{settings.CONFIDE_BASE_URL}{path}"
