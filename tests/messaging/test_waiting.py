"""Working days a message has waited (waiting.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from confide.messaging.waiting import working_days_between

FRIDAY = dt.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("end", "days"),
    [
        (FRIDAY, 0),
        (FRIDAY - dt.timedelta(days=1), 0),
        (dt.date(2026, 12, 5), 0),  # Saturday
        (dt.date(2026, 12, 6), 0),  # Sunday
        (dt.date(2026, 12, 7), 1),  # Monday
        (dt.date(2026, 12, 8), 2),
        (dt.date(2026, 12, 11), 5),  # a week later
        (dt.date(2026, 12, 14), 6),
        (dt.date(2026, 12, 25), 15),
    ],
)
def test_weekdays_after_the_day_sent_are_counted(end: dt.date, days: int) -> None:
    assert working_days_between(FRIDAY, end) == days


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)), st.integers(0, 800))
def test_the_count_is_the_weekdays_day_by_day(start: dt.date, span: int) -> None:
    end = start + dt.timedelta(days=span)
    by_day = sum((start + dt.timedelta(days=i)).weekday() < 5 for i in range(1, span + 1))
    assert working_days_between(start, end) == by_day
