"""Confide behind a real TLS-terminating proxy: Debian's nginx, configured by deploy/nginx.conf (only its
addresses, ports and certificate paths replaced), in front of the server `confide serve` runs
(confide.web.serving: waitress, with confide.web.proxy trusting the proxy's address), with production's
HTTPS settings. Chromium trusts the throwaway certificate by its public key alone (no error is ignored
otherwise)."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import http.client
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections
from playwright.sync_api import Browser, BrowserType, expect
from pytest_django.fixtures import Settings

from confide.web.serving import confide_server
from tests.browser.conftest import CHROMIUM
from tests.browser.helpers import client_joins_portal
from tests.cast import Cast
from tests.conftest import Inbox
from tests.waitress import serving

TEMP = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")  # nginx's scratch folders, in the test's folder
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"
pytestmark = pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is missing: run 'make browser-deps'")


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _certificate(folder: Path) -> tuple[Path, Path, Path, str]:
    """A throwaway CA and a certificate for localhost it signs: (CA, certificate, key, the key's SPKI hash)."""
    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Confide test CA")])
    ca = (
        x509.CertificateBuilder(subject_name=ca_name, issuer_name=ca_name, public_key=ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    cert = (
        x509.CertificateBuilder(
            subject_name=x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]),
            issuer_name=ca_name,
            public_key=key.public_key(),
        )
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM) + paths[0].read_bytes())
    paths[2].write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    spki = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return *paths, base64.b64encode(hashlib.sha256(spki).digest()).decode()


def _nginx_conf(
    folder: Path, *, http_port: int, https_port: int, upstreams: tuple[int, int], cert: Path, key: Path
) -> str:
    """deploy/nginx.conf with this test's addresses, ports and certificate, inside a minimal main block."""
    site = DEPLOY.read_text()
    for old, new in {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/letsencrypt/live/confide.example.org/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/confide.example.org/privkey.pem": str(key),
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstreams[0]};",
        "server 127.0.0.1:8001;": f"server 127.0.0.1:{upstreams[1]};",
        "confide.example.org": "localhost",
    }.items():
        assert old in site, f"deploy/nginx.conf no longer says {old!r}"
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    temp = "".join(f"  {kind}_temp_path {folder / kind};\n" for kind in TEMP)
    main = f"daemon off;\nmaster_process off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
    main += f"error_log {folder / 'error.log'} warn;\nevents {{ worker_connections 64; }}\n"
    return f"{main}http {{\n{temp}{site}\n}}\n"


class Proxied(NamedTuple):
    base: str  # https://localhost:PORT, nginx's
    ca: Path  # the throwaway CA
    spki: str  # the certificate key's SPKI hash, which Chromium is told to accept
    plain: int  # nginx's plain-HTTP port
    upstream: int  # the first waitress server's port, behind nginx
    answered: dict[int, int]  # how many requests each waitress server (by port) answered


@pytest.fixture
def behind_nginx(tmp_path: Path, settings: Settings, live_cast: Cast) -> Iterator[Proxied]:
    """nginx with deploy/nginx.conf in front of waitress serving Confide."""
    settings.SECURE_SSL_REDIRECT = True  # production's HTTPS settings (confide/settings.py)
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    shared = connections["default"]
    if shared.vendor == "sqlite":  # an in-memory test database: share the test's connection, as live_server does
        shared.inc_thread_sharing()
    django = WSGIHandler()  # after the settings above: it reads them when it builds its middleware

    upstreams, http_port, https_port = (_port(), _port()), _port(), _port()
    answered = dict.fromkeys(upstreams, 0)

    def app_on(port: int) -> Callable[..., Iterable[bytes]]:
        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            if shared.vendor == "sqlite":
                connections["default"] = shared
            answered[port] += 1
            return django(environ, start_response)

        return app

    settings.CONFIDE_TRUSTED_PROXIES, settings.CONFIDE_PROXY_COUNT = ["127.0.0.1"], 1  # as deploy/nginx.conf says
    stop_server = contextlib.ExitStack()
    for port in upstreams:  # two servers behind the upstream block, as two confide@PORT processes would be
        stop_server.enter_context(serving(confide_server(app=app_on(port), host="127.0.0.1", port=port, threads=1)))
    ca, cert, key, spki = _certificate(tmp_path)
    for kind in TEMP:
        (tmp_path / kind).mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        _nginx_conf(tmp_path, http_port=http_port, https_port=https_port, upstreams=upstreams, cert=cert, key=key)
    )
    nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")])  # noqa: S603
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        settings.CONFIDE_BASE_URL = f"https://localhost:{https_port}"  # as the deployment's env file says
        yield Proxied(f"https://localhost:{https_port}", ca, spki, http_port, upstreams[0], answered)
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        stop_server.close()
        if shared.vendor == "sqlite":
            shared.dec_thread_sharing()


def _get(proxied: Proxied, path: str) -> http.client.HTTPResponse:
    """GET through nginx over TLS, checking the certificate against the throwaway CA."""
    context = ssl.create_default_context(cafile=str(proxied.ca))
    connection = http.client.HTTPSConnection(
        "localhost", int(proxied.base.rsplit(":", 1)[1]), context=context, timeout=10
    )
    connection.request("GET", path)
    return connection.getresponse()


def _plain(port: int, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("localhost", port, timeout=10)
    connection.request("GET", path)
    return connection.getresponse()


@pytest.fixture
def trusting(browser_type: BrowserType, behind_nginx: Proxied) -> Iterator[Browser]:
    """Chromium that accepts exactly the throwaway certificate's key."""
    browser = browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=["--no-sandbox", "--disable-gpu", f"--ignore-certificate-errors-spki-list={behind_nginx.spki}"],
    )
    yield browser
    browser.close()


def test_signing_in_posting_a_form_and_an_invitation_link_work_through_the_proxy(
    behind_nginx: Proxied, trusting: Browser, smtp_inbox: Inbox, live_cast: Cast
) -> None:
    base = behind_nginx.base
    response = _get(behind_nginx, "/accounts/login/")
    assert response.status == 200  # https as nginx says: no redirect (the loop the issue found)
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000"
    cookies = [value for name, value in response.getheaders() if name.lower() == "set-cookie"]
    assert cookies and all("; Secure" in value for value in cookies), cookies
    page = trusting.new_context(viewport={"width": 390, "height": 844}).new_page()
    # The clinician signs in, adds a client and invites them (form POSTs, CSRF checked against https);
    # the client follows the e-mailed link, which names the proxy's https address, and sets a passphrase.
    link = client_joins_portal(page, base, smtp_inbox, name="Remy Proxy-Canary", email="remy@client.test")
    assert link.startswith(f"{base}/invitations/"), link
    assert page.url == f"{base}/portal/"
    assert all(cookie["secure"] for cookie in page.context.cookies())
    expect(page.get_by_role("heading", name="Hello, Remy Proxy-Canary")).to_be_visible()
    assert all(answered > 0 for answered in behind_nginx.answered.values()), behind_nginx.answered  # both served


def test_plain_http_is_sent_to_https_by_the_proxy_and_by_confide(behind_nginx: Proxied) -> None:
    at_proxy = _plain(behind_nginx.plain, "/accounts/login/")
    assert at_proxy.status == 301 and str(at_proxy.getheader("Location")).startswith("https://localhost")
    # Straight to waitress with no forwarded headers: plain HTTP, and Confide itself redirects it.
    direct = _plain(behind_nginx.upstream, "/accounts/login/")
    assert (
        direct.status == 301
        and direct.getheader("Location") == f"https://localhost:{behind_nginx.upstream}/accounts/login/"
    )
