"""The witness's decision (C2SP tlog-witness add-checkpoint): it cosigns only a checkpoint the log signed
that extends the last one it cosigned, keeps a refused fork as evidence, and never rolls back."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from confide.audit import merkle
from confide.witness.cosign import Cosigner, cosigned_at
from tests.witness.logs import WITNESS, WITNESS_KEY, Log, witness_of

NAME = WITNESS


KEY = WITNESS_KEY
ROOT = b"A" * 43 + b"="  # 32 zero bytes


def _body(log: Log) -> str:
    return log.checkpoint().partition("\n\n")[0] + "\n"


def test_a_first_checkpoint_and_each_extension_of_it_are_cosigned(tmp_path: Path) -> None:
    log = Log().grow(5)
    witness = witness_of(tmp_path, log)
    reply = witness.add_checkpoint(log.request(0))
    assert reply.status == 200
    assert cosigned_at(_body(log), reply.body, Cosigner(NAME, KEY.public_key())) == 1_700_000_000
    log.grow(7)
    reply = witness.add_checkpoint(log.request(5))
    assert reply.status == 200, reply.body
    assert cosigned_at(_body(log), reply.body, Cosigner(NAME, KEY.public_key())) is not None
    assert witness.latest(log.origin)[:2] == (12, merkle.root(log.leaves))


def test_a_stale_old_size_is_answered_with_the_size_the_witness_holds(tmp_path: Path) -> None:
    log = Log().grow(4)
    witness = witness_of(tmp_path, log)
    assert witness.add_checkpoint(log.request(0)).status == 200
    log.grow(2)
    reply = witness.add_checkpoint(log.request(0))  # a log that forgot what it was cosigned at
    assert (reply.status, reply.body, reply.content_type) == (409, "4\n", "text/x.tlog.size")
    assert witness.latest(log.origin)[0] == 4


def test_a_fork_of_the_same_size_is_refused_and_kept_once_as_evidence_whatever_old_size_it_gives(
    tmp_path: Path,
) -> None:
    log = Log().grow(6)
    fork = Log(key=log.key, salt=b"other").grow(6)  # the same signer, another history
    witness = witness_of(tmp_path, log)
    assert witness.add_checkpoint(log.request(0)).status == 200
    noise = fork.checkpoint() + "\u2014 someone.else AAAA\n" * 50  # lines anyone can add are not kept
    for old in (6, 0, 6):
        reply = witness.add_checkpoint(fork.request(old, proof=[], checkpoint=noise))
        assert (reply.status, reply.body) == (409, "6\n")
    (evidence,) = (tmp_path / "evidence").iterdir()
    text = evidence.read_text()
    assert "different roots" in text and "someone.else" not in text
    assert log.checkpoint().split("\n")[2] in text and fork.checkpoint().split("\n")[2] in text
    assert witness.latest(log.origin)[1] == merkle.root(log.leaves)


def test_a_rewritten_history_without_a_valid_proof_is_refused_and_nothing_is_kept_for_it(tmp_path: Path) -> None:
    log = Log().grow(3)
    rewritten = Log(key=log.key, salt=b"rewritten").grow(9)
    witness = witness_of(tmp_path, log)
    assert witness.add_checkpoint(log.request(0)).status == 200
    assert witness.add_checkpoint(rewritten.request(3)).status == 422  # its own proof, not from our root
    assert witness.latest(log.origin)[0] == 3
    assert witness.add_checkpoint(log.grow(1).request(3, proof=[bytes(32)])).status == 422  # a proof of junk
    assert not list((tmp_path / "evidence").iterdir())  # a bad proof contradicts nothing: no file to flood


def test_only_the_logs_own_signature_line_is_kept(tmp_path: Path) -> None:
    log = Log().grow(2)
    witness = witness_of(tmp_path, log)
    padded = log.checkpoint() + "\u2014 someone.else AAAA\n" * 100
    assert witness.add_checkpoint(log.request(0, checkpoint=padded)).status == 200
    assert witness.latest(log.origin)[2] == log.checkpoint()


def test_a_log_cosigned_at_size_zero_can_still_grow(tmp_path: Path) -> None:
    log = Log()
    witness = witness_of(tmp_path, log)
    assert witness.add_checkpoint(log.request(0)).status == 200
    assert witness.add_checkpoint(log.grow(3).request(0)).status == 200
    assert witness.latest(log.origin)[0] == 3


def test_only_a_known_origin_signed_by_a_trusted_key_is_considered(tmp_path: Path) -> None:
    log, stranger = Log().grow(2), Log(origin="elsewhere.test/x/audit").grow(2)
    impostor = Log(origin=log.origin).grow(2)  # the same origin, another key
    witness = witness_of(tmp_path, log)
    assert witness.add_checkpoint(stranger.request(0)).status == 404
    assert witness.add_checkpoint(impostor.request(0)).status == 403
    assert witness.latest(log.origin)[0] == 0


@pytest.mark.parametrize(
    ("request_body", "reason"),
    [
        (b"\xff\xfe", "not UTF-8"),
        (b"old 0\n", "blank line"),
        (b"old 01\n\nx\n1\nAAAA\n\n\xe2\x80\x94 x y\n", "'old <size>'"),
        (b"old 0\nnot-base64!\n\nx\n1\n" + ROOT + b"\n\n\xe2\x80\x94 x y\n", "not base64"),
        (b"old 0\nAAAA\n\nx\n1\n" + ROOT + b"\n\n\xe2\x80\x94 x y\n", "not a SHA-256 hash"),
        (b"old 0\n\nx\n1\nAAAA\n\n\xe2\x80\x94 x y\n", "not a SHA-256 hash"),
        (b"old 0\n\nx\nnine\nAAAA\n\n\xe2\x80\x94 x y\n", "signed note"),
        (b"old 0\n" + b"A" * 43 + b"=\n" * 64 + b"\nx\n1\nAAAA\n\n", "at most 63"),
        (b"old " + b"9" * 5000 + b"\n\nx\n1\n" + ROOT + b"\n\n\xe2\x80\x94 x y\n", "'old <size>'"),
        (b"old 0\n\nx\n" + b"9" * 20 + b"\n" + ROOT + b"\n\n\xe2\x80\x94 x y\n", "64-bit"),
    ],
)
def test_a_malformed_request_is_a_400_with_its_reason(tmp_path: Path, request_body: bytes, reason: str) -> None:
    reply = witness_of(tmp_path, Log()).add_checkpoint(request_body)
    assert reply.status == 400
    assert reason in reply.body


def test_an_old_size_beyond_the_checkpoint_or_a_proof_from_nothing_is_a_400(tmp_path: Path) -> None:
    log = Log().grow(3)
    witness = witness_of(tmp_path, log)
    assert "larger" in witness.add_checkpoint(log.request(4, proof=[])).body
    assert "must be empty" in witness.add_checkpoint(log.request(0, proof=[bytes(32)])).body
    assert witness.latest(log.origin)[0] == 0


def test_the_same_checkpoint_again_is_cosigned_again(tmp_path: Path) -> None:
    log = Log().grow(3)
    witness = witness_of(tmp_path, log)
    assert witness.add_checkpoint(log.request(0)).status == 200
    assert witness.add_checkpoint(log.request(3)).status == 200


def test_two_requests_racing_from_one_size_cannot_roll_the_witness_back(tmp_path: Path) -> None:
    log = Log().grow(2)
    witness = witness_of(tmp_path, log)
    assert witness.add_checkpoint(log.request(0)).status == 200
    small, large = log.grow(1).request(2), log.grow(5).request(2)
    statuses: list[int] = []
    threads = [
        threading.Thread(target=lambda r=r: statuses.append(witness.add_checkpoint(r).status)) for r in (large, small)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409]  # whichever came second found the witness moved on
    assert witness.latest(log.origin)[0] in (3, 8)
    assert witness.add_checkpoint(log.request(witness.latest(log.origin)[0])).status == 200
    assert witness.latest(log.origin)[0] == 8


def test_what_the_witness_holds_survives_a_restart(tmp_path: Path) -> None:
    log = Log().grow(4)
    assert witness_of(tmp_path, log).add_checkpoint(log.request(0)).status == 200
    again = witness_of(tmp_path, log)
    assert again.latest(log.origin)[0] == 4
    assert again.add_checkpoint(log.grow(1).request(0)).status == 409


def test_forgetting_a_log_after_a_restore_keeps_what_was_cosigned_as_evidence(tmp_path: Path) -> None:
    log = Log().grow(9)
    witness = witness_of(tmp_path, log)
    assert witness.add_checkpoint(log.request(0)).status == 200
    restored = Log(key=log.key).grow(4)  # the practice's database, restored from an older backup
    assert witness.add_checkpoint(restored.request(4)).status == 409
    assert witness.forget(log.origin, why="restored the backup of 1 December") is True
    (kept,) = (tmp_path / "evidence").iterdir()
    assert (
        "restored the backup of 1 December" in kept.read_text() and log.checkpoint().split("\n")[2] in kept.read_text()
    )
    assert witness.add_checkpoint(restored.request(0)).status == 200
    assert witness.forget("unknown.test/x/audit", why="-") is False
