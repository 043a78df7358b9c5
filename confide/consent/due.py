"""When must a client re-affirm their agreement? (pure core)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class DueReason(StrEnum):
    NEVER_SIGNED = "never signed"
    NEW_VERSION = "the practice published a new version"
    RULE_CHANGE = "the law in the client's jurisdiction changed"
    INTERVAL = "the yearly re-affirmation is due"
    TELEHEALTH = "teletherapy consent is needed before the first video session"


@dataclass(frozen=True)
class Signed:
    version_number: int
    exceptions_digest: str
    signed_on: dt.date


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for clamp in (0, 1, 2, 3):  # 31 January + 1 month → 28/29 February
        try:
            return day.replace(year=year, month=month, day=day.day - clamp)
        except ValueError:
            continue
    raise ValueError(day)


def due_reasons(
    *, last: Signed | None, current_version: int, current_digest: str, today: dt.date, every_months: int
) -> list[DueReason]:
    if last is None:
        return [DueReason.NEVER_SIGNED]
    reasons = []
    if last.version_number != current_version:
        reasons.append(DueReason.NEW_VERSION)
    if last.exceptions_digest != current_digest:
        reasons.append(DueReason.RULE_CHANGE)
    if today >= add_months(last.signed_on, every_months):
        reasons.append(DueReason.INTERVAL)
    return reasons
