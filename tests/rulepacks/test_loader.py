"""Loading and checking rule packs: the shipped six pass; each kind of mistake fails with a clear message."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from confide.rulepacks.loader import PACKS_DIR, load_library

SHIPPED = {"us-federal", "us-ca", "us-ny", "us-tx", "eu-gdpr", "uk"}


def _copy(tmp_path: Path, *names: str) -> Path:
    for name in names:
        shutil.copy(PACKS_DIR / f"{name}@2026.1.toml", tmp_path)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_the_six_shipped_packs_load_without_problems() -> None:
    library = load_library()
    assert library.problems == []
    assert set(library.ids()) == SHIPPED


def test_every_shipped_rule_has_a_citation_with_a_verification_mark() -> None:
    for pack in load_library().packs:
        for rule in pack.rules():
            assert rule.citations, rule.id
            assert all(c.verification.value.startswith(("verified_", "unverified")) for c in rule.citations)


def test_a_rule_without_citations_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "us-federal")
    path = folder / "us-federal@2026.1.toml"
    text = path.read_text()
    start = text.index("citations = [", text.index('id = "us.hipaa.164_512e.court_order"'))
    end = text.index("\n", start)
    path.write_text(text[:start] + "citations = []" + text[end:])
    problems = load_library(folder).problems
    assert any("exceptions.1.citations" in p and "at least 1" in p for p in problems), problems


def test_a_duplicate_rule_id_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "us-federal")
    path = folder / "us-federal@2026.1.toml"
    _edit(path, 'id = "us.hipaa.164_512e.subpoena"', 'id = "us.hipaa.164_512e.court_order"')
    problems = load_library(folder).problems
    assert any("duplicate rule id 'us.hipaa.164_512e.court_order'" in p for p in problems), problems


def test_an_unknown_field_is_refused_and_named(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "us-federal")
    _edit(folder / "us-federal@2026.1.toml", 'obligation = "mandatory"', 'obligation = "mandatory"\nobligaton = "x"')
    problems = load_library(folder).problems
    assert "us-federal@2026.1.toml: exceptions.1.obligaton: unknown field" in problems


def test_an_unknown_obligation_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "us-federal")
    _edit(folder / "us-federal@2026.1.toml", 'obligation = "mandatory"', 'obligation = "sometimes"')
    assert any("exceptions.1.obligation" in p for p in load_library(folder).problems)


def test_a_bad_duration_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "us-federal")
    _edit(folder / "us-federal@2026.1.toml", 'deadline = "P60D"', 'deadline = "60 days"')
    problems = load_library(folder).problems
    assert any("not an ISO 8601 duration" in p for p in problems), problems


def test_a_child_pack_needs_its_parent(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "us-ca")
    assert "us-ca@2026.1: inherits unknown pack 'us-federal'" in load_library(folder).problems


def test_a_file_must_be_named_after_its_version(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "uk")
    (folder / "uk@2026.1.toml").rename(folder / "uk@2026.9.toml")
    assert "uk@2026.9.toml: the file must be named uk@2026.1.toml" in load_library(folder).problems


def test_two_versions_in_force_at_once_are_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "uk")
    text = (folder / "uk@2026.1.toml").read_text().replace('version = "2026.1"', 'version = "2026.2"')
    (folder / "uk@2026.2.toml").write_text(text.replace("effective_from = 2026-01-01", "effective_from = 2026-06-01"))
    assert "uk@2026.2: overlaps uk@2026.1 (set effective_to on the older version)" in load_library(folder).problems


def test_a_rule_id_used_by_two_packs_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "uk", "eu-gdpr")
    _edit(folder / "eu-gdpr@2026.1.toml", 'id = "eu.gdpr.art9_2f.legal_claims"', 'id = "uk.court_order"')
    problems = load_library(folder).problems
    assert any("rule id 'uk.court_order' is already used by pack" in p for p in problems), problems


def test_an_overdue_legal_review_is_reported(tmp_path: Path) -> None:
    library = load_library(_copy(tmp_path, "uk"), today=dt.date(2028, 1, 1))
    assert library.warnings == ["uk@2026.1: legal review was due on 2027-05-26"]


@pytest.mark.parametrize("pack_id", sorted(SHIPPED))
def test_each_pack_is_in_force_today(pack_id: str) -> None:
    assert load_library().in_force(pack_id, dt.date(2026, 11, 26)).id == pack_id
