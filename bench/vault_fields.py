"""Field sealing cost: Confide's vault (Tink AEAD, per-client key) against raw AES-256-GCM.

The floor is `cryptography`'s AESGCM with a random nonce on the same 2 KB payload in
the same run; the ratio shows what the key hierarchy and Tink's framing add.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from confide.vault.keyring import MasterKey

PAYLOAD = os.urandom(2048)
AD = b"confide:v1:field|practice|records_note|body|row|client"


def _per_op(fn: Callable[[], object], *, repeat: int = 20_000) -> float:
    for _ in range(500):
        fn()
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def run() -> list[str]:
    master = MasterKey.generate()
    wrapped = master.new_data_key(associated_data=b"client")
    key = master.unwrap(wrapped, associated_data=b"client")
    floor = AESGCM(AESGCM.generate_key(bit_length=256))

    def confide_round_trip() -> bytes:
        return key.decrypt(key.encrypt(PAYLOAD, associated_data=AD), associated_data=AD)

    def floor_round_trip() -> bytes:
        nonce = os.urandom(12)
        return floor.decrypt(nonce, floor.encrypt(nonce, PAYLOAD, AD), AD)

    def unwrap() -> object:
        return master.unwrap(wrapped, associated_data=b"client")

    ours, base, unwrap_cost = _per_op(confide_round_trip), _per_op(floor_round_trip), _per_op(unwrap, repeat=5_000)
    return [
        "| operation (2 KB field) | µs per op | ratio to floor |",
        "|---|---|---|",
        f"| raw AES-256-GCM seal+open (floor) | {base * 1e6:.1f} | 1.00× |",
        f"| Confide vault seal+open | {ours * 1e6:.1f} | {ours / base:.2f}× |",
        f"| unwrap a client data key | {unwrap_cost * 1e6:.1f} | — |",
    ]
