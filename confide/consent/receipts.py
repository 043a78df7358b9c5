"""Assemble a signature's receipt and PDFs from stored facts (reads only; the caller audits)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from confide.clients.models import Client
from confide.consent.document import AgreementDocument
from confide.consent.models import AgreementKind, Signature
from confide.consent.pdf import agreement_pdf, receipt_pdf
from confide.consent.receipt import ReceiptFacts, receipt_build
from confide.consent.selectors import document_of_signature, rule_library
from confide.web.links import absolute


def receipt_of(*, signature: Signature, client: Client) -> dict[str, Any]:
    practice = client.practice
    library = rule_library()
    packs = [library.by_ref(ref) for ref in signature.pack_refs]
    retention = ", ".join(
        f"{r.record_class.replace('_', ' ')}: {r.adult} after {r.adult_anchor}" for p in packs for r in p.retention
    )
    facts = ReceiptFacts(
        receipt_id=str(signature.receipt_id),
        record_id=str(signature.id),
        principal_id=str(client.id),
        practice_name=practice.name,
        practice_contact=absolute("/"),
        agreement_title=AgreementKind(signature.version.kind).label,
        version_number=signature.version.number,
        document_sha256=signature.document_sha256,
        pack_refs=list(signature.pack_refs),
        jurisdictions=[p.jurisdiction for p in packs],
        signed_at=signature.signed_at,
        event_state=signature.event,
        method=signature.method,
        withdrawal_url=absolute(reverse("portal_directives")),
        retention=retention or "as the law of the practice's jurisdiction requires",
        recipients=["no one without your permission, except as the agreement explains"],
    )
    return receipt_build(facts)


def signed_pdf(*, signature: Signature, client: Client) -> tuple[AgreementDocument, bytes]:
    document = document_of_signature(signature=signature, practice=client.practice)
    key = client.data_key()
    signed = {
        "Signed by": signature.open("typed_name", key=key),
        "When (UTC)": signature.signed_at.strftime("%Y-%m-%d %H:%M:%S"),
        "How": signature.method,
        "Document hash (SHA-256)": signature.document_sha256,
        "Receipt id": str(signature.receipt_id),
    }
    return document, agreement_pdf(document=document, signed=signed, signed_at=signature.signed_at)


def receipt_pdf_of(*, signature: Signature, client: Client) -> bytes:
    return receipt_pdf(receipt=receipt_of(signature=signature, client=client), signed_at=signature.signed_at)
