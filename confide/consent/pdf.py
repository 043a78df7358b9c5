"""PDFs of a signed agreement and of its consent receipt (fpdf2, pure Python; DejaVu fonts shipped)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from fpdf import FPDF

from confide.consent.document import AgreementDocument

FONTS = Path(__file__).parent / "fonts"


def _pdf(title: str, created: dt.datetime) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_creator("Confide")
    pdf.set_creation_date(created)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def _heading(pdf: FPDF, text: str, size: int = 12) -> None:
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)


def _lines(pdf: FPDF, lines: list[str]) -> None:
    pdf.set_font("DejaVu", "", 10)
    for line in lines:
        pdf.multi_cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def agreement_pdf(*, document: AgreementDocument, signed: dict[str, str], signed_at: dt.datetime) -> bytes:
    """The agreement as signed: every section, the practice's terms, the laws, then the signature block."""
    pdf = _pdf(document.title, signed_at)
    _heading(pdf, document.title, 15)
    _lines(pdf, [f"{document.practice_name} · version {document.version_number}"])
    for section in document.sections:
        _heading(pdf, section.title)
        _lines(pdf, section.paragraphs)
    _heading(pdf, "Our practice's terms")
    _lines(pdf, document.wording.splitlines() or [""])
    _heading(pdf, "Laws this is based on")
    _lines(pdf, [*document.citations, "Rule packs: " + ", ".join(document.pack_refs)])
    _heading(pdf, "Signature")
    _lines(pdf, [f"{label}: {value}" for label, value in signed.items()])
    return bytes(pdf.output())


def receipt_pdf(*, receipt: dict[str, Any], signed_at: dt.datetime) -> bytes:
    """A readable consent receipt; the JSON form is attached verbatim as the last section."""
    pdf = _pdf("Consent receipt", signed_at)
    _heading(pdf, "Consent receipt", 15)
    header, processing = receipt["header"], receipt["processing"]
    notice = processing["privacy_notice"]
    event = receipt["events"][0]
    _lines(
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
    _heading(pdf, "Machine-readable receipt (JSON)")
    pdf.set_font("DejaVu", "", 7)
    pdf.multi_cell(0, 3.5, json.dumps(receipt, indent=1), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
