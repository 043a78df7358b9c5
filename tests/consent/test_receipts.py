"""The signed agreement PDF and the ISO/IEC TS 27560 consent receipt."""

from __future__ import annotations

import io

from pypdf import PdfReader

from confide.consent.receipts import receipt_of, receipt_pdf_of, signed_pdf
from tests.cast import Cast
from tests.consent.helpers import sign


def _pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_the_agreement_pdf_shows_the_hash_the_signer_and_the_exceptions(cast: Cast) -> None:
    signature = sign(cast)
    document, body = signed_pdf(signature=signature, client=cast.client)
    text = _pdf_text(body)
    assert signature.document_sha256 in text.replace("\n", "")
    assert document.sha256 == signature.document_sha256  # rebuilt from the pinned pack versions
    assert "Signed by: Jordan Canary-Client" in text
    assert "I must try to warn that person" in text


def test_the_receipt_has_the_27560_fields(cast: Cast) -> None:
    signature = sign(cast)
    receipt = receipt_of(signature=signature, client=cast.client)
    assert receipt["schema_version"] == "ISO/IEC TS 27560:2023"
    assert receipt["header"] == {
        "record_id": str(signature.id),
        "receipt_id": str(signature.receipt_id),
        "pii_principal_id": str(cast.client.id),
    }
    processing = receipt["processing"]
    assert processing["privacy_notice"]["sha256"] == signature.document_sha256
    assert processing["jurisdiction"] == ["US", "US-CA"]
    assert processing["withdrawal_method"].endswith("/portal/sharing/")
    for field in (
        "language",
        "purposes",
        "pii_information",
        "pii_controllers",
        "storage_locations",
        "retention_period",
        "recipient_third_parties",
    ):
        assert processing[field], field
    assert receipt["events"][0]["event_state"] == "dpv:ConsentGiven"


def test_the_receipt_never_names_the_client(cast: Cast) -> None:
    signature = sign(cast)
    assert "Jordan" not in str(receipt_of(signature=signature, client=cast.client))
    assert "Jordan" not in _pdf_text(receipt_pdf_of(signature=signature, client=cast.client))


def test_a_renewal_receipt_says_renewed(cast: Cast) -> None:
    sign(cast)
    receipt = receipt_of(signature=sign(cast), client=cast.client)
    assert receipt["events"][0]["event_state"] == "dpv:RenewedConsentGiven"
