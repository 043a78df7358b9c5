"""Signed-note checkpoints: deterministic vector, rejection of any change, and '+' in keys."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from confide.audit import merkle, note

KEY = Ed25519PrivateKey.from_private_bytes(bytes(32))  # the research's test key: a seed of zeros
ORIGIN = "confide.example/practice-123/audit"
CT_ROOT = merkle.root(
    [
        merkle.leaf_hash(bytes.fromhex(x))
        for x in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
    ]
)


def test_a_checkpoint_round_trips() -> None:
    text = note.sign(note.Checkpoint(ORIGIN, 8, CT_ROOT), name=ORIGIN, key=KEY)
    checkpoint = note.open_note(text, verifier=note.verifier_key(ORIGIN, KEY.public_key()))
    assert (checkpoint.origin, checkpoint.size, checkpoint.root) == (ORIGIN, 8, CT_ROOT)
    assert text.splitlines()[:3] == [ORIGIN, "8", "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg="]


def test_signing_is_deterministic() -> None:
    first = note.sign(note.Checkpoint(ORIGIN, 8, CT_ROOT), name=ORIGIN, key=KEY)
    assert first == note.sign(note.Checkpoint(ORIGIN, 8, CT_ROOT), name=ORIGIN, key=KEY)


def test_a_changed_size_is_rejected() -> None:
    text = note.sign(note.Checkpoint(ORIGIN, 8, CT_ROOT), name=ORIGIN, key=KEY).replace("\n8\n", "\n9\n", 1)
    with pytest.raises(ValueError, match="does not verify"):
        note.open_note(text, verifier=note.verifier_key(ORIGIN, KEY.public_key()))


def test_another_key_is_rejected() -> None:
    text = note.sign(note.Checkpoint(ORIGIN, 8, CT_ROOT), name=ORIGIN, key=KEY)
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(ValueError, match="no signature by this key"):
        note.open_note(text, verifier=note.verifier_key(ORIGIN, other))


def test_verifier_keys_whose_base64_holds_a_plus_parse() -> None:
    for _ in range(50):
        key = Ed25519PrivateKey.generate()
        vkey = note.verifier_key(ORIGIN, key.public_key())
        text = note.sign(note.Checkpoint(ORIGIN, 1, CT_ROOT), name=ORIGIN, key=key)
        assert note.open_note(text, verifier=vkey).size == 1
