"""The scoring core against the published rules (instruments.md), edge by edge."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from confide.measures import InvalidAnswersError, Options, reliable_change, score
from confide.measures.catalogue import CATALOGUE
from confide.measures.scoring import jacobson_truax_threshold


def _phq9(total: int, item9: int = 0) -> list[int]:
    """Answers summing to ``total`` with item 9 as given."""
    rest, answers = total - item9, []
    for _ in range(8):
        value = min(3, rest)
        answers.append(value)
        rest -= value
    assert rest == 0
    return [*answers, item9]


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_bands_at_every_edge(total: int, band: str) -> None:
    assert score("phq9", _phq9(total, item9=min(total, 3) if total == 27 else 0)).band == band


def test_phq9_positive_screen_starts_at_10() -> None:
    assert "positive_screen" not in score("phq9", _phq9(9)).flags
    assert "positive_screen" in score("phq9", _phq9(10)).flags


def test_phq9_item9_above_0_is_flagged_whatever_the_total() -> None:
    result = score("phq9", _phq9(1, item9=1))
    assert result.total == 1 and result.band == "minimal" and result.flags == {"item9"}


@pytest.mark.parametrize(
    ("answers", "band"),
    [
        ([0] * 7, "minimal"),
        ([1, 1, 1, 1, 0, 0, 0], "minimal"),
        ([1, 1, 1, 1, 1, 0, 0], "mild"),
        ([2, 2, 2, 2, 1, 0, 0], "mild"),
        ([2, 2, 2, 2, 2, 0, 0], "moderate"),
        ([3, 3, 3, 3, 2, 0, 0], "moderate"),
        ([3, 3, 3, 3, 3, 0, 0], "severe"),
        ([3] * 7, "severe"),
    ],
)
def test_gad7_bands_at_every_edge(answers: list[int], band: str) -> None:
    assert score("gad7", answers).band == band


def test_gad7_positive_screen_at_10() -> None:
    assert "positive_screen" in score("gad7", [2, 2, 2, 2, 2, 0, 0]).flags
    assert "positive_screen" not in score("gad7", [2, 2, 2, 2, 1, 0, 0]).flags


def test_ors_sums_millimetres_into_centimetres() -> None:
    assert score("ors", [55, 62, 71, 80]).total == 26.8


def test_ors_exactly_25_is_not_clinical_with_the_default_comparator() -> None:
    assert "clinical_range" not in score("ors", [60, 60, 65, 65]).flags  # 25.0
    assert "clinical_range" in score("ors", [60, 60, 65, 64]).flags  # 24.9
    assert "clinical_range" in score("ors", [60, 60, 65, 65], options=Options(ors_comparator="<=")).flags


def test_ors_child_cutoff_is_configurable() -> None:
    assert score("ors", [75, 75, 75, 75], options=Options(ors_cutoff=32.0)).band == "clinical"


def test_srs_below_36_is_an_alliance_concern() -> None:
    assert "alliance_concern" not in score("srs", [90, 90, 90, 90]).flags  # exactly 36.0
    assert score("srs", [90, 90, 90, 89]).flags == {"alliance_concern", "item_below_9"}


def test_srs_single_item_rule_can_be_turned_off() -> None:
    assert score("srs", [100, 100, 100, 85], options=Options(srs_item_floor_mm=None)).flags == frozenset()


def test_core10_reverses_items_2_and_3() -> None:
    assert score("core10", [0, 4, 4, 0, 0, 0, 0, 0, 0, 0]).total == 0
    assert score("core10", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).total == 8


def test_core10_clinical_range_from_11_and_the_risk_item() -> None:
    assert "clinical_range" in score("core10", [3, 4, 4, 2, 2, 0, 2, 1, 1, 0]).flags  # 11
    assert "clinical_range" not in score("core10", [2, 4, 4, 2, 2, 0, 2, 1, 1, 0]).flags  # 10
    assert "risk_item" in score("core10", [0, 4, 4, 0, 0, 1, 0, 0, 0, 0]).flags


def test_core10_prorates_one_or_two_missing_items_and_refuses_more() -> None:
    assert score("core10", [2, 4, 4, 2, 2, 0, 2, 1, 1, None]).total == pytest.approx(11.1, abs=0.05)
    with pytest.raises(InvalidAnswersError, match="7 of 10 items answered"):
        score("core10", [2, 4, 4, 2, 2, 0, 2, None, None, None])


def test_wai_sr_total_and_subscales() -> None:
    result = score("wai-sr", [5, 5, 1, 4, 1, 4, 1, 4, 1, 5, 4, 5])
    assert result.total == 40
    assert result.subscales == {"task": 20.0, "goal": 16.0, "bond": 4.0}


@pytest.mark.parametrize(
    ("instrument", "answers", "message"),
    [
        ("phq9", [0] * 8, "has 9 items; got 8"),
        ("phq9", [0] * 8 + [4], "item 9: 4 is outside 0–3"),
        ("gad7", [0, 0, 0, 0, 0, 0, 1.5], "item 7: 1.5 is not a whole number"),
        ("gad7", [0, 0, 0, 0, 0, 0, True], "is not a whole number"),
        ("srs", [90, 90, 90, 101], "item 4: 101 is outside 0–100"),
        ("phq9", "000000000", "list of 9 numbers"),
        ("phq9", [0] * 8 + [None], "item 9: None is not a whole number"),
        ("bdi", [0], "Unknown instrument 'bdi'"),
    ],
)
def test_invalid_answers_get_a_clear_error(instrument: str, answers: list[int], message: str) -> None:
    with pytest.raises(InvalidAnswersError, match=message):
        score(instrument, answers)


@pytest.mark.parametrize(
    ("instrument", "before", "after", "verdict"),
    [
        ("phq9", 18, 12, "improved"),
        ("phq9", 18, 13, "no_reliable_change"),
        ("phq9", 8, 14, "deteriorated"),
        ("gad7", 15, 11, "improved"),
        ("gad7", 10, 13, "no_reliable_change"),
        ("ors", 20.0, 25.0, "improved"),
        ("ors", 30.0, 25.0, "deteriorated"),
        ("ors", 30.0, 25.1, "no_reliable_change"),
    ],
)
def test_reliable_change_uses_the_published_thresholds(
    instrument: str, before: float, after: float, verdict: str
) -> None:
    assert reliable_change(instrument, before, after) == verdict


def test_no_published_threshold_needs_a_local_one() -> None:
    with pytest.raises(InvalidAnswersError, match="no published reliable-change threshold"):
        reliable_change("srs", 30, 38)
    assert reliable_change("srs", 30, 38, threshold=jacobson_truax_threshold(sd=4.0, reliability=0.8)) == "improved"


def test_jacobson_truax_matches_the_core10_estimate() -> None:
    assert jacobson_truax_threshold(sd=7.7, reliability=0.90) == pytest.approx(6.75, abs=0.01)


@given(st.sampled_from(["phq9", "gad7", "wai-sr", "ors", "srs"]), st.data())
def test_totals_stay_within_range(instrument_id: str, data: st.DataObject) -> None:
    instrument = CATALOGUE[instrument_id]
    answers = data.draw(
        st.lists(
            st.integers(instrument.minimum, instrument.maximum),
            min_size=len(instrument.items),
            max_size=len(instrument.items),
        )
    )
    total = score(instrument_id, answers).total
    scale = 10 if instrument.visual_analogue else 1
    assert instrument.minimum * len(answers) / scale <= total <= instrument.maximum * len(answers) / scale


@given(st.sampled_from(["phq9", "gad7"]), st.data())
def test_bands_are_monotone_in_the_total(instrument_id: str, data: st.DataObject) -> None:
    instrument = CATALOGUE[instrument_id]
    size = len(instrument.items)
    lower = data.draw(st.lists(st.integers(0, 3), min_size=size, max_size=size))
    higher = [min(3, v + data.draw(st.integers(0, 1))) for v in lower]
    order = [name for _, _, name in instrument.bands]
    assert order.index(score(instrument_id, lower).band or "") <= order.index(score(instrument_id, higher).band or "")
