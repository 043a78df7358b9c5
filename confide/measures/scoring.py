"""Score an administration: total, band and flags (pure core, no Django).

``score("phq9", [1, 2, 0, 1, 3, 0, 1, 2, 1])`` → ``Score(total=11, band="moderate", flags={"positive_screen",
"item9"})``. Visual-analogue instruments (ORS, SRS) take each line mark in whole millimetres (0–100) and
report totals in centimetres (0–40). Cut-offs the sources disagree on are ``Options`` with documented defaults.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from confide.measures.catalogue import CATALOGUE, Instrument

Comparator = Literal["<", "<="]


class InvalidAnswersError(ValueError):
    """The answers do not fit the instrument; the message says how."""


@dataclass(frozen=True)
class Options:
    ors_cutoff: float = 25.0  # adults; 32 for children (S: OpenFIT KA-01031)
    ors_comparator: Comparator = "<"  # sources differ between < and ≤ (instruments.md §3.2)
    srs_cutoff: float = 36.0  # S: OpenFIT KA-01028
    srs_comparator: Comparator = "<"
    srs_item_floor_mm: int | None = 90  # design rule: any SRS line below 9 cm; None turns it off
    core10_cutoff: float = 11.0  # clinical range at or above (S, two sources)
    core10_min_answered: int = 8  # design rule: prorate (CamCOPS: 10 × sum / answered) only with 8+ answers


@dataclass(frozen=True)
class Score:
    instrument: str
    total: float
    band: str | None
    flags: frozenset[str]
    subscales: dict[str, float] = field(default_factory=dict)


def _below(value: float, cutoff: float, comparator: Comparator) -> bool:
    return value < cutoff if comparator == "<" else value <= cutoff


def _instrument(instrument_id: str) -> Instrument:
    try:
        return CATALOGUE[instrument_id]
    except KeyError:
        raise InvalidAnswersError(f"Unknown instrument {instrument_id!r}; known: {', '.join(CATALOGUE)}.") from None


def _check(instrument: Instrument, answers: Sequence[int | None], *, allow_missing: bool) -> list[int | None]:
    if isinstance(answers, (str, bytes)) or not isinstance(answers, Sequence):
        raise InvalidAnswersError(f"{instrument.name}: give the answers as a list of {len(instrument.items)} numbers.")
    if len(answers) != len(instrument.items):
        raise InvalidAnswersError(f"{instrument.name} has {len(instrument.items)} items; got {len(answers)} answers.")
    checked: list[int | None] = []
    for number, value in enumerate(answers, start=1):
        if value is None and allow_missing:
            checked.append(None)
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidAnswersError(f"{instrument.name} item {number}: {value!r} is not a whole number.")
        if not instrument.minimum <= value <= instrument.maximum:
            raise InvalidAnswersError(
                f"{instrument.name} item {number}: {value} is outside {instrument.minimum}–{instrument.maximum}."
            )
        checked.append(value)
    return checked


def _band(instrument: Instrument, total: float) -> str | None:
    for low, high, name in instrument.bands:
        if low <= total <= high:
            return name
    return None


def score(instrument_id: str, answers: Sequence[int | None], *, options: Options | None = None) -> Score:
    """Score one administration; raises ``InvalidAnswersError`` with a clear message for bad input."""
    instrument, options = _instrument(instrument_id), options or Options()
    values = _check(instrument, answers, allow_missing=instrument_id == "core10")
    if instrument_id == "core10":
        return _core10(instrument, values, options)
    items = [v for v in values if v is not None]
    flags: set[str] = set()
    if instrument.visual_analogue:
        total: float = sum(items) / 10
        if instrument_id == "ors" and _below(total, options.ors_cutoff, options.ors_comparator):
            flags.add("clinical_range")
        if instrument_id == "srs":
            if _below(total, options.srs_cutoff, options.srs_comparator):
                flags.add("alliance_concern")
            if options.srs_item_floor_mm is not None and any(v < options.srs_item_floor_mm for v in items):
                flags.add("item_below_9")
        band = None
        if instrument_id == "ors":
            band = "clinical" if "clinical_range" in flags else "non_clinical"
        return Score(instrument_id, total, band, frozenset(flags))
    total = sum(items)
    if instrument_id in ("phq9", "gad7") and total >= 10:
        flags.add("positive_screen")
    if instrument_id == "phq9" and items[8] > 0:
        flags.add("item9")
    subscales = {name: float(sum(items[i - 1] for i in numbers)) for name, numbers in instrument.subscales.items()}
    return Score(instrument_id, total, _band(instrument, total), frozenset(flags), subscales)


def _core10(instrument: Instrument, values: list[int | None], options: Options) -> Score:
    answered = [(n, v) for n, v in enumerate(values, start=1) if v is not None]
    if len(answered) < options.core10_min_answered:
        raise InvalidAnswersError(
            f"CORE-10: {len(answered)} of 10 items answered; at least {options.core10_min_answered} are needed."
        )
    raw = sum(instrument.maximum - v if n in instrument.reversed_items else v for n, v in answered)
    total = raw if len(answered) == 10 else round(10 * raw / len(answered), 1)
    flags = {"clinical_range"} if total >= options.core10_cutoff else set()
    if values[5] is not None and values[5] > 0:  # item 6: "made plans to end my life"
        flags.add("risk_item")
    return Score("core10", total, None, frozenset(flags))


def reliable_change(
    instrument_id: str, before_total: float, after_total: float, *, threshold: float | None = None
) -> Literal["improved", "deteriorated", "no_reliable_change"]:
    """Compare two totals against the published reliable-change threshold (or a local one you pass)."""
    instrument = _instrument(instrument_id)
    points = threshold if threshold is not None else instrument.reliable_change
    if points is None:
        raise InvalidAnswersError(
            f"{instrument.name} has no published reliable-change threshold; compute one locally (Jacobson–Truax)."
        )
    change = after_total - before_total
    better = change if instrument.higher_is_better else -change
    if better >= points:
        return "improved"
    if -better >= points:
        return "deteriorated"
    return "no_reliable_change"


def jacobson_truax_threshold(*, sd: float, reliability: float) -> float:
    """The smallest reliable change in raw points: 1.96 × SD × √2 × √(1 − r)."""
    if sd <= 0 or not 0 <= reliability < 1:
        raise InvalidAnswersError("Give a positive SD and a reliability between 0 and 1.")
    return 1.96 * sd * math.sqrt(2 * (1 - reliability))
