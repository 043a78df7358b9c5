"""The patterns the OpenAPI document states admit only what the shared client rules accept."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from confide.api import patterns
from confide.clients.validation import clean_date_of_birth, clean_email, clean_name, clean_phone


def _accepts(rule: object, value: str) -> bool:
    assert callable(rule)
    try:
        rule(value)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("width", [1, 2, 3])
def test_numbers_matches_exactly_the_range(width: int) -> None:
    top = 10**width
    for low in range(0, top, 1 if width < 3 else 37):
        for high in range(low, top, 1 if width < 3 else 41):
            pattern = re.compile(f"(?:{patterns.numbers(low, high, width)})")
            assert [n for n in range(top) if pattern.fullmatch(f"{n:0{width}d}")] == list(range(low, high + 1))


@pytest.mark.parametrize("today", [date(2026, 12, 2), date(2024, 2, 29), date(2024, 3, 1), date(2027, 1, 1)])
def test_the_date_of_birth_pattern_is_what_clean_date_of_birth_accepts(today: date) -> None:
    pattern = re.compile(patterns.date_of_birth_until(today))
    shape = re.compile(patterns.DATE_SHAPE_OR_BLANK)
    rule = lambda value: clean_date_of_birth(value, today=today)  # noqa: E731
    candidates = [
        f"{y:04d}-{m:02d}-{d:02d}" for y in (1899, 1900, 1901, 2000, 2023, 2024) for m in range(14) for d in range(33)
    ]
    candidates += [f"{today.year:04d}-{m:02d}-{d:02d}" for m in range(14) for d in range(33)]
    day = date(1899, 12, 1)
    while day <= today + timedelta(days=400):
        candidates.append(day.isoformat())
        day += timedelta(days=1)
    for value in ["", *candidates]:
        assert bool(pattern.fullmatch(value)) == _accepts(rule, value), value
        assert shape.fullmatch(value) or not pattern.fullmatch(value)


def test_the_name_pattern_is_name_allowed_and_clean_name_accepts_it() -> None:
    pattern = re.compile(patterns.name())
    for code in range(0, 0x110000, 7):  # every seventh character of Unicode: each run of the table is longer
        ch = chr(code)
        assert bool(pattern.fullmatch(ch)) == patterns.name_allowed(ch), hex(code)
        if patterns.name_allowed(ch):
            assert _accepts(clean_name, ch), hex(code)
    for value in ["Ann Lee", " Ann ", "   ", "", "Ann\tLee", "Ann\u2028Lee", "Zoë", "李小龍", "\U00020bb7野"]:
        assert bool(pattern.fullmatch(value)) == patterns.name_allowed(value), value


@given(st.from_regex(patterns.name(), fullmatch=True).filter(lambda v: len(v) <= 200))
def test_every_name_the_pattern_allows_is_accepted(value: str) -> None:
    assert _accepts(clean_name, value)


@given(st.from_regex(patterns.EMAIL_OR_BLANK, fullmatch=True).filter(lambda v: len(v) <= 254))
def test_every_email_the_pattern_allows_is_accepted(value: str) -> None:
    assert _accepts(clean_email, value)


@given(st.from_regex(patterns.PHONE_OR_BLANK, fullmatch=True).filter(lambda v: len(v) <= 40))
def test_every_phone_the_pattern_allows_is_accepted(value: str) -> None:
    assert _accepts(clean_phone, value)


@pytest.mark.parametrize(
    "value",
    ["12345", "1234567890123456", "+1 (555) 010-99x", "\t5550100", "\u0665\u0665\u0665\u0660\u0661\u0660\u0660"],
)
def test_the_phone_pattern_refuses_too_few_or_many_digits_and_other_spellings(value: str) -> None:
    assert not re.fullmatch(patterns.PHONE, value)
