"""Forwarded headers, trusted only from the reverse proxies the operator names (pure WSGI, no Django).

A TLS-terminating proxy tells Confide the scheme, host and client address it saw in ``X-Forwarded-*``
headers. Anyone can send those headers, so they are read only when the connection comes from an address in
``CONFIDE_TRUSTED_PROXIES``, and only as many hops as ``CONFIDE_PROXY_COUNT`` (the proxies in the chain);
from any other peer they are removed before Django sees the request. This is the one place that decides:
afterwards ``wsgi.url_scheme`` (so secure cookies, HSTS, CSRF's origin check and absolute links) and
``REMOTE_ADDR`` (so the sign-in lockout) are the proxy's view, and nothing downstream reads a forwarded
header itself. The parsing is waitress's own (``waitress.proxy_headers``), which refuses malformed values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from waitress.proxy_headers import PROXY_HEADERS, MalformedProxyHeader, clear_untrusted_headers, parse_proxy_headers
from waitress.utilities import BadRequest

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# What a proxy in front of Confide sets (nginx's and Caddy's usual four); ``Forwarded`` is not read.
HEADERS = frozenset({"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port"})


def behind_proxies(app: Wsgi, *, trusted: Iterable[str], count: int) -> Wsgi:
    """``app`` that believes forwarded headers only from a ``trusted`` peer, ``count`` hops deep."""
    peers = frozenset(trusted)
    if peers and count < 1:
        raise ValueError("CONFIDE_PROXY_COUNT must be at least 1 when CONFIDE_TRUSTED_PROXIES names a proxy")

    def translated(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        untrusted: Iterable[str] = PROXY_HEADERS
        if environ.get("REMOTE_ADDR") in peers:
            try:
                untrusted = parse_proxy_headers(environ, trusted_proxy_count=count, trusted_proxy_headers=HEADERS)
            except MalformedProxyHeader as exc:
                response: Iterable[bytes] = BadRequest(f'Header "{exc.header}" malformed.').wsgi_response(
                    environ, start_response
                )
                return response
        clear_untrusted_headers(environ, untrusted)
        return app(environ, start_response)

    return translated
