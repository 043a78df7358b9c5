"""Administrations as FHIR R5 QuestionnaireResponse, LOINC-coded for PHQ-9 and GAD-7 (instruments.md §6)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from confide.measures.catalogue import CATALOGUE

LOINC = "http://loinc.org"
ANSWERS = [
    ("LA6568-5", "Not at all"),
    ("LA6569-3", "Several days"),
    ("LA6570-1", "More than half the days"),
    ("LA6571-9", "Nearly every day"),
]
LOCAL = "urn:confide:codesystem:instrument-items"


def questionnaire_response(
    *, id: str, instrument: str, answers: list[int | None], total: float, client_id: str, authored: datetime
) -> dict[str, Any]:
    spec = CATALOGUE[instrument]
    items: list[dict[str, Any]] = []
    for index, value in enumerate(answers):
        if value is None:
            continue
        if spec.loinc_items:
            code, display = ANSWERS[value]
            items.append(
                {
                    "linkId": f"/{spec.loinc_items[index]}",
                    "answer": [{"valueCoding": {"system": LOINC, "code": code, "display": display}}],
                }
            )
        else:
            items.append({"linkId": f"{instrument}.{spec.items[index]}", "answer": [{"valueInteger": value}]})
    if spec.loinc_total:
        items.append({"linkId": f"/{spec.loinc_total}", "answer": [{"valueInteger": int(total)}]})
    questionnaire = f"http://loinc.org/q/{spec.loinc_panel}" if spec.loinc_panel else f"{LOCAL}/{instrument}"
    return {
        "resourceType": "QuestionnaireResponse",
        "id": id,
        "questionnaire": questionnaire,
        "status": "completed",
        "subject": {"reference": f"Patient/{client_id}"},
        "authored": authored.isoformat(),
        "item": items,
    }
