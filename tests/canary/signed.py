"""What anyone reads in Django's signed format without a key: ``signing.dumps`` only signs, its payload is
base64 of (compressed, when marked by a leading dot) JSON. The canary scan opens every such value it finds,
so data kept that way (sessions under Django's own store) cannot hide a canary from it."""

from __future__ import annotations

import base64
import re
import zlib

# payload:timestamp:signature, each URL-safe base64; a leading dot marks a compressed payload
SIGNED = re.compile(rb"(\.?[A-Za-z0-9_-]{8,}):[A-Za-z0-9_-]{4,}:[A-Za-z0-9_-]{20,}")


def unsigned(payload: bytes) -> bytes:
    """One payload opened as a copy's reader would; empty when it is not base64 (or JSON) at all."""
    try:
        raw = base64.urlsafe_b64decode(payload.lstrip(b".") + b"==")
        return zlib.decompress(raw) if payload.startswith(b".") else raw
    except (ValueError, zlib.error):
        return b""


def opened(data: bytes) -> bytes:
    """Every signed value in ``data``, opened."""
    return b"\n".join(unsigned(match.group(1)) for match in SIGNED.finditer(data))
