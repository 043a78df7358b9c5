"""An accounting entry as a FHIR R5 AuditEvent (research legal.md §1.2, §6c)."""

from __future__ import annotations

from typing import Any

from confide.disclosures.models import AccountingEntry

DCM = "http://dicom.nema.org/resources/ontology/DCM"
OUTCOME = "http://terminology.hl7.org/CodeSystem/audit-event-outcome"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
RULES = "urn:confide:codesystem:rulepack-rule"


def audit_event_resource(entry: AccountingEntry) -> dict[str, Any]:
    key = entry.client.data_key()
    patient = {"reference": f"Patient/{entry.client_id}"}
    return {
        "resourceType": "AuditEvent",
        "id": str(entry.id),
        "code": {"coding": [{"system": DCM, "code": "110106", "display": "Export"}]},
        "action": "E",
        "recorded": entry.disclosed_at.isoformat(),
        "outcome": {"code": {"system": OUTCOME, "code": "0", "display": "Success"}},
        "authorization": [
            {"coding": [{"system": RULES, "code": entry.basis_rule_id}], "text": ", ".join(entry.pack_refs)}
        ],
        "patient": patient,
        "agent": [
            {"who": {"reference": f"Practitioner/{entry.decided_by_id}"}, "requestor": True},
            {
                "who": {"display": entry.open("recipient_name", key=key)},
                "role": [{"coding": [{"system": PARTICIPATION, "code": "IRCP"}]}],
                "requestor": False,
            },
        ],
        "source": {"observer": {"display": entry.practice.name}},
        "entity": [
            {
                "what": patient,
                "securityLabel": [{"coding": [{"system": CONFIDENTIALITY, "code": "R"}]}],
                "detail": [{"type": {"text": "package-sha256"}, "valueString": entry.package_sha256 or "none"}],
            }
        ],
    }
