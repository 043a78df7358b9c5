"""What each log leaf commits to (pure, no Django).

leaf input = SHA-256(context ‖ salt ‖ canonical event bytes). The 32-byte random salt hides
the event from anyone who sees only the log; removing the salt (shredding) leaves the leaf,
and so the tree, valid while nothing can be learnt or re-verified from it any more.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

CONTEXT = b"confide-audit-event-v1\x00"
SALT_BYTES = 32


def canonical(fields: Mapping[str, object]) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the same bytes in every implementation."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def commitment(salt: bytes, fields: Mapping[str, object]) -> bytes:
    if len(salt) != SALT_BYTES:
        raise ValueError("the salt must be 32 bytes")
    return hashlib.sha256(CONTEXT + salt + canonical(fields)).digest()
