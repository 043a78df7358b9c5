"""The server ``confide serve`` runs: waitress, with Django behind confide.web.proxy (the one place that
believes forwarded headers, from CONFIDE_TRUSTED_PROXIES only)."""

from __future__ import annotations

from django.conf import settings
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

from confide.web.proxy import Wsgi, behind_proxies


def confide_server(*, app: Wsgi, host: str, port: int, threads: int) -> BaseWSGIServer | MultiSocketServer:
    trusting = behind_proxies(app, trusted=settings.CONFIDE_TRUSTED_PROXIES, count=settings.CONFIDE_PROXY_COUNT)
    # waitress's own handling would strip every forwarded header first (it trusts no proxy here).
    return create_server(
        trusting, host=host, port=port, threads=threads, ident="confide", clear_untrusted_proxy_headers=False
    )
