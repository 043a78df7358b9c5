"""Arrange measures through the real services."""

from __future__ import annotations

from datetime import datetime

from confide.audit.actions import Channel
from confide.measures.models import Administration, EarlyWarning
from confide.measures.services import administration_record
from tests.cast import Cast


def record(
    cast: Cast, instrument: str, answers: list[int | None], when: datetime | None = None
) -> tuple[Administration, list[EarlyWarning]]:
    return administration_record(
        entered_by=cast.clinician,
        client=cast.client,
        instrument=instrument,
        answers=answers,
        channel=Channel.WEB,
        when=when,
    )
