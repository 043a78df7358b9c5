"""C2SP tlog-cosignature v1 (Ed25519, type 0x04): the key id, the signed message, and what a line must be
for a client to count it."""

from __future__ import annotations

import base64
import hashlib
import struct

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from confide.witness.cosign import Cosigner, cosign, cosigned_at, parse_cosigner

BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
NAME = "witness.example/w1"


def _raw() -> bytes:
    return KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def test_the_key_id_is_the_specs_hash_of_name_type_and_key() -> None:
    expected = hashlib.sha256(NAME.encode() + b"\n\x04" + _raw()).digest()[:4]
    assert Cosigner(NAME, KEY.public_key()).key_id == expected
    vkey = Cosigner(NAME, KEY.public_key()).verifier_key()
    assert vkey == f"{NAME}+{expected.hex()}+{base64.b64encode(b'\x04' + _raw()).decode()}"
    assert parse_cosigner(vkey).key_id == expected


def test_the_line_signs_header_time_and_whole_body_with_the_time_inside() -> None:
    line = cosign(BODY, name=NAME, key=KEY, timestamp=1679315147)
    dash, name, blob64 = line.rstrip("\n").split(" ")
    blob = base64.b64decode(blob64)
    assert (dash, name, len(blob), line[-1]) == ("\u2014", NAME, 76, "\n")
    assert blob[:4] == Cosigner(NAME, KEY.public_key()).key_id
    assert struct.unpack(">Q", blob[4:12]) == (1679315147,)
    # Verified by hand against the spec's message, not through our own verifier.
    KEY.public_key().verify(blob[12:], b"cosignature/v1\ntime 1679315147\n" + BODY.encode())
    assert cosigned_at(BODY, line, Cosigner(NAME, KEY.public_key())) == 1679315147


def test_a_line_for_another_body_name_or_form_is_not_counted() -> None:
    line, cosigner = cosign(BODY, name=NAME, key=KEY, timestamp=5), Cosigner(NAME, KEY.public_key())
    assert cosigned_at(BODY, line, cosigner) == 5
    assert cosigned_at(BODY.replace("20852163", "20852164"), line, cosigner) is None
    assert cosigned_at(BODY + "extension\n", line, cosigner) is None  # extension lines are signed too
    assert cosigned_at(BODY, line.replace(NAME, "witness.example/w2"), cosigner) is None
    assert cosigned_at(BODY, line.replace("\u2014", "-"), cosigner) is None


def test_a_line_by_another_key_of_the_same_name_or_with_a_changed_time_is_not_counted() -> None:
    other = Ed25519PrivateKey.generate()
    assert cosigned_at(BODY, cosign(BODY, name=NAME, key=other, timestamp=5), Cosigner(NAME, KEY.public_key())) is None
    blob = bytearray(base64.b64decode(cosign(BODY, name=NAME, key=KEY, timestamp=5).split(" ")[2]))
    blob[11] ^= 1  # the time is signed too
    forged = f"\u2014 {NAME} {base64.b64encode(bytes(blob)).decode()}"
    assert cosigned_at(BODY, forged, Cosigner(NAME, KEY.public_key())) is None
    assert cosigned_at(BODY, f"\u2014 {NAME} not-base64!", Cosigner(NAME, KEY.public_key())) is None
    short = f"\u2014 {NAME} {base64.b64encode(bytes(blob[:40])).decode()}"
    assert cosigned_at(BODY, short, Cosigner(NAME, KEY.public_key())) is None


@pytest.mark.parametrize(
    ("vkey", "reason"),
    [
        ("no-plus-signs", "<name>"),
        (f"{NAME}+zz+AAAA", "<name>"),
        (f"{NAME}+00000000+{base64.b64encode(b'\x01' + bytes(32)).decode()}", "type 0x04"),
        (f"{NAME}+00000000+{base64.b64encode(b'\x04' + _raw()).decode()}", "does not match"),
    ],
)
def test_a_malformed_witness_key_is_refused_with_its_reason(vkey: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_cosigner(vkey)


def test_a_time_outside_the_spec_is_refused() -> None:
    with pytest.raises(ValueError, match="POSIX timestamp"):
        cosign(BODY, name=NAME, key=KEY, timestamp=2**63)
