"""When re-affirmation falls due (pure rules)."""

from __future__ import annotations

import datetime as dt

from confide.consent.due import DueReason, Signed, add_months, due_reasons

DAY = dt.date(2026, 1, 31)


def _due(last: Signed | None, today: dt.date = DAY, version: int = 1, digest: str = "d") -> list[DueReason]:
    return due_reasons(last=last, current_version=version, current_digest=digest, today=today, every_months=12)


def test_a_client_who_never_signed_is_due() -> None:
    assert _due(None) == [DueReason.NEVER_SIGNED]


def test_a_fresh_signature_is_not_due() -> None:
    assert _due(Signed(1, "d", DAY)) == []


def test_twelve_months_later_it_is_due() -> None:
    assert _due(Signed(1, "d", DAY), today=dt.date(2027, 1, 31)) == [DueReason.INTERVAL]
    assert _due(Signed(1, "d", DAY), today=dt.date(2027, 1, 30)) == []


def test_a_new_version_and_a_rule_change_are_each_named() -> None:
    assert _due(Signed(1, "old", DAY), version=2) == [DueReason.NEW_VERSION, DueReason.RULE_CHANGE]


def test_months_clamp_to_the_end_of_a_shorter_month() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2027, 12, 15), 2) == dt.date(2028, 2, 15)
