"""PDFs of a signed agreement and of its consent receipt."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from confide.consent.document import AgreementDocument
from confide.lib.pdf import heading, lines, new_pdf


def agreement_pdf(*, document: AgreementDocument, signed: dict[str, str], signed_at: dt.datetime) -> bytes:
    """The agreement as signed: every section, the practice's terms, the laws, then the signature block."""
    pdf = new_pdf(document.title, signed_at)
    heading(pdf, document.title, 15)
    lines(pdf, [f"{document.practice_name} · version {document.version_number}"])
    for section in document.sections:
        heading(pdf, section.title)
        lines(pdf, section.paragraphs)
    heading(pdf, "Our practice's terms")
    lines(pdf, document.wording.splitlines() or [""])
    heading(pdf, "Laws this is based on")
    lines(pdf, [*document.citations, "Rule packs: " + ", ".join(document.pack_refs)])
    heading(pdf, "Signature")
    lines(pdf, [f"{label}: {value}" for label, value in signed.items()])
    return bytes(pdf.output())


def receipt_pdf(*, receipt: dict[str, Any], signed_at: dt.datetime) -> bytes:
    """A readable consent receipt; the JSON form is attached verbatim as the last section."""
    pdf = new_pdf("Consent receipt", signed_at)
    heading(pdf, "Consent receipt", 15)
    header, processing = receipt["header"], receipt["processing"]
    notice = processing["privacy_notice"]
    event = receipt["events"][0]
    lines(
        pdf,
        [
            f"Receipt id: {header['receipt_id']}",
            f"Record id: {header['record_id']}",
            f"Standard: {receipt['schema_version']}",
            f"Agreement: {notice['title']}, version {notice['version']}",
            f"Document hash (SHA-256): {notice['sha256']}",
            f"Practice: {processing['pii_controllers'][0]['name']}",
            f"When: {event['event_time']}",
            f"Event: {event['event_state']}",
            f"How: {processing['collection_method']}",
            f"Jurisdiction: {', '.join(processing['jurisdiction'])} ({', '.join(processing['rule_packs'])})",
            f"Withdraw or change sharing: {processing['withdrawal_method']}",
        ],
    )
    heading(pdf, "Machine-readable receipt (JSON)")
    lines(pdf, [json.dumps(receipt, indent=1)], size=7, height=3.5)
    return bytes(pdf.output())
