"""Questionnaire wording the portal may show, from data files in ``measures/content/`` (pure).

Each file holds a licence note and, per instrument, a stem, the items in order and the answer anchors.
Only freely reproducible wording is shipped (PHQ-9, GAD-7). CORE-10 (CC BY-ND 4.0) can be added as its own
file with the unmodified official text; licensed wording (ORS, SRS, WAI-SR) is never added here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from confide.measures.catalogue import CATALOGUE

FOLDER = Path(__file__).parent / "content"


@dataclass(frozen=True)
class Wording:
    stem: str
    items: list[str]
    anchors: list[str]
    licence: str


def wordings(folder: Path = FOLDER) -> dict[str, Wording]:
    found: dict[str, Wording] = {}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text())
        for instrument, text in data.items():
            if instrument.startswith("_") or instrument == "anchors":
                continue
            spec = CATALOGUE.get(instrument)
            if spec is None or spec.licence == "licensed-content-required":
                raise ValueError(f"{path.name}: {instrument!r} is unknown or its wording is licensed")
            anchors = text.get("anchors", data.get("anchors", []))
            if len(text["items"]) != len(spec.items) or len(anchors) != spec.maximum - spec.minimum + 1:
                raise ValueError(f"{path.name}: {instrument} needs {len(spec.items)} items and one anchor per value")
            found[instrument] = Wording(text["stem"], list(text["items"]), list(anchors), data.get("_licence", ""))
    return found
