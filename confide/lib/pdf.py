"""Small PDF building blocks over fpdf2 (pure Python), with the DejaVu fonts shipped in lib/fonts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).parent / "fonts"


def new_pdf(title: str, created: dt.datetime) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_creator("Confide")
    pdf.set_creation_date(created)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def heading(pdf: FPDF, text: str, size: int = 12) -> None:
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)


def lines(pdf: FPDF, texts: list[str], *, size: int = 10, height: float = 5.5) -> None:
    pdf.set_font("DejaVu", "", size)
    for text in texts:
        pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
