"""Consent receipts shaped after ISO/IEC TS 27560:2023 (via the W3C DPV guide), pure core.

One receipt per signature: header, processing, parties and event. Identifiers, not PHI: the
client is named by an opaque id (the PII principal id), never by name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

SCHEMA = "ISO/IEC TS 27560:2023"


@dataclass(frozen=True)
class ReceiptFacts:
    receipt_id: str
    record_id: str  # the signature id
    principal_id: str  # the client id (opaque)
    practice_name: str
    practice_contact: str
    agreement_title: str
    version_number: int
    document_sha256: str
    pack_refs: list[str]
    jurisdictions: list[str]
    signed_at: dt.datetime
    event_state: str  # "given" or "renewed"
    method: str
    withdrawal_url: str
    retention: str
    recipients: list[str]


def receipt_build(facts: ReceiptFacts) -> dict[str, Any]:
    state = "dpv:ConsentGiven" if facts.event_state == "given" else "dpv:RenewedConsentGiven"
    return {
        "schema_version": SCHEMA,
        "header": {
            "record_id": facts.record_id,
            "receipt_id": facts.receipt_id,
            "pii_principal_id": facts.principal_id,
        },
        "processing": {
            "privacy_notice": {
                "title": facts.agreement_title,
                "version": facts.version_number,
                "sha256": facts.document_sha256,
            },
            "language": "en",
            "purposes": [
                {"purpose": "Providing psychotherapy and keeping the clinical record", "lawful_basis": "contract"},
            ],
            "pii_information": ["contact details", "health information (special category)", "session records"],
            "pii_controllers": [{"name": facts.practice_name, "contact": facts.practice_contact}],
            "collection_method": facts.method,
            "storage_locations": ["the practice's Confide server, encrypted under the client's own key"],
            "retention_period": facts.retention,
            "jurisdiction": facts.jurisdictions,
            "rule_packs": facts.pack_refs,
            "recipient_third_parties": facts.recipients,
            "withdrawal_method": facts.withdrawal_url,
            "privacy_rights": ["access", "amendment", "accounting of disclosures", "withdraw sharing permissions"],
        },
        "parties": [
            {"role": "pii_controller", "name": facts.practice_name, "contact": facts.practice_contact},
            {"role": "pii_principal", "id": facts.principal_id},
        ],
        "events": [
            {
                "event_time": facts.signed_at.isoformat(),
                "validity_duration": "until withdrawn or renewed",
                "entity_id": facts.principal_id,
                "event_type": "dpv:ExplicitlyExpressedConsent",
                "event_state": state,
            }
        ],
    }
