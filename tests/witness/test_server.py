"""``confide-witness`` as it runs on its own machine: the command line and the HTTP interface."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from pathlib import Path

from confide.witness.cosign import cosigned_at, parse_cosigner
from tests.witness.logs import Log
from tests.witness.server import witness_command, witness_serving


def _post(url: str, data: bytes, path: str = "/add-checkpoint") -> tuple[int, str, str]:
    request = urllib.request.Request(url + path, data=data, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode(), response.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers["Content-Type"]


def test_the_served_witness_cosigns_a_log_it_trusts_and_keeps_what_it_cosigned(tmp_path: Path) -> None:
    log = Log().grow(3)
    with witness_serving(tmp_path / "w", trusted=[log.vkey]) as witness:
        status, body, _ = _post(witness.url, log.request(0))
        assert status == 200
        assert cosigned_at(log.checkpoint().partition("\n\n")[0] + "\n", body, parse_cosigner(witness.vkey))
        assert _post(witness.url, log.grow(2).request(0))[:3] == (409, "3\n", "text/x.tlog.size")
    shown = witness_command("show", tmp_path / "w").stdout
    assert f"{log.origin}: cosigned up to size 3" in shown


def test_the_witness_answers_only_its_two_addresses(tmp_path: Path) -> None:
    with witness_serving(tmp_path / "w", trusted=[]) as witness:
        assert _post(witness.url, b"x", path="/elsewhere")[0] == 404
        with urllib.request.urlopen(witness.url + "/", timeout=5) as response:  # noqa: S310
            assert response.read().decode().strip() == witness.vkey
        try:
            urllib.request.urlopen(witness.url + "/add-checkpoint", timeout=5)  # noqa: S310
        except urllib.error.HTTPError as error:
            assert error.code == 405
        else:
            raise AssertionError("a GET of add-checkpoint was answered")
        assert _post(witness.url, b"x" * 20_000)[0] == 413
        # A body announced at 50 MB is refused on its headers, before a byte of it is stored.
        host, port = witness.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as raw:
            raw.sendall(b"POST /add-checkpoint HTTP/1.1\r\nHost: w\r\nContent-Length: 50000000\r\n\r\nold 0\n")
            assert raw.recv(100).startswith(b"HTTP/1.1 413")


def test_init_refuses_to_replace_a_key_and_trust_refuses_what_is_not_a_log_key(tmp_path: Path) -> None:
    assert witness_command("init", tmp_path, "--name", "w.test/1").returncode == 0
    key = (tmp_path / "witness.key").read_bytes()
    again = witness_command("init", tmp_path, "--name", "w.test/1")
    assert again.returncode != 0 and "already holds a witness key" in again.stderr
    assert (tmp_path / "witness.key").read_bytes() == key
    assert (tmp_path / "witness.key").stat().st_mode & 0o077 == 0  # the key is the witness's user's alone
    refused = witness_command("trust", tmp_path, "not-a-key")
    assert refused.returncode != 0 and "not a log's verifier key" in refused.stderr
    assert not (tmp_path / "logs").exists()


def test_forget_names_a_log_it_does_not_hold(tmp_path: Path) -> None:
    assert witness_command("init", tmp_path, "--name", "w.test/1").returncode == 0
    result = witness_command("forget", tmp_path, "nobody.test/x/audit", "--why", "restored")
    assert result.returncode != 0 and "holds nothing for nobody.test/x/audit" in result.stderr
