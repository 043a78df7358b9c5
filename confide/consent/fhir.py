"""Consent directives as FHIR R5 ``Consent`` resources, and Confide's own code checks (pure core).

``fhir.resources`` validates structure but not code bindings, so every code we emit is
checked here against the value sets we use (research legal.md §1.4, §6b).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
V3_ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
CONSENT_ACTION = "http://terminology.hl7.org/CodeSystem/consentaction"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
LOINC = "http://loinc.org"
CATEGORY_SYSTEM = "urn:confide:codesystem:record-category"

CATEGORIES = {
    "attendance": "Attendance only (dates and times of sessions)",
    "summary": "Treatment summary",
    "diagnoses": "Diagnoses",
    "progress_notes": "Progress notes",
}
PURPOSES = {"TREAT": "Coordinating my care", "PATRQT": "At my own request (for example, family support)"}
RECIPIENT_KINDS = {
    "clinician": "Another clinician",
    "gp": "My GP or doctor",
    "family": "A family member",
    "other": "Someone else",
}

ALLOWED = {
    "status": {"draft", "active", "inactive", "not-done", "entered-in-error", "unknown"},
    "decision": {"permit", "deny"},
    CONSENT_ACTION: {"collect", "access", "use", "disclose", "correct"},
    V3_ACT_REASON: set(PURPOSES),
    V3_ACT_CODE: {"PSY", "PSYTHPN", "ETH", "BH"},
    PARTICIPATION: {"IRCP"},
    LOINC: {"59284-0"},
    CATEGORY_SYSTEM: set(CATEGORIES),
}


@dataclass(frozen=True)
class DirectiveFacts:
    id: str
    client_id: str
    practice_name: str
    recipient_name: str
    categories: list[str]
    purpose: str
    valid_from: dt.date
    valid_to: dt.date | None
    active: bool
    created: dt.date
    pack_refs: list[str]


def _coding(system: str, code: str) -> dict[str, str]:
    return {"system": system, "code": code}


def consent_resource(facts: DirectiveFacts) -> dict[str, Any]:
    """Base decision *deny*; one permit provision for the recipient, with psychotherapy notes denied again."""
    period = {"start": facts.valid_from.isoformat()} | ({"end": facts.valid_to.isoformat()} if facts.valid_to else {})
    patient = {"reference": f"Patient/{facts.client_id}"}
    return {
        "resourceType": "Consent",
        "id": facts.id,
        "status": "active" if facts.active else "inactive",
        "category": [{"coding": [_coding(LOINC, "59284-0") | {"display": "Patient Consent"}]}],
        "subject": patient,
        "date": facts.created.isoformat(),
        "period": period,
        "grantor": [patient],
        "grantee": [{"display": facts.recipient_name}],
        "controller": [{"display": facts.practice_name}],
        "policyBasis": {"url": "urn:confide:rulepacks:" + ",".join(facts.pack_refs)},
        "decision": "deny",
        "provision": [
            {
                "period": period,
                "actor": [
                    {
                        "role": {"coding": [_coding(PARTICIPATION, "IRCP")]},
                        "reference": {"display": facts.recipient_name},
                    }
                ],
                "action": [{"coding": [_coding(CONSENT_ACTION, "disclose")]}],
                "purpose": [_coding(V3_ACT_REASON, facts.purpose)],
                "securityLabel": [_coding(V3_ACT_CODE, "PSY")],
                "documentType": [_coding(CATEGORY_SYSTEM, c) for c in facts.categories],
                # Psychotherapy notes need their own HIPAA authorization (45 CFR 164.508(a)(2)): never here.
                "provision": [{"securityLabel": [_coding(V3_ACT_CODE, "PSYTHPN")]}],
            }
        ],
    }


def code_problems(resource: dict[str, Any]) -> list[str]:
    """Every code that is not in the value set it is bound to."""
    problems = []
    for field in ("status", "decision"):
        if resource.get(field) not in ALLOWED[field]:
            problems.append(f"{field}: {resource.get(field)!r} is not an allowed code")

    def walk(node: object) -> None:
        if isinstance(node, dict):
            system, code = node.get("system"), node.get("code")
            if isinstance(system, str) and code is not None:
                if system not in ALLOWED:
                    problems.append(f"unknown code system {system}")
                elif code not in ALLOWED[system]:
                    problems.append(f"{system}: {code!r} is not an allowed code")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(resource)
    return problems
