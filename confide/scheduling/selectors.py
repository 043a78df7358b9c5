"""A clinician's view across their clients: consistency, alliance, and their own reliability."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import events_record_for_clients
from confide.careteams.models import CareTeamMember
from confide.clients.directory import directory_rows
from confide.clients.models import Client
from confide.measures.models import Administration
from confide.practices.models import Member
from confide.scheduling.consistency import (
    ClientConsistency,
    ClinicianConsistency,
    Visit,
    client_consistency,
    clinician_consistency,
)
from confide.scheduling.models import Appointment, Series


@dataclass(frozen=True)
class ClientRow:
    id: uuid.UUID
    name: str
    figures: ClientConsistency
    latest_srs: float | None


def overview_for(
    *, member: Member, channel: Channel, record: bool = True
) -> tuple[list[ClientRow], ClinicianConsistency]:
    """Each client on the member's care teams (primary or clinician) and the member's own figures.

    ``record=False`` only where the same request has already recorded listing these clients (the dashboard).
    """
    now = timezone.now()
    ids = list(
        CareTeamMember.objects.filter(
            practice_id=member.practice_id, member=member, team_role__in=["primary", "clinician"]
        ).values_list("client_id", flat=True)
    )
    names = {
        uuid.UUID(hex=cid): name for cid, name, _ in directory_rows(practice_id=member.practice_id, client_ids=ids)
    }
    visits: dict[uuid.UUID, list[Visit]] = {}
    for a in Appointment.objects.filter(practice_id=member.practice_id, client_id__in=ids):
        visits.setdefault(a.client_id, []).append(Visit(a.start_at, a.status, a.clinician_late_minutes))
    cadence = dict(Series.objects.filter(client_id__in=ids, ended_at=None).values_list("client_id", "cadence_days"))
    srs: dict[uuid.UUID, float] = {}
    latest = Administration.objects.filter(practice_id=member.practice_id, client_id__in=ids, instrument="srs")
    clients = {c.id: c for c in Client.objects.filter(id__in=ids)}
    for row in latest.order_by("completed_at"):
        srs[row.client_id] = json.loads(row.open("result", key=clients[row.client_id].data_key()))["total"]
    rows = [
        ClientRow(
            cid,
            names[cid],
            client_consistency(visits.get(cid, []), cadence_days=cadence.get(cid), now=now),
            srs.get(cid),
        )
        for cid in ids
        if cid in names
    ]
    own = [
        Visit(a.start_at, a.status, a.clinician_late_minutes)
        for a in Appointment.objects.filter(practice_id=member.practice_id, clinician=member)
    ]
    if record:
        with transaction.atomic():
            events_record_for_clients(
                actor=member, action=AuditAction.CLIENT_LIST, channel=channel, client_ids=[r.id for r in rows]
            )
    return sorted(rows, key=lambda r: r.name.casefold()), clinician_consistency(own, now=now)
