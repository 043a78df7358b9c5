"""Crisis lines beside the rule packs (rulepacks/crisis.py): loaded, checked, and chosen by layering."""

from __future__ import annotations

from pathlib import Path

import pytest

from confide.consent.selectors import rule_library
from confide.rulepacks.checks import rule_packs_load
from confide.rulepacks.crisis import CRISIS_DIR, crisis_for, load_crisis
from confide.rulepacks.selectors import crisis_for_client
from tests.cast import Cast


def test_every_shipped_file_loads_names_a_pack_and_cites_each_line() -> None:
    found, problems = load_crisis()
    assert problems == []
    assert set(found) == {"us-federal", "uk", "eu-gdpr"} and set(found) <= set(rule_library().ids())
    assert all(line.citations for lines in found.values() for line in lines.lines)


def test_a_state_uses_the_federal_lines_and_the_most_specific_file_wins() -> None:
    found, _ = load_crisis()
    california = crisis_for(found, ["us-federal", "us-ca"])
    assert california is not None and california.emergency == "911"
    assert california.sentence() == (
        "911 in an emergency, or the 988 Suicide & Crisis Lifeline (call or text 988), 24 hours a day"
    )
    both = crisis_for(found, ["us-federal", "uk"])  # layered parents first: the last is the most specific
    assert both is not None and both.emergency == "999" and both.lines[0].call == "116 123"
    assert crisis_for(found, ["us-ca"]) is None


def test_a_line_whose_number_is_the_emergency_number_is_not_said_twice() -> None:
    found, _ = load_crisis()
    eu = crisis_for(found, ["eu-gdpr"])
    assert (
        eu is not None
        and eu.sentence() == "112 (the European emergency number, free, 24 hours a day, in every EU country)"
    )


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        (
            "us-federal.toml",
            'pack = "us-federal"\nemergency = "911"\nlines = []\n',
            "lines: List should have at least 1",
        ),
        ("us-federal.toml", 'pack = "us-federal"\nemergency = "9-1-1"\nlines = []\n', "emergency: String should match"),
        ("uk.toml", (CRISIS_DIR / "us-federal.toml").read_text(), "must be named us-federal.toml"),
        ("uk.toml", "pack = [", "uk.toml"),
    ],
)
def test_a_broken_file_is_a_problem_naming_it(tmp_path: Path, name: str, text: str, problem: str) -> None:
    (tmp_path / name).write_text(text)
    _, problems = load_crisis(tmp_path)
    assert problems and all(p.startswith(name) for p in problems) and any(problem in p for p in problems)


def test_the_system_check_refuses_a_file_for_no_pack(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for path in CRISIS_DIR.glob("*.toml"):
        (tmp_path / path.name).write_text(path.read_text())
    (tmp_path / "zz.toml").write_text((CRISIS_DIR / "uk.toml").read_text().replace('pack = "uk"', 'pack = "zz"'))
    monkeypatch.setattr("confide.rulepacks.checks.load_crisis", lambda: load_crisis(tmp_path))
    errors = [m for m in rule_packs_load() if m.id == "confide.E021"]
    assert [e.msg for e in errors] == ["crisis/zz.toml: no rule pack 'zz'"]


def test_a_client_is_shown_the_lines_of_where_they_live(cast: Cast) -> None:
    practice = crisis_for_client(cast.client)  # Harbor practises in California: the federal lines
    assert practice is not None and practice.emergency == "911"
    cast.client.jurisdiction = "uk"
    abroad = crisis_for_client(cast.client)
    assert abroad is not None and abroad.emergency == "999" and abroad.lines[0].name == "Samaritans"
    cast.client.jurisdiction = "us-tx"
    texas = crisis_for_client(cast.client)
    assert texas is not None and texas.lines[0].call == "988"
