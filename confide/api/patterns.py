"""The patterns the OpenAPI document states for client fields, and the API's edge enforces.

Each admits only values that the shared rule in ``confide.clients.validation`` accepts, so what the
document allows the server accepts, and what it forbids the edge refuses (422). Where a rule cannot be
spelled as a pattern (a real date no later than today) the edge checks the shape, the rule decides, and the
document states the rule itself (``date_of_birth_until``). Classes are spelled out, never ``\\s``, ``\\d``,
``\\w`` or ``\\p{..}``: Python, Rust (pydantic, and schemathesis's validator) and ECMA-262 read those
differently, and schemathesis generates from its own approximation of ``\\p{..}``.
"""

from __future__ import annotations

import calendar
import functools
import unicodedata
from collections.abc import Callable
from datetime import date

# A name: letters, marks, digits, punctuation, symbols and spaces (Zs), with at least one that is not a space.
# clean_name refuses control, format, surrogate, private-use and unassigned characters; line and paragraph
# separators are refused here too. The edge checks this in Python (the same table as clean_name) and the
# document spells the same sets out as a pattern.


def _visible(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LMNPS"


def _space(ch: str) -> bool:
    return unicodedata.category(ch) == "Zs"


def name_allowed(value: str) -> bool:
    """Whether ``value`` has only visible characters and spaces, and at least one visible character."""
    return all(_visible(ch) or _space(ch) for ch in value) and any(_visible(ch) for ch in value)


def _char_class(member: Callable[[str], bool]) -> str:
    ranges: list[tuple[int, int]] = []
    for code in range(0x110000):
        if member(chr(code)):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))

    def spell(code: int) -> str:  # \uXXXX in the BMP; above it the character itself, which all three read alike
        return f"\\u{code:04x}" if code <= 0xFFFF else chr(code)

    return "[" + "".join(spell(a) if a == b else f"{spell(a)}-{spell(b)}" for a, b in ranges) + "]"


@functools.cache
def name() -> str:
    """``name_allowed`` as a pattern (built once, when the document is first served)."""
    space = _char_class(_space)
    return f"^(?:{space}*{_char_class(_visible)})+{space}*$"


# An e-mail address: something@domain.tld with no space, control character or second @ (clean_email).
_EMAIL_CHAR = r"[^@\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
EMAIL = rf"^{_EMAIL_CHAR}+@{_EMAIL_CHAR}+\.{_EMAIL_CHAR}+$"
EMAIL_OR_BLANK = rf"^(?:{EMAIL[1:-1]})?$"

# A phone number: 6 to 15 digits among spaces and + ( ) . - (clean_phone).
PHONE = r"^(?:[+ ().-]*[0-9]){6,15}[+ ().-]*$"
PHONE_OR_BLANK = rf"^(?:{PHONE[1:-1]})?$"

# Diagnoses: any text without a NUL character (clean_diagnoses).
NO_NUL = r"^[^\x00]*$"

# The shape of a date of birth; clean_date_of_birth decides whether it is a real day from 1900 to today.
DATE_SHAPE_OR_BLANK = r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2})?$"


def numbers(low: int, high: int, width: int) -> str:
    """A pattern for the integers from ``low`` to ``high``, written with ``width`` digits (zero-padded)."""
    assert 0 <= low <= high < 10**width
    if width == 1:
        return str(low) if low == high else f"[{low}-{high}]"
    tail = 10 ** (width - 1)
    first_low, rest_low = divmod(low, tail)
    first_high, rest_high = divmod(high, tail)
    if first_low == first_high:
        return f"{first_low}{numbers(rest_low, rest_high, width - 1)}"
    parts = []
    if rest_low:
        parts.append(f"{first_low}{numbers(rest_low, tail - 1, width - 1)}")
        first_low += 1
    last = first_high if rest_high == tail - 1 else first_high - 1
    if first_low <= last:
        parts.append(numbers(first_low, last, 1) + "[0-9]" * (width - 1))
    if rest_high != tail - 1:
        parts.append(f"{first_high}{numbers(0, rest_high, width - 1)}")
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def _days(year: int | None, month: int, last: int | None = None) -> str:
    """``MM-DD`` for the days of ``month`` up to ``last`` (all of them by default; ``year`` None: not a leap year)."""
    length = calendar.monthrange(year if year is not None else 1901, month)[1]
    return f"{month:02d}-{numbers(1, min(length, last or length), 2)}"


def date_of_birth_until(today: date) -> str:
    """The dates ``YYYY-MM-DD`` from 1900-01-01 to ``today``, or blank: what clean_date_of_birth accepts."""
    assert today.year > 1900
    common_year = "|".join(_days(None, month) for month in range(1, 13))
    leap_years = "|".join(str(y) for y in range(1904, today.year) if calendar.isleap(y))
    this_year = "|".join(_days(today.year, month) for month in range(1, today.month))
    this_month = _days(today.year, today.month, today.day)
    dates = [
        f"{numbers(1900, today.year - 1, 4)}-(?:{common_year})",
        *([f"(?:{leap_years})-02-29"] if leap_years else []),
        f"{today.year}-(?:{this_year + '|' if this_year else ''}{this_month})",
    ]
    return "^(?:" + "|".join(dates) + ")?$"
