"""Event tags: an HMAC of each event's commitment under a per-practice key derived from the master key.

The commitment alone anyone can compute, so an administrator with write access to the database could
insert a well-formed event of their own making. The tag they cannot make without the master key: the
integrator never logs an event whose tag is wrong, and `confide audit verify` names it.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid

from confide.vault.sealing import master_key


def tag_key(practice_id: uuid.UUID) -> bytes:
    return master_key().derive_secret(info=f"audit-event-tag:{practice_id}")


def event_tag(key: bytes, commitment: bytes) -> bytes:
    return hmac.new(key, commitment, hashlib.sha256).digest()


def tag_valid(key: bytes, commitment: bytes, tag: bytes) -> bool:
    return hmac.compare_digest(event_tag(key, commitment), tag)


def row_key(practice_id: uuid.UUID, purpose: str) -> bytes:
    """A key for tagging one kind of row the way events are tagged (e.g. a disclosure's notice terms)."""
    return master_key().derive_secret(info=f"{purpose}:{practice_id}")
