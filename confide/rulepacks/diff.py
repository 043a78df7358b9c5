"""What changed between two versions of a rule pack, and whether clients must re-consent (pure core)."""

from __future__ import annotations

from dataclasses import dataclass

from confide.rulepacks.schema import ExceptionRule, Obligation, Pack, Rule

# Fields of an exception that the client reads in the confidentiality policy (or that change
# what can happen to their information): a change to any of them calls for re-affirmation.
CLIENT_FACING = ("kind", "also_kinds", "obligation", "plain", "recipients", "client_notification")


@dataclass(frozen=True)
class Change:
    rule_id: str
    what: str  # "added", "removed" or "changed: field, field"
    client_facing: bool

    def __str__(self) -> str:
        flag = " [client-facing]" if self.client_facing else ""
        return f"{self.rule_id}: {self.what}{flag}"


def _client_facing_rule(rule: Rule) -> bool:
    return isinstance(rule, ExceptionRule) and rule.obligation is not Obligation.PENDING


def pack_diff(old: Pack, new: Pack) -> list[Change]:
    before = {rule.id: rule for rule in old.rules()}
    after = {rule.id: rule for rule in new.rules()}
    changes = [Change(i, "added", _client_facing_rule(after[i])) for i in sorted(after.keys() - before.keys())]
    changes += [Change(i, "removed", _client_facing_rule(before[i])) for i in sorted(before.keys() - after.keys())]
    for rule_id in sorted(before.keys() & after.keys()):
        was, now = before[rule_id].model_dump(), after[rule_id].model_dump()
        fields = [name for name in now if was.get(name) != now[name]]
        if fields:
            facing = isinstance(after[rule_id], ExceptionRule) and any(f in CLIENT_FACING for f in fields)
            changes.append(Change(rule_id, "changed: " + ", ".join(fields), facing))
    return changes
