"""Codes people write down or read out: raw bytes as Base32 in groups of four (``ABCD-EFGH-…``), read back
whatever the case, spaces or dashes. The author recovery key and the messages recovery sheet use them."""

from __future__ import annotations

import base64
import re


def format_code(raw: bytes) -> str:
    text = base64.b32encode(raw).decode().rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_code(text: str, *, size: int, error: str) -> bytes:
    """The ``size`` bytes written as ``text``; raise ValueError(``error``) for anything else."""
    cleaned = re.sub(r"[\s-]", "", text).upper()
    try:
        raw = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except ValueError:
        raise ValueError(error) from None
    if len(raw) != size:
        raise ValueError(error)
    return raw
