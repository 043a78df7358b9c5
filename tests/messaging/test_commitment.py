"""A sender who hands two recipients two content keys cannot make one signed message say two things: AES-GCM
is not key-committing (a body can be built that opens under both keys, to different words — built here),
so the signature covers a commitment to the one content key and each recipient checks the key it opened."""

from __future__ import annotations

import os
import uuid

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from confide.messaging import envelope as envm
from confide.messaging.envelope import Context, Envelope, EnvelopeError, MailboxSecret, open_envelope, signed_bytes

R = 0xE1 << 120


def gmul(x: int, y: int) -> int:
    z, v = 0, x
    for i in range(127, -1, -1):
        if (y >> i) & 1:
            z ^= v
        v = (v >> 1) ^ R if v & 1 else v >> 1
    return z


def gpow(x: int, e: int) -> int:
    r = 1 << 127  # the field's one, in GCM's bit order
    while e:
        if e & 1:
            r = gmul(r, x)
        x, e = gmul(x, x), e >> 1
    return r


def ginv(x: int) -> int:
    return gpow(x, (1 << 128) - 2)


def ecb(key: bytes, block: bytes) -> bytes:
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()  # noqa: S305 (one raw AES block: GCM by hand)
    return enc.update(block) + enc.finalize()


def blocks(data: bytes) -> list[int]:
    data += b"\0" * (-len(data) % 16)
    return [int.from_bytes(data[i : i + 16], "big") for i in range(0, len(data), 16)]


def collide(k1: bytes, k2: bytes, nonce: bytes, aad: bytes, p1_head: bytes, p2_tail: bytes) -> bytes:
    """A ciphertext + tag that AES-GCM opens under both k1 and k2 (over 16-byte blocks)."""

    def ks(k: bytes, n: int) -> bytes:
        return b"".join(ecb(k, nonce + (2 + i).to_bytes(4, "big")) for i in range(n))

    n = len(p1_head) // 16 + 1 + len(p2_tail) // 16
    ks1, ks2 = ks(k1, n), ks(k2, n)
    c = bytearray(16 * n)
    c[: len(p1_head)] = bytes(a ^ b for a, b in zip(p1_head, ks1, strict=False))
    j = len(p1_head) // 16  # the free block
    c[16 * (j + 1) :] = bytes(a ^ b for a, b in zip(p2_tail, ks2[16 * (j + 1) :], strict=False))
    h1, h2 = (int.from_bytes(ecb(k, b"\0" * 16), "big") for k in (k1, k2))
    a_blocks, c_blocks = blocks(aad), blocks(bytes(c))
    length = ((len(aad) * 8) << 64) | (len(c) * 8)
    xs = a_blocks + c_blocks + [length]
    m = len(xs)
    const = int.from_bytes(ecb(k1, nonce + b"\0\0\0\1"), "big") ^ int.from_bytes(ecb(k2, nonce + b"\0\0\0\1"), "big")
    for i, x in enumerate(xs):
        if i != len(a_blocks) + j:
            const ^= gmul(x, gpow(h1, m - i) ^ gpow(h2, m - i))
    e = m - (len(a_blocks) + j)
    cj = gmul(const, ginv(gpow(h1, e) ^ gpow(h2, e)))
    c[16 * j : 16 * (j + 1)] = cj.to_bytes(16, "big")
    # the tag under k1 (equal to that under k2)
    c_blocks = blocks(bytes(c))
    g = 0
    for x in a_blocks + c_blocks + [length]:
        g = gmul(g ^ x, h1)
    tag = (g ^ int.from_bytes(ecb(k1, nonce + b"\0\0\0\1"), "big")).to_bytes(16, "big")
    return bytes(c) + tag


def test_one_body_that_opens_to_two_texts_reaches_only_the_recipient_whose_key_was_signed() -> None:
    jordan, chris, sam = MailboxSecret.generate(), MailboxSecret.generate(), MailboxSecret.generate()
    boxes = {s.mailbox.id: s.mailbox for s in (jordan, chris, sam)}
    ctx = Context(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), jordan.mailbox.id, tuple(sorted(boxes)))
    data = ctx.to_bytes()
    k1, k2, nonce = os.urandom(32), os.urandom(32), os.urandom(12)
    body = collide(k1, k2, nonce, data, b"I am fine, see you Thursday.    ", b"I took all my pills tonight.    ")
    assert AESGCM(k1).decrypt(nonce, body, data) != AESGCM(k2).decrypt(nonce, body, data)  # the attack is real
    keys = {
        mid: envm.SUITE.encrypt(k2 if mid == sam.mailbox.id else k1, box.receive, info=envm.KEY_INFO + data)
        for mid, box in boxes.items()
    }
    commitment = envm.key_commitment(k1)  # the sender must sign one of the two
    envelope = Envelope(
        data, nonce, body, keys, jordan.sign.sign(signed_bytes(data, nonce, body, commitment)), commitment
    )
    assert open_envelope(envelope, mine=chris, sender=jordan.mailbox).startswith(b"I am fine")
    with pytest.raises(EnvelopeError, match="does not open"):
        open_envelope(envelope, mine=sam, sender=jordan.mailbox)
