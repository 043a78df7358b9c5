"""confide.audit.witnessing, exchange by exchange: what the practice sends a witness, and what it makes of
each answer a witness may give (C2SP tlog-witness: 200 with a cosignature, 409 with the size it holds, any
other refusal). A scripted witness on a loopback port answers in turn and keeps every request."""

from __future__ import annotations

import base64
import http.server
import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pytest_django.fixtures import Settings

from confide.audit import witnessing
from confide.audit.log import checkpoint_latest, consistency_proof
from confide.audit.models import Cosignature
from confide.audit.witnessing import checkpoint_witness
from confide.witness.cosign import Cosigner, cosign
from tests.audit.test_witnessing import _reads
from tests.cast import Cast

NAME = "witness.test/scripted"
KEY = Ed25519PrivateKey.generate()
SIZE_TYPE = "text/x.tlog.size"


@dataclass
class Scripted:
    """Answers each request with the next of ``answers``: (status, Content-Type, body), or "cosign" for
    a valid cosignature of the checkpoint sent. Keeps each request's body."""

    answers: list[tuple[int, str, str] | str]
    bodies: list[str] = field(default_factory=list)


@contextmanager
def _scripted(
    settings: Settings, *answers: tuple[int, str, str] | str, after: tuple[tuple[str, str], ...] = ()
) -> Iterator[Scripted]:
    """The scripted witness as the configured one, after the witnesses ``after`` (URL, verifier key)."""
    script = Scripted(list(answers))

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            script.bodies.append(body)
            answer = script.answers.pop(0)
            if answer == "cosign":
                signed = body.split("\n\n", 1)[1].partition("\n\n")[0] + "\n"
                status, kind, text = 200, "text/plain", cosign(signed, name=NAME, key=KEY, timestamp=int(time.time()))
            else:
                assert isinstance(answer, tuple)
                status, kind, text = answer
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.end_headers()
            self.wfile.write(text.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.CONFIDE_WITNESSES = [
        *after,
        (f"http://127.0.0.1:{server.server_address[1]}", Cosigner(NAME, KEY.public_key()).verifier_key()),
    ]
    try:
        yield script
    finally:
        server.shutdown()
        server.server_close()


def _proof(cast: Cast, old: int, size: int) -> list[str]:
    return [base64.b64encode(h).decode() for h in consistency_proof(cast.owner.practice_id, old, size)]


def _messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "confide.audit.witnessing"]


def _note(cast: Cast) -> str:
    latest = checkpoint_latest(practice_id=cast.owner.practice_id)
    assert latest is not None
    return latest.note


def test_a_witness_never_asked_before_is_asked_from_size_zero_with_no_proof(cast: Cast, settings: Settings) -> None:
    _reads(cast, 3)
    with _scripted(settings, "cosign") as witness:
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 1
    assert witness.bodies == ["old 0\n\n" + _note(cast)]


def test_a_witness_is_asked_from_the_largest_size_it_cosigned_with_a_proof_from_there(
    cast: Cast, settings: Settings
) -> None:
    first = _reads(cast, 2)
    with _scripted(settings, "cosign", "cosign") as witness:
        checkpoint_witness(practice_id=cast.owner.practice_id)
        size = _reads(cast, 2)
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 1
    proof = "\n".join(_proof(cast, first, size))
    assert proof and witness.bodies[1] == f"old {first}\n{proof}\n\n" + _note(cast)
    assert sorted(Cosignature.objects.values_list("size", flat=True)) == [first, size]


def test_a_cosignature_recorded_beyond_the_newest_checkpoint_asks_from_the_checkpoint_itself(
    cast: Cast, settings: Settings
) -> None:
    size = _reads(cast, 2)
    # As after a restore that lost checkpoints but kept a cosignature row: never claim more than we hold.
    Cosignature.objects.create(practice_id=cast.owner.practice_id, size=size + 7, witness=NAME, line="— x y")
    with _scripted(settings, "cosign") as witness:
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 1
    assert witness.bodies == [f"old {size}\n\n" + _note(cast)]


