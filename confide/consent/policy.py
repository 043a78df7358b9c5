"""The plain-language confidentiality policy, generated from the resolved rule packs (pure core).

Written for a reading level of grade 8 or below (checked in a test with Flesch–Kincaid):
short sentences, everyday words, "I" for the therapist and "you" for the client. The
exceptions section comes from the packs and cannot be edited away by the practice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from confide.rulepacks.resolve import Decision, Resolution
from confide.rulepacks.schema import Obligation

EMERGENCY_NUMBER = {"US": "911", "GB": "999", "EU": "112"}


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: list[str]


@dataclass(frozen=True)
class Policy:
    sections: list[Section]
    citations: list[str]  # "Cal. Civ. Code § 43.92 (us-ca@2026.1, verified_secondary)"
    exceptions_digest: str  # SHA-256 of the exceptions section: a change calls for re-affirmation


def _unique_by_rule(decisions: list[Decision]) -> list[Decision]:
    seen: set[str] = set()
    kept = []
    for decision in decisions:
        if decision.deciding.rule.id not in seen:
            seen.add(decision.deciding.rule.id)
            kept.append(decision)
    return kept


def _exceptions(resolution: Resolution) -> Section:
    decisions = list(resolution.decisions.values())
    must = _unique_by_rule([d for d in decisions if d.obligation is Obligation.MANDATORY])
    may = _unique_by_rule([d for d in decisions if d.obligation in (Obligation.PERMISSIVE, Obligation.CONDITIONAL)])
    pending = [a for d in decisions for a in d.rules if a.rule.obligation is Obligation.PENDING]
    paragraphs = ["There are a few times when I may share what you tell me without asking you first."]
    if must:
        paragraphs.append("The law says I must act in these cases:")
        paragraphs += [f"• {d.deciding.rule.plain}" for d in must]
    if may:
        paragraphs.append("The law allows me to act in these cases:")
        paragraphs += [f"• {d.deciding.rule.plain}" for d in may]
    if pending:
        paragraphs.append("A law that may change this soon:")
        paragraphs += [f"• {p.rule.plain}" for p in {a.rule.id: a for a in pending}.values()]
    paragraphs.append(
        "I share only what is needed, and I write down what I shared, with whom, and why. "
        "You can read that list in your portal. Your sharing choices cannot stop what the law says I must do."
    )
    return Section("When I may share without asking you", paragraphs)


def _rights(resolution: Resolution) -> Section:
    paragraphs = ["You have rights over your record."]
    access = resolution.access.get("access")
    if access:
        days = access.rule.deadline.removeprefix("P")
        paragraphs.append(f"You can ask for a copy of your record. We will answer within {_plain_period(days)}.")
        if any("psychotherapy notes" in item for item in access.rule.excluded):
            paragraphs.append("My private session notes are kept apart from your record and are not part of the copy.")
    accounting = resolution.access.get("accounting_of_disclosures")
    if accounting:
        paragraphs.append(
            "You can ask for a list of the times I shared your information. "
            f"We will answer within {_plain_period(accounting.rule.deadline.removeprefix('P'))}."
        )
    if "erasure" in resolution.access:
        paragraphs.append("You can ask us to delete data we do not have to keep by law.")
    paragraphs.append("You can ask me to fix a mistake in your record. You can take back a sharing choice at any time.")
    return Section("Your rights", paragraphs)


def _plain_period(iso: str) -> str:
    number, unit = int(iso[:-1]), iso[-1]
    word = {"D": "day", "M": "month", "Y": "year"}[unit]
    return f"{number} {word}{'s' if number != 1 else ''}"


def _emergency(resolution: Resolution) -> str:
    for pack in resolution.packs:
        code = pack.jurisdiction.split("-")[0]
        if code in EMERGENCY_NUMBER:
            return EMERGENCY_NUMBER[code]
    return "your local emergency number"


def policy_generate(*, resolution: Resolution, practice_name: str) -> Policy:
    exceptions = _exceptions(resolution)
    emergency = _emergency(resolution)
    sections = [
        Section(
            "What stays private",
            [
                f"What you tell me at {practice_name} stays private.",
                "I do not share it without your written permission, except in the few cases below.",
            ],
        ),
        exceptions,
        Section(
            "How your records are kept safe",
            [
                "Your record is locked with its own key. Only people on your care team can open it.",
                "My private session notes are locked so that only I can read them.",
                "Each time someone opens your record, it is written in a log that no one can change.",
                "You can see that log on the page called Who has seen my record.",
            ],
        ),
        Section(
            "Who can see what",
            [
                "Your therapist and the people on your care team can read your record.",
                "A supervisor on your care team can read it to guide your care.",
                "Staff who do not treat you cannot read it.",
            ],
        ),
        _rights(resolution),
        Section(
            "Video sessions",
            [
                "Video sessions use a private link. Please join from a quiet place where no one can hear you.",
                "Please tell me where you are at the start of each session. The law of that place may apply.",
                "We do not record sessions. If the call drops, I will call you back.",
                f"In an emergency, call {emergency}.",
            ],
        ),
    ]
    citations = sorted(
        {
            f"{citation.cite} ({applied.pack}, {citation.verification.value})"
            for decision in resolution.decisions.values()
            for applied in decision.rules
            for citation in applied.rule.citations
        }
    )
    digest = hashlib.sha256("\n".join(exceptions.paragraphs).encode()).hexdigest()
    return Policy(sections=sections, citations=citations, exceptions_digest=digest)
