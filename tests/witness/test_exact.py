"""Exactly what the witness answers and accepts: every refusal's status, words and type; the limits at their
edges; base64 that only a lenient decoder would take; and what is kept of a note's signature lines."""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from pathlib import Path

import pytest

from confide.audit import merkle
from confide.witness.cosign import Cosigner, cosign, cosigned_at, parse_cosigner
from confide.witness.witness import Malformed, parse
from tests.witness.logs import WITNESS_KEY, Log, witness_of

KEY = WITNESS_KEY
ROOT = "A" * 43 + "="
TEXT = "text/plain; charset=utf-8"


def test_every_refusal_says_exactly_why(tmp_path: Path) -> None:
    log, stranger, impostor = Log().grow(3), Log(origin="elsewhere.test/x/audit").grow(1), Log().grow(1)
    witness = witness_of(tmp_path, log)
    cases = [
        (stranger.request(0), 404, "this witness does not know that log\n", TEXT),
        (impostor.request(0), 403, "no signature by a key this witness trusts for that log\n", TEXT),
        (log.request(4, proof=[]), 400, "the old size is larger than the checkpoint's\n", TEXT),
        (log.request(0, proof=[bytes(32)]), 400, "a proof from size 0 must be empty\n", TEXT),
        (log.request(3, proof=[bytes(32)]), 400, "a proof between equal sizes must be empty\n", TEXT),
    ]
    for request, status, body, kind in cases:
        reply = witness.add_checkpoint(request)
        assert (reply.status, reply.body, reply.content_type) == (status, body, kind)
    assert witness.add_checkpoint(log.request(0)).status == 200
    log.grow(2)
    reply = witness.add_checkpoint(log.request(3, proof=[bytes(32)] * 3))
    assert (reply.status, reply.body, reply.content_type) == (422, "the consistency proof does not verify\n", TEXT)
    fork = Log(key=log.key, salt=b"fork").grow(3)
    reply = witness.add_checkpoint(fork.request(3, proof=[]))
    assert (reply.status, reply.body, reply.content_type) == (409, "3\n", "text/x.tlog.size")


@pytest.mark.parametrize(
    ("request_body", "message"),
    [
        (b"\xff", "the request is not UTF-8"),
        (b"old 0\n", "the request needs a blank line before the checkpoint"),
        (b"old x\n\nx\n1\n" + ROOT.encode() + b"\n\n\xe2\x80\x94 x y\n", "the first line must be 'old <size>'"),
        (
            b"old 0\n" + (ROOT.encode() + b"\n") * 64 + b"\nx\n1\n" + ROOT.encode() + b"\n\n\xe2\x80\x94 x y\n",
            "a consistency proof has at most 63 hashes",
        ),
        (b"old 0\n\nx\n1\n" + ROOT.encode() + b"\n", "the checkpoint is not a signed note of origin, size and root"),
        (
            b"old 0\n\nx\n1\n\n\xe2\x80\x94 x y\n",
            "the checkpoint is not a signed note of origin, size and root",
        ),  # two lines
        (
            b"old 0\n\nx\n1\n" + ROOT.encode() + b"\n\n\xe2\x80\x94 x y\n\n\xe2\x80\x94 x z\n",
            "a signed note has one blank line, before its signatures",
        ),
        (
            b"old 0\n!" + ROOT.encode() + b"\n\nx\n1\n" + ROOT.encode() + b"\n\n\xe2\x80\x94 x y\n",
            "a proof line is not base64",
        ),
        (b"old 0\n\nx\n1\nAAAA\n\n\xe2\x80\x94 x y\n", "a proof line is not a SHA-256 hash"),
        (
            b"old 0\n\nx\n18446744073709551616\n" + ROOT.encode() + b"\n\n\xe2\x80\x94 x y\n",
            "a tree size is a 64-bit number",
        ),
    ],
)
def test_each_malformed_request_is_named_exactly(request_body: bytes, message: str) -> None:
    with pytest.raises(Malformed) as caught:
        parse(request_body)
    assert str(caught.value) == message


def test_the_limits_hold_at_their_edges() -> None:
    note = b"x\n18446744073709551615\n" + ROOT.encode() + b"\n\n\xe2\x80\x94 x y\n"  # 2**64 - 1: a u64
    assert parse(b"old 0\n" + (ROOT.encode() + b"\n") * 63 + b"\n" + note).size == 2**64 - 1
    assert len(parse(b"old 0\n" + (ROOT.encode() + b"\n") * 63 + b"\n" + note).proof) == 63


def test_an_origin_with_spaces_is_read_whole_and_cannot_be_a_signers_name(tmp_path: Path) -> None:
    log = Log(origin="practice with spaces/audit").grow(2)  # a signed note's key name has no spaces
    reply = witness_of(tmp_path, log).add_checkpoint(log.request(0))
    assert (reply.status, reply.body) == (403, "no signature by a key this witness trusts for that log\n")


def test_a_witness_can_start_in_a_folder_not_yet_made(tmp_path: Path) -> None:
    log = Log().grow(1)
    assert witness_of(tmp_path / "new" / "witness", log).add_checkpoint(log.request(0)).status == 200


