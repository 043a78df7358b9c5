"""The generated confidentiality policy: plain language, the law's exceptions, nothing removable."""

from __future__ import annotations

import datetime as dt

import pytest
import textstat

from confide.consent.policy import Policy, policy_generate
from confide.rulepacks.loader import load_library
from confide.rulepacks.resolve import resolve

TODAY = dt.date(2026, 11, 26)


def _policy(*packs: str) -> Policy:
    return policy_generate(resolution=resolve(load_library(), list(packs), TODAY), practice_name="Harbor Therapy")


def _text(policy: Policy) -> str:
    return "\n".join(f"{s.title}.\n" + "\n".join(s.paragraphs) for s in policy.sections)


@pytest.mark.parametrize("pack", ["us-ca", "us-ny", "us-tx", "eu-gdpr", "uk"])
def test_the_policy_reads_at_grade_8_or_below(pack: str) -> None:
    assert textstat.flesch_kincaid_grade(_text(_policy(pack))) <= 8


def test_california_policy_states_the_duty_to_protect() -> None:
    text = _text(_policy("us-ca"))
    assert "I must try to warn that person and tell the police" in text


def test_texas_policy_has_no_duty_to_warn() -> None:
    text = _text(_policy("us-tx"))
    assert "I must try to warn" not in text
    assert "I may tell medical staff or the police" in text


def test_pending_law_is_shown_as_a_possible_change() -> None:
    text = _text(_policy("uk"))
    assert "A law that may change this soon:" in text
    assert "It is not law yet." in text


def test_the_policy_covers_protection_rights_and_teletherapy() -> None:
    titles = [s.title for s in _policy("us-ca").sections]
    assert titles == [
        "What stays private",
        "When I may share without asking you",
        "How your records are kept safe",
        "Who can see what",
        "Your rights",
        "Video sessions",
    ]


def test_us_rights_mention_the_access_deadline_and_the_notes_carve_out() -> None:
    text = _text(_policy("us-ny"))
    assert "We will answer within 30 days." in text
    assert "kept apart from your record" in text


def test_the_emergency_number_follows_the_jurisdiction() -> None:
    assert "call 999" in _text(_policy("uk"))
    assert "call 112" in _text(_policy("eu-gdpr"))


def test_every_citation_carries_its_verification_mark() -> None:
    citations = _policy("us-ca").citations
    assert "Cal. Civ. Code § 43.92 (us-ca@2026.1, verified_secondary)" in citations


def test_the_exceptions_digest_differs_between_jurisdictions() -> None:
    assert _policy("us-ca").exceptions_digest != _policy("us-tx").exceptions_digest
