"""confide.web.proxy: forwarded headers believed from a named proxy only, as many hops as configured."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from confide.web.proxy import behind_proxies
from confide.web.serving import confide_server
from tests.waitress import serving

PROXY = "10.0.0.5"


def _seen(*, peer: str, trusted: list[str], count: int = 1, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """What the application behind the wrapper is handed for one request from ``peer``."""
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.update(environ)
        start_response("200 OK", [])
        return [b""]

    environ = {
        "REMOTE_ADDR": peer,
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "127.0.0.1:8000",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        **{f"HTTP_{name.upper()}": value for name, value in (headers or {}).items()},
    }
    statuses: list[str] = []
    body = b"".join(behind_proxies(app, trusted=trusted, count=count)(environ, lambda s, h: statuses.append(s)))
    seen["status"], seen["body"] = statuses[0], body
    return seen


FORWARDED = {
    "x_forwarded_for": "203.0.113.9",
    "x_forwarded_proto": "https",
    "x_forwarded_host": "confide.example.org",
}


def test_a_trusted_proxy_says_the_scheme_host_and_client_address() -> None:
    seen = _seen(peer=PROXY, trusted=[PROXY], headers=FORWARDED)
    assert (seen["wsgi.url_scheme"], seen["HTTP_HOST"], seen["REMOTE_ADDR"]) == (
        "https",
        "confide.example.org",
        "203.0.113.9",
    )


@pytest.mark.parametrize("trusted", [[], ["10.0.0.6"]])
def test_anyone_else_sending_the_headers_changes_nothing_and_they_are_removed(trusted: list[str]) -> None:
    seen = _seen(
        peer=PROXY, trusted=trusted, headers={**FORWARDED, "x_forwarded_port": "443", "forwarded": "for=1.2.3.4"}
    )
    assert (seen["wsgi.url_scheme"], seen["HTTP_HOST"], seen["REMOTE_ADDR"]) == ("http", "127.0.0.1:8000", PROXY)
    assert not {k for k in seen if "FORWARDED" in k}


def test_only_as_many_hops_as_there_are_proxies_are_believed() -> None:
    chain = "198.51.100.1, 203.0.113.9, 10.0.0.4"  # the first was written by the client itself
    assert _seen(peer=PROXY, trusted=[PROXY], headers={"x_forwarded_for": chain})["REMOTE_ADDR"] == "10.0.0.4"
    assert (
        _seen(peer=PROXY, trusted=[PROXY], count=2, headers={"x_forwarded_for": chain})["REMOTE_ADDR"] == "203.0.113.9"
    )


def test_a_count_above_the_hops_written_reads_the_nearest_proxy_for_everyone() -> None:
    # deploy/nginx.conf overwrites X-Forwarded-For with its peer: behind a load balancer, a count of 2 would
    # find one hop and take it, the load balancer's own address (docs/configuration.md says keep 1, use real_ip)
    seen = _seen(peer=PROXY, trusted=[PROXY], count=2, headers={"x_forwarded_for": "10.0.0.4"})
    assert seen["REMOTE_ADDR"] == "10.0.0.4"


def test_a_standard_header_the_proxy_does_not_send_is_not_believed_from_it() -> None:
    seen = _seen(peer=PROXY, trusted=[PROXY], headers={"forwarded": "for=198.51.100.1;proto=https"})
    assert (seen["REMOTE_ADDR"], seen["wsgi.url_scheme"]) == (PROXY, "http") and "HTTP_FORWARDED" not in seen


def test_a_malformed_forwarded_header_from_the_proxy_is_a_bad_request_not_a_guess() -> None:
    seen = _seen(peer=PROXY, trusted=[PROXY], headers={"x_forwarded_proto": "gopher"})
    assert seen["status"].startswith("400") and "REMOTE_ADDR" not in seen  # Confide never saw the request
    assert b"X-Forwarded-Proto" in seen["body"]


def test_a_named_proxy_needs_at_least_one_hop() -> None:
    with pytest.raises(
        ValueError, match="^CONFIDE_PROXY_COUNT must be at least 1 when CONFIDE_TRUSTED_PROXIES names a proxy$"
    ):
        behind_proxies(lambda e, s: [b""], trusted=[PROXY], count=0)


def test_the_server_confide_serve_runs_hands_the_proxys_view_to_the_app(settings: Settings) -> None:
    """waitress itself would strip the forwarded headers before the wrapper read them (the 301 loop)."""
    settings.CONFIDE_TRUSTED_PROXIES, settings.CONFIDE_PROXY_COUNT = ["127.0.0.1"], 1
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.update(environ)
        start_response("204 No Content", [])
        return [b""]

    server = confide_server(app=app, host="127.0.0.1", port=0, threads=1)
    with serving(server):
        connection = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=10)
        headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "c.example"}
        connection.request("GET", "/", headers=headers)
        assert connection.getresponse().status == 204
    assert (seen["wsgi.url_scheme"], seen["REMOTE_ADDR"], seen["HTTP_HOST"]) == ("https", "203.0.113.9", "c.example")


def _raw(port: int, request: bytes) -> tuple[str, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}, body


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /api/v1/clients HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 262_144 + b"\r\n\r\n", 431),
        (b"GET /api/v1/clients HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", 400),
        (b"GET /api/v1/clients HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400),
    ],
)
def test_a_request_the_server_refuses_before_the_app_gets_a_problem_document(
    settings: Settings, request_bytes: bytes, status: int
) -> None:
    reached: list[str] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        reached.append(environ["PATH_INFO"])
        start_response("204 No Content", [])
        return [b""]

    server = confide_server(app=app, host="127.0.0.1", port=0, threads=1)
    with serving(server):
        line, headers, body = _raw(server.effective_port, request_bytes)
    assert line.split()[1] == str(status) and not reached
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == status and problem["title"] and problem["type"] == "about:blank"
