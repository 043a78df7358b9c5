"""confide.audit.witnessing against a witness that misbehaves: odd sizes, a trickled answer, a redirect to
an internal address, a race with a second job. Each costs that witness its turn, never the job."""

from __future__ import annotations

import http.server
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pytest_django.fixtures import Settings

from confide.audit import witnessing
from confide.audit.log import verifier_key
from confide.audit.models import Checkpoint, Cosignature
from confide.audit.witnessing import checkpoint_witness
from confide.witness.cosign import Cosigner, cosign
from tests.audit.test_witnessing import _reads
from tests.cast import Cast
from tests.witness.server import witness_serving


def _key(name: str) -> str:
    """A witness key nobody will cosign with: these witnesses never give a valid cosignature."""
    return Cosigner(name, Ed25519PrivateKey.generate().public_key()).verifier_key()


Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


@contextmanager
def _fake(answer: Handler) -> Iterator[tuple[str, list[str]]]:
    """A server on a loopback port that answers every POST with ``answer``; yields its URL and the paths
    it was asked for."""
    asked: list[str] = []

    class Fake(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            asked.append(self.path)
            self.server.last_body = self.rfile.read(int(self.headers["Content-Length"] or 0))  # type: ignore[attr-defined]
            answer(self)

        do_GET = do_POST  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Fake)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


def _odd_size(handler: http.server.BaseHTTPRequestHandler) -> None:
    handler.send_response(409)
    handler.send_header("Content-Type", "text/x.tlog.size")
    handler.end_headers()
    handler.wfile.write("\u00b2\n".encode())  # a digit to str.isdigit, not to int()


def _trickle(handler: http.server.BaseHTTPRequestHandler) -> None:
    handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
    for n in range(40):  # each header line within the socket's timeout, the whole far beyond the deadline
        handler.wfile.write(f"X-Slow-{n}: 1\r\n".encode())
        handler.wfile.flush()
        time.sleep(0.2)


