"""The client's accounting of disclosures as a PDF (45 CFR 164.528(b)(2) contents)."""

from __future__ import annotations

import datetime as dt

from confide.disclosures.selectors import AccountingLine
from confide.lib.pdf import heading, lines, new_pdf


def accounting_pdf(*, practice: str, entries: list[AccountingLine], produced: dt.datetime) -> bytes:
    pdf = new_pdf("Accounting of disclosures", produced)
    heading(pdf, "Accounting of disclosures", 15)
    lines(pdf, [f"{practice} · produced {produced:%Y-%m-%d %H:%M} UTC · the last six years"])
    if not entries:
        lines(pdf, ["No disclosures were made without your permission in this period."])
    for entry in entries:
        heading(pdf, f"{entry.disclosed_at:%d %B %Y}")
        lines(
            pdf,
            [
                f"To: {entry.recipient}" + (f", {entry.address}" if entry.address else ""),
                f"What: {entry.description}",
                f"Why: {entry.purpose}",
                f"Legal basis: {entry.basis}",
                *([f"Corrects the entry {entry.corrects}"] if entry.corrects else []),
            ],
        )
    return bytes(pdf.output())
