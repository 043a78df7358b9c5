"""The crisis lines a client is shown: those of where they live (their own jurisdiction, else the
practice's), through the packs' layering."""

from __future__ import annotations

import functools

from django.utils import timezone

from confide.clients.models import Client
from confide.consent.selectors import rule_library
from confide.rulepacks.crisis import Crisis, Lines, crisis_for, load_crisis
from confide.rulepacks.resolve import layered


@functools.cache
def _lines() -> dict[str, Lines]:
    return load_crisis()[0]  # (the system check refuses to start with a problem in them)


def crisis_for_client(client: Client) -> Crisis | None:
    ids = [client.jurisdiction] if client.jurisdiction else list(client.practice.jurisdictions)
    try:
        packs = layered(rule_library(), ids, timezone.localdate())
    except LookupError:  # no pack in force: the page names the local emergency number in words instead
        return None
    return crisis_for(_lines(), [p.id for p in packs])