def test_an_odd_size_costs_that_witness_its_turn_and_the_next_is_still_asked(
    cast: Cast, settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    size = _reads(cast)
    with (
        _fake(_odd_size) as (odd, _),
        witness_serving(tmp_path / "w", trusted=[verifier_key(cast.owner.practice)]) as real,
    ):
        settings.CONFIDE_WITNESSES = [(odd, _key("witness.test/odd")), (real.url, real.vkey)]
        with caplog.at_level(logging.WARNING, logger="confide.audit.witnessing"):
            assert checkpoint_witness(practice_id=cast.owner.practice_id) == 1
    assert list(Cosignature.objects.values_list("witness", "size")) == [("witness.test/w1", size)]
    assert "witness.test/odd refused checkpoint" in caplog.text


def test_a_trickled_answer_is_abandoned_at_the_deadline(
    cast: Cast, settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _reads(cast)
    monkeypatch.setattr(witnessing, "TIMEOUT", 1)
    monkeypatch.setattr(witnessing, "DEADLINE", 1.5)
    with _fake(_trickle) as (slow, _):
        settings.CONFIDE_WITNESSES = [(slow, _key("w.test/slow"))]
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="confide.audit.witnessing"):
            assert checkpoint_witness(practice_id=cast.owner.practice_id) == 0
        assert time.monotonic() - started < 4  # the trickle alone lasts 8 s
        assert [r.getMessage() for r in caplog.records] == [f"witness {slow} did not answer within 1.5 s"]


def test_an_abandoned_exchange_ends_at_the_socket_timeout_not_when_the_witness_lets_go(
    cast: Cast, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reads(cast)
    monkeypatch.setattr(witnessing, "TIMEOUT", 0.5)
    monkeypatch.setattr(witnessing, "DEADLINE", 0.2)
    let_go = threading.Event()
    threads: list[threading.Thread] = []
    exchange = witnessing._exchange

    def recorded(url: str, data: bytes) -> witnessing.Answer:
        threads.append(threading.current_thread())
        return exchange(url, data)

    def hang(handler: http.server.BaseHTTPRequestHandler) -> None:  # reads the request, never answers
        let_go.wait(20)

    monkeypatch.setattr(witnessing, "_exchange", recorded)
    with _fake(hang) as (hanging, _):
        settings.CONFIDE_WITNESSES = [(hanging, _key("w.test/hanging"))]
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 0
        (thread,) = threads
        thread.join(5)  # a thread per abandoned exchange would pile up, one per periodic job, for ever
        alive = thread.is_alive()
        let_go.set()
    assert not alive


def test_a_redirect_is_not_followed(cast: Cast, settings: Settings) -> None:
    _reads(cast)

    def ok(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()

    with _fake(ok) as (internal, asked_inside):

        def redirect(handler: http.server.BaseHTTPRequestHandler) -> None:
            handler.send_response(302)
            handler.send_header("Location", f"{internal}/admin/secret?x=1")
            handler.end_headers()

        with _fake(redirect) as (witness, asked):
            settings.CONFIDE_WITNESSES = [(witness, _key("w.test/redirect"))]
            assert checkpoint_witness(practice_id=cast.owner.practice_id) == 0
    assert asked == ["/add-checkpoint"] and asked_inside == []


def test_a_second_job_keeping_the_same_cosignature_first_is_not_an_error(
    cast: Cast, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reads(cast)
    with witness_serving(tmp_path / "w", trusted=[verifier_key(cast.owner.practice)]) as real:
        settings.CONFIDE_WITNESSES = [(real.url, real.vkey)]
        ask = witnessing._ask

        def racing(practice_id: uuid.UUID, checkpoint: Checkpoint, url: str, cosigner: Cosigner) -> str | None:
            line = ask(practice_id, checkpoint, url, cosigner)
            Cosignature.objects.create(
                practice_id=practice_id, size=checkpoint.size, witness=cosigner.name, line=str(line)
            )
            return line

        monkeypatch.setattr(witnessing, "_ask", racing)
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 0
    assert Cosignature.objects.count() == 1


def test_a_failure_while_asking_one_witness_is_logged_and_the_next_is_still_asked(
    cast: Cast, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    size = _reads(cast)
    with witness_serving(tmp_path / "w", trusted=[verifier_key(cast.owner.practice)]) as real:
        settings.CONFIDE_WITNESSES = [("http://127.0.0.1:9", _key("witness.test/broken")), (real.url, real.vkey)]
        ask = witnessing._ask

        def failing(practice_id: uuid.UUID, checkpoint: Checkpoint, url: str, cosigner: Cosigner) -> str | None:
            if cosigner.name == "witness.test/broken":
                raise RuntimeError("a bug met while asking")
            return ask(practice_id, checkpoint, url, cosigner)

        monkeypatch.setattr(witnessing, "_ask", failing)
        with caplog.at_level(logging.ERROR, logger="confide.audit.witnessing"):
            assert checkpoint_witness(practice_id=cast.owner.practice_id) == 1
    assert "witness.test/broken: asking it to cosign checkpoint" in caplog.text
    assert list(Cosignature.objects.values_list("witness", "size")) == [("witness.test/w1", size)]


def _cosigning(key: Ed25519PrivateKey, *, before: bytes | int = b"", after: bytes = b"") -> Handler:
    """A witness that cosigns whatever it is sent (as witness.test/fake), with bytes around its line; an
    int ``before`` pads the answer so that the line (with no newline after it) ends at that byte."""

    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        body = handler.server.last_body.decode().split("\n\n", 1)[1].partition("\n\n")[0] + "\n"  # type: ignore[attr-defined]
        line = cosign(body, name="witness.test/fake", key=key, timestamp=int(time.time())).encode()
        if isinstance(before, int):
            line = line.rstrip(b"\n")
            padding = b"x" * (before - len(line) - 1) + b"\n"
        else:
            padding = before
        handler.send_response(200)
        handler.end_headers()
        handler.wfile.write(padding + line + after)

    return answer


@pytest.mark.parametrize(
    ("before", "after", "kept"),
    [
        (b"", b"\xff\xfe not UTF-8\n", 1),  # bytes that are not UTF-8 around the line do not lose it
        (b"x" * 5000 + b"\n", b"", 0),  # a line beyond the first 4 KiB is never read
        (4096, b"", 1),  # a line ending at the 4,096th byte is read whole
        (4097, b"", 0),  # one byte further, it is cut and no longer verifies
    ],
)
def test_an_answer_is_read_leniently_and_only_so_far(
    cast: Cast, settings: Settings, before: bytes | int, after: bytes, kept: int
) -> None:
    _reads(cast)
    key = Ed25519PrivateKey.generate()
    with _fake(_cosigning(key, before=before, after=after)) as (url, _):
        settings.CONFIDE_WITNESSES = [(url, Cosigner("witness.test/fake", key.public_key()).verifier_key())]
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == kept