def test_a_tree_held_at_size_one_still_needs_a_proof(tmp_path: Path) -> None:
    log = Log().grow(1)
    witness = witness_of(tmp_path, log)
    assert witness.add_checkpoint(log.request(0)).status == 200
    rewritten = Log(key=log.key, salt=b"rewritten").grow(3)
    assert witness.add_checkpoint(rewritten.request(1, proof=[bytes(32)])).status == 422
    assert witness.latest(log.origin)[1] == merkle.root(log.leaves)


def test_only_one_clean_copy_of_the_logs_own_signature_is_kept(tmp_path: Path) -> None:
    log = Log().grow(2)
    witness = witness_of(tmp_path, log)
    body, _, real = log.checkpoint().partition("\n\n")
    dash, name, blob = real.rstrip("\n").split(" ")
    before = [
        f"{dash} someone.else {blob}",  # the key hash under another name: not the log's line
        f"{dash} {name} AAAAAAAA",  # the log's name, another key hash
    ]
    after = [real.rstrip("\n")]  # the same line twice
    note = f"{body}\n\n" + "".join(f"{line}\n" for line in [*before, real.rstrip("\n"), *after])
    assert witness.add_checkpoint(log.request(0, checkpoint=note)).status == 200
    assert witness.latest(log.origin)[2] == log.checkpoint()


def test_a_state_file_of_another_log_is_never_used(tmp_path: Path) -> None:
    log, other = Log().grow(2), Log(origin="elsewhere.test/y/audit").grow(5)
    witness = witness_of(tmp_path, log, other)
    assert witness.add_checkpoint(other.request(0)).status == 200
    mine = tmp_path / "state" / hashlib.sha256(log.origin.encode()).hexdigest()
    (tmp_path / "state" / hashlib.sha256(other.origin.encode()).hexdigest()).rename(mine)  # moved by hand
    with pytest.raises(RuntimeError, match="holds the state of 'elsewhere.test/y/audit'"):
        witness.latest(log.origin)
    assert json.loads(mine.read_text())["size"] == 5


BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
COSIGNER = Cosigner("witness.test/w1", KEY.public_key())


def _line(time_packed: int, time_signed: int, key_id: bytes | None = None) -> str:
    message = f"cosignature/v1\ntime {time_signed}\n{BODY}".encode()
    blob = (key_id or COSIGNER.key_id) + struct.pack(">Q", time_packed) + KEY.sign(message)
    return f"\u2014 witness.test/w1 {base64.b64encode(blob).decode()}"


def test_a_cosignature_time_must_be_under_two_to_the_63() -> None:
    assert cosigned_at(BODY, _line(2**63 - 1, 2**63 - 1), COSIGNER) == 2**63 - 1
    assert cosigned_at(BODY, _line(2**63, 2**63), COSIGNER) is None
    assert cosigned_at(BODY, _line(2**63 + 5, 5 - 2**63), COSIGNER) is None  # never read as a signed number
    assert cosign(BODY, name="w", key=KEY, timestamp=0)  # 0 is a time


def test_a_line_must_be_exactly_as_the_spec_writes_it() -> None:
    line = cosign(BODY, name="witness.test/w1", key=KEY, timestamp=7).rstrip("\n")
    assert cosigned_at(BODY, line, COSIGNER) == 7
    dash, name, blob = line.split(" ")
    for variant in (f"{dash}  {name} {blob}", f"{line} ", f"{line}X", f"{dash} {name} {blob[:8]}!{blob[8:]}"):
        assert cosigned_at(BODY, variant, COSIGNER) is None, variant
    assert cosigned_at(BODY, _line(7, 7, key_id=b"\x00\x00\x00\x00"), COSIGNER) is None  # the id must match too


@pytest.mark.parametrize(
    ("vkey", "message"),
    [
        ("+00000000+AAAA", "a witness key is <name>+<key id>+<base64 key>"),
        ("w+00+A!AAA", "a witness key is <name>+<key id>+<base64 key>"),
        (
            "w++" + base64.b64encode(b"\x04" + bytes(32)).decode(),
            "the witness key's id does not match its name and key",
        ),
        ("w+00+" + base64.b64encode(b"\x01" + bytes(32)).decode(), "not an Ed25519 cosignature key (type 0x04)"),
    ],
)
def test_each_malformed_witness_key_is_named_exactly(vkey: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_cosigner(vkey)
    assert str(caught.value) == message


def test_a_key_with_a_stray_character_is_refused() -> None:
    good = COSIGNER.verifier_key()
    name, key_id, raw = good.split("+", 2)
    with pytest.raises(ValueError, match="<name>"):
        parse_cosigner(f"{name}+{key_id}+!{raw}")
    assert parse_cosigner(good).key_id == COSIGNER.key_id


def test_a_time_outside_the_spec_is_refused_exactly() -> None:
    with pytest.raises(ValueError) as caught:
        cosign(BODY, name="w", key=KEY, timestamp=-1)
    assert str(caught.value) == "a cosignature's time is a POSIX timestamp"
