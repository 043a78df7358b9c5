"""Pack diffs: each change listed, client-facing ones flagged."""

from __future__ import annotations

from confide.rulepacks.diff import pack_diff
from confide.rulepacks.loader import load_library
from confide.rulepacks.schema import Obligation, Pack


def _ca() -> Pack:
    return load_library().by_ref("us-ca@2026.1")


def _with_rule(pack: Pack, rule_id: str, **changes: object) -> Pack:
    exceptions = [r.model_copy(update=changes) if r.id == rule_id else r for r in pack.exceptions]
    return pack.model_copy(update={"version": "2026.2", "exceptions": exceptions})


def test_identical_packs_have_no_changes() -> None:
    assert pack_diff(_ca(), _ca()) == []


def test_an_obligation_change_is_client_facing() -> None:
    new = _with_rule(_ca(), "ca.civ43_92.duty_to_protect", obligation=Obligation.PERMISSIVE)
    [change] = pack_diff(_ca(), new)
    assert str(change) == "ca.civ43_92.duty_to_protect: changed: obligation [client-facing]"


def test_a_citation_check_date_is_not_client_facing() -> None:
    old = _ca()
    rule = old.exceptions[0]
    cited = [rule.citations[0].model_copy(update={"cite": "Cal. Civ. Code § 43.92 (rechecked)"})]
    [change] = pack_diff(old, _with_rule(old, rule.id, citations=cited))
    assert not change.client_facing


def test_a_removed_mandatory_exception_is_client_facing() -> None:
    old = _ca()
    new = old.model_copy(update={"exceptions": old.exceptions[1:]})
    assert [str(c) for c in pack_diff(old, new)] == ["ca.civ43_92.duty_to_protect: removed [client-facing]"]