def test_a_409_with_a_smaller_size_asks_once_more_from_that_size(
    cast: Cast, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    size = _reads(cast, 4)
    with (
        _scripted(settings, (409, SIZE_TYPE, "1\n"), "cosign") as witness,
        caplog.at_level(logging.INFO, logger="confide.audit.witnessing"),
    ):
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 1
    proof = "\n".join(_proof(cast, 1, size))
    assert witness.bodies == ["old 0\n\n" + _note(cast), f"old 1\n{proof}\n\n" + _note(cast)]
    assert _messages(caplog) == [f"witness {NAME} holds size 1, not 0: asking again from there"]


def test_a_witness_that_forgot_the_log_is_asked_again_from_zero(
    cast: Cast, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    first = _reads(cast, 2)
    with _scripted(settings, "cosign", (409, SIZE_TYPE, "0"), "cosign") as witness:
        checkpoint_witness(practice_id=cast.owner.practice_id)
        _reads(cast, 2)
        with caplog.at_level(logging.INFO, logger="confide.audit.witnessing"):
            assert checkpoint_witness(practice_id=cast.owner.practice_id) == 1
    assert witness.bodies[1].startswith(f"old {first}\n") and witness.bodies[2] == "old 0\n\n" + _note(cast)
    assert _messages(caplog) == [f"witness {NAME} holds size 0, not {first}: asking again from there"]


def test_a_witness_asked_twice_is_not_asked_a_third_time(cast: Cast, settings: Settings) -> None:
    _reads(cast, 4)
    with _scripted(settings, (409, SIZE_TYPE, "1"), (409, SIZE_TYPE, "2"), "cosign") as witness:
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 0
    assert [body.split("\n", 1)[0] for body in witness.bodies] == ["old 0", "old 1"]
    assert not Cosignature.objects.exists()


@pytest.mark.parametrize("theirs", ["same", "larger"])
def test_a_409_with_the_size_asked_from_or_beyond_the_log_is_another_history(
    cast: Cast, settings: Settings, caplog: pytest.LogCaptureFixture, theirs: str
) -> None:
    size = _reads(cast, 3)
    held = 0 if theirs == "same" else size + 1  # the same size with another root, or a larger tree
    with (
        _scripted(settings, (409, SIZE_TYPE, f"{held}\n"), "cosign") as witness,
        caplog.at_level(logging.INFO, logger="confide.audit.witnessing"),
    ):
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 0
    assert len(witness.bodies) == 1 and not Cosignature.objects.exists()
    assert _messages(caplog) == [
        f"witness {NAME} has cosigned a different history of log size {held} (this log: {size}): a fork or a rollback"
    ]
    assert [record.levelname for record in caplog.records] == ["ERROR"]


def test_a_409_with_the_checkpoints_own_size_is_asked_again_from_it(cast: Cast, settings: Settings) -> None:
    size = _reads(cast, 3)
    with _scripted(settings, (409, SIZE_TYPE, str(size)), "cosign") as witness:
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 1
    assert witness.bodies[1] == f"old {size}\n\n" + _note(cast)  # equal sizes: no proof


@pytest.mark.parametrize(
    ("status", "kind", "body"),
    [
        (409, "text/plain", "1\n"),  # a size, but not said to be one
        (409, SIZE_TYPE, "01"),  # not a size as the spec writes it
        (403, "text/plain", "unknown log\n"),
    ],
)
def test_any_other_refusal_is_a_warning_with_what_the_witness_said(
    cast: Cast, settings: Settings, caplog: pytest.LogCaptureFixture, status: int, kind: str, body: str
) -> None:
    size = _reads(cast, 3)
    with (
        _scripted(settings, (status, kind, body), "cosign") as witness,
        caplog.at_level(logging.INFO, logger="confide.audit.witnessing"),
    ):
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 0
    assert len(witness.bodies) == 1
    assert _messages(caplog) == [f"witness {NAME} refused checkpoint {size}: {status} {body}"]
    assert [record.levelname for record in caplog.records] == ["WARNING"]


def test_a_refusal_is_logged_with_no_more_than_200_characters_of_it(
    cast: Cast, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    size = _reads(cast)
    with _scripted(settings, (500, "text/plain", "e" * 300)), caplog.at_level(logging.WARNING):
        checkpoint_witness(practice_id=cast.owner.practice_id)
    assert _messages(caplog) == [f"witness {NAME} refused checkpoint {size}: 500 {'e' * 200}"]


def test_an_answer_with_no_valid_cosignature_is_an_error_naming_the_witness(
    cast: Cast, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    size = _reads(cast)
    with _scripted(settings, (200, "text/plain", "— witness.test/scripted AAAA\n")), caplog.at_level(logging.INFO):
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 0
    assert _messages(caplog) == [f"witness {NAME} answered checkpoint {size} with no valid cosignature"]
    assert [record.levelname for record in caplog.records if record.name.startswith("confide")] == ["ERROR"]


def test_a_failure_while_asking_is_logged_with_its_traceback(
    cast: Cast, settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    size = _reads(cast)

    def broken(*args: object) -> None:
        raise RuntimeError("a bug met while asking")

    monkeypatch.setattr(witnessing, "_ask", broken)
    with _scripted(settings), caplog.at_level(logging.INFO, logger="confide.audit.witnessing"):
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 0
    (record,) = caplog.records
    assert record.getMessage() == f"witness {NAME}: asking it to cosign checkpoint {size} failed"
    assert record.levelname == "ERROR" and record.exc_info is not None


def test_a_witness_already_cosigning_this_checkpoint_is_not_asked_again(cast: Cast, settings: Settings) -> None:
    _reads(cast)
    with _scripted(settings, "cosign") as witness:
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 1
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 0
    assert len(witness.bodies) == 1


def test_a_practice_with_no_checkpoint_yet_asks_no_witness(db: None, settings: Settings) -> None:
    with _scripted(settings) as witness:
        assert checkpoint_witness(practice_id=uuid.uuid4()) == 0
    assert witness.bodies == []


def test_a_witness_that_already_cosigned_does_not_keep_the_next_from_being_asked(
    cast: Cast, settings: Settings
) -> None:
    size = _reads(cast)
    first = Cosigner("witness.test/first", Ed25519PrivateKey.generate().public_key())
    Cosignature.objects.create(practice_id=cast.owner.practice_id, size=size, witness=first.name, line="— x y")
    with _scripted(settings, "cosign", after=(("http://127.0.0.1:9", first.verifier_key()),)) as witness:
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 1
    assert len(witness.bodies) == 1


@pytest.mark.parametrize("kept", ["another witness", "another size", "another practice"])
def test_only_this_witness_cosigning_this_checkpoint_of_this_practice_means_already_cosigned(
    cast: Cast, settings: Settings, kept: str
) -> None:
    size = _reads(cast, 2)
    practice, witness_name = cast.owner.practice_id, NAME
    if kept == "another witness":
        witness_name = "witness.test/other"
    elif kept == "another size":
        size -= 1
    else:
        practice = cast.outsider.practice_id
    Cosignature.objects.create(practice_id=practice, size=size, witness=witness_name, line="— x y")
    with _scripted(settings, "cosign") as witness:
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 1
    assert len(witness.bodies) == 1


def test_an_abandoned_exchange_is_left_to_a_daemon_thread_that_cannot_hold_up_exit(
    cast: Cast, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reads(cast)
    release = threading.Event()
    seen: list[threading.Thread] = []

    def stuck(url: str, data: bytes) -> witnessing.Answer:
        seen.append(threading.current_thread())
        release.wait(10)
        raise OSError("released")

    monkeypatch.setattr(witnessing, "_exchange", stuck)
    monkeypatch.setattr(witnessing, "DEADLINE", 0.3)
    with _scripted(settings):
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 0
    release.set()
    (thread,) = seen
    assert thread.daemon and thread.name == "witness"
