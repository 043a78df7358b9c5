"""Layering: the stricter outcome wins and the explanation names the deciding rule."""

from __future__ import annotations

import datetime as dt

import pytest

from confide.rulepacks.loader import load_library
from confide.rulepacks.resolve import resolve
from confide.rulepacks.schema import Kind, NoticePolicy, Obligation

TODAY = dt.date(2026, 11, 26)


def test_california_layers_on_the_federal_pack() -> None:
    resolution = resolve(load_library(), ["us-ca"], TODAY)
    assert resolution.refs == ["us-federal@2026.1", "us-ca@2026.1"]


def test_california_duty_to_protect_is_mandatory_over_federal_permission() -> None:
    decision = resolve(load_library(), ["us-ca"], TODAY).decisions[Kind.THREAT_TO_OTHERS]
    assert decision.obligation is Obligation.MANDATORY
    assert decision.deciding.rule.id == "ca.civ43_92.duty_to_protect"
    assert "over us.hipaa.164_512j.serious_threat in us-federal@2026.1" in decision.explanation
    assert "permissive, so the stricter rule wins" in decision.explanation


def test_california_child_abuse_takes_the_36_hour_written_deadline() -> None:
    decision = resolve(load_library(), ["us-ca"], TODAY).decisions[Kind.CHILD_ABUSE]
    assert decision.deadline is not None and decision.deadline.rule.deadline is not None
    assert decision.deadline.rule.deadline.written == "PT36H"


def test_texas_threat_stays_permissive_and_the_state_rule_decides() -> None:
    decision = resolve(load_library(), ["us-tx"], TODAY).decisions[Kind.THREAT_TO_OTHERS]
    assert decision.obligation is Obligation.PERMISSIVE
    assert decision.deciding.rule.id == "tx.hs611_004.imminent_injury"
    assert "also permissive; the more specific layer decides" in decision.explanation


def test_federal_court_orders_apply_in_texas() -> None:
    decision = resolve(load_library(), ["us-tx"], TODAY).decisions[Kind.COURT_ORDER]
    assert decision.obligation is Obligation.MANDATORY
    assert decision.deciding.pack == "us-federal@2026.1"


def test_the_eu_pack_stands_alone() -> None:
    resolution = resolve(load_library(), ["eu-gdpr"], TODAY)
    assert resolution.refs == ["eu-gdpr@2026.1"]
    assert Kind.CHILD_ABUSE not in resolution.decisions
    assert resolution.decisions[Kind.VITAL_INTERESTS].obligation is Obligation.PERMISSIVE


def test_pending_law_never_decides_when_enforced_law_exists() -> None:
    decision = resolve(load_library(), ["uk"], TODAY).decisions[Kind.CHILD_ABUSE]
    assert decision.obligation is Obligation.PERMISSIVE
    assert "uk.cpb2025.csa_reporting" in decision.explanation
    assert "pending law, shown as advice only" in decision.explanation


def test_the_strictest_client_notice_wins() -> None:
    decision = resolve(load_library(), ["us-ca"], TODAY).decisions[Kind.SUBPOENA]
    assert decision.notice.rule.client_notification.policy is NoticePolicy.REQUIRED


def test_the_shortest_access_deadline_and_longest_retention_win() -> None:
    resolution = resolve(load_library(), ["us-ny"], TODAY)
    assert resolution.access["access"].rule.deadline == "P30D"
    assert resolution.retention["clinical_record"].rule.id == "ny.8nycrr29_2.records"


def test_two_states_resolve_together_with_the_federal_layer_once() -> None:
    resolution = resolve(load_library(), ["us-tx", "us-ca"], TODAY)
    assert resolution.refs == ["us-federal@2026.1", "us-tx@2026.1", "us-ca@2026.1"]
    assert resolution.decisions[Kind.THREAT_TO_OTHERS].deciding.rule.id == "ca.civ43_92.duty_to_protect"


def test_a_date_before_any_version_is_refused() -> None:
    with pytest.raises(LookupError, match="no active version of rule pack 'us-ca'"):
        resolve(load_library(), ["us-ca"], dt.date(2020, 1, 1))
