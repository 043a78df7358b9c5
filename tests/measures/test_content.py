"""Questionnaire wording comes from data files; licensed wording is refused; CORE-10 can be added as data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from confide.measures.content import wordings


def test_the_shipped_wording_is_phq9_and_gad7_with_the_standard_anchors() -> None:
    found = wordings()
    assert sorted(found) == ["gad7", "phq9"]
    assert found["gad7"].anchors[0] == "Not at all"  # not the "Not at all sure" reproduction error
    assert "Pfizer" in found["phq9"].licence and len(found["phq9"].items) == 9


def test_licensed_wording_is_refused(tmp_path: Path) -> None:
    (tmp_path / "srs.json").write_text(json.dumps({"srs": {"stem": "x", "items": ["a", "b", "c", "d"], "anchors": []}}))
    with pytest.raises(ValueError, match="licensed"):
        wordings(tmp_path)


def test_a_core10_file_with_ten_items_and_five_anchors_is_accepted(tmp_path: Path) -> None:
    text = {
        "_licence": "CC BY-ND 4.0",
        "core10": {"stem": "s", "items": [f"item {n}" for n in range(10)], "anchors": ["a", "b", "c", "d", "e"]},
    }
    (tmp_path / "core10.json").write_text(json.dumps(text))
    assert wordings(tmp_path)["core10"].licence == "CC BY-ND 4.0"


def test_a_miscounted_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text(json.dumps({"gad7": {"stem": "s", "items": ["only one"], "anchors": ["a"] * 4}}))
    with pytest.raises(ValueError, match="needs 7 items"):
        wordings(tmp_path)
