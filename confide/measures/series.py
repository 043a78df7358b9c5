"""One result in a client's series of an instrument (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Point:
    id: str
    at: datetime
    total: float
    band: str | None
    flags: frozenset[str]
