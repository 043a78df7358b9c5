"""The instrument catalogue as data (pure): items, response bounds, bands, cut-offs, reliable change.

Sources and verification marks: shared research instruments.md (V primary, S secondary, U unverified).
Licensed wording (ORS, SRS, WAI-SR) is never shipped: only item keys, bounds and scoring.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Instrument:
    id: str
    name: str
    items: tuple[str, ...]  # item keys, in order
    minimum: int
    maximum: int
    higher_is_better: bool
    licence: str  # "public", "cc-by-nd", "licensed-content-required"
    bands: tuple[tuple[int, int, str], ...] = ()  # (low, high, band) on the total, inclusive
    reliable_change: float | None = None  # points; None: no published threshold
    reliable_change_source: str = ""
    reversed_items: tuple[int, ...] = ()  # 1-based
    subscales: dict[str, tuple[int, ...]] = field(default_factory=dict)
    visual_analogue: bool = False  # answers are line marks in whole millimetres (0–100); total in cm
    loinc_panel: str = ""
    loinc_total: str = ""
    loinc_items: tuple[str, ...] = ()
    copyright: str = ""


PFIZER = (
    "Copyright © Pfizer Inc. All rights reserved. Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, "
    "Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, "
    "translate, display or distribute."
)

CATALOGUE: dict[str, Instrument] = {
    "phq9": Instrument(
        id="phq9",
        name="PHQ-9",
        items=tuple(f"q{n}" for n in range(1, 10)),
        minimum=0,
        maximum=3,
        higher_is_better=False,
        licence="public",
        bands=(
            (0, 4, "minimal"),
            (5, 9, "mild"),
            (10, 14, "moderate"),
            (15, 19, "moderately_severe"),
            (20, 27, "severe"),
        ),
        reliable_change=6,
        reliable_change_source="IAPT / NHS Talking Therapies (S)",
        loinc_panel="44249-1",
        loinc_total="44261-6",
        loinc_items=("44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"),
        copyright=PFIZER,
    ),
    "gad7": Instrument(
        id="gad7",
        name="GAD-7",
        items=tuple(f"q{n}" for n in range(1, 8)),
        minimum=0,
        maximum=3,
        higher_is_better=False,
        licence="public",
        bands=((0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe")),
        reliable_change=4,
        reliable_change_source="IAPT / NHS Talking Therapies (S)",
        loinc_panel="69737-5",
        loinc_total="70274-6",
        loinc_items=("69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"),
        copyright=PFIZER,
    ),
    "core10": Instrument(
        id="core10",
        name="CORE-10",
        items=tuple(f"q{n}" for n in range(1, 11)),
        minimum=0,
        maximum=4,
        higher_is_better=False,
        licence="cc-by-nd",
        reversed_items=(2, 3),  # support and coping are positively worded (V: CamCOPS)
        # Severity bands: two secondary sources disagree (instruments.md §3.7), so none are shipped.
        copyright="© CORE System Trust, CC BY-ND 4.0: https://www.coreims.co.uk/CORE_Copyright.html",
    ),
    "ors": Instrument(
        id="ors",
        name="Outcome Rating Scale",
        items=("individual", "interpersonal", "social", "overall"),
        minimum=0,
        maximum=100,
        higher_is_better=True,
        licence="licensed-content-required",
        visual_analogue=True,
        reliable_change=5,
        reliable_change_source="PCOMS secondary guides (S)",
        copyright="© 2000, Scott D. Miller and Barry L. Duncan",
    ),
    "srs": Instrument(
        id="srs",
        name="Session Rating Scale 3.0",
        items=("relationship", "goals", "approach", "overall"),
        minimum=0,
        maximum=100,
        higher_is_better=True,
        licence="licensed-content-required",
        visual_analogue=True,
        copyright=(
            "© 2002, Scott D. Miller, Barry L. Duncan, & Lynn Johnson; International Center for Clinical Excellence"
        ),
    ),
    "wai-sr": Instrument(
        id="wai-sr",
        name="Working Alliance Inventory – Short Revised (client)",
        items=tuple(f"q{n}" for n in range(1, 13)),
        minimum=1,
        maximum=5,
        higher_is_better=True,
        licence="licensed-content-required",
        subscales={"task": (1, 2, 10, 12), "goal": (4, 6, 8, 11), "bond": (3, 5, 7, 9)},
    ),
}
