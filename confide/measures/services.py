"""Record, read and act on measures; every read and write audited in the same transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.careteams.models import CareTeamMember
from confide.clients.directory import directory_rows
from confide.clients.models import Client
from confide.lib.lookup import one_or_404
from confide.measures import InvalidAnswersError, Score, score
from confide.measures.content import wordings
from confide.measures.models import Administration, Assignment, EarlyWarning, Plan
from confide.measures.series import Point
from confide.measures.warnings import alerts_for
from confide.practices.models import Member
from confide.practices.permissions import Permission
from confide.vault.keyring import DataKey

# Instruments whose wording is shipped (content files); licensed ones are entered by the clinician.
WORDINGS = wordings()
PORTAL_INSTRUMENTS = tuple(WORDINGS)


def _result(administration: Administration, key: DataKey) -> Score:
    data = json.loads(administration.open("result", key=key))
    return Score(administration.instrument, data["total"], data["band"], frozenset(data["flags"]))


def assignment_create(*, actor: Member, client: Client, instrument: str, channel: Channel) -> Assignment:
    if not actor.has(Permission.MEASURES_WRITE):
        raise Http404
    if instrument not in PORTAL_INSTRUMENTS:
        raise ValidationError({"instrument": "Clients complete only questionnaires whose wording is installed."})
    with transaction.atomic():
        assignment = Assignment.objects.create(
            practice_id=client.practice_id, client=client, instrument=instrument, assigned_by=actor
        )
        event_record(
            actor=actor,
            action=AuditAction.MEASURE_ASSIGN,
            channel=channel,
            client_id=client.id,
            object_type="assignment",
            object_id=str(assignment.id),
        )
    return assignment


def plan_set(*, actor: Member, client: Client, instrument: str, every_sessions: int, channel: Channel) -> None:
    """Ask every N attended sessions (0 stops asking)."""
    if not actor.has(Permission.MEASURES_WRITE):
        raise Http404
    if instrument not in PORTAL_INSTRUMENTS or not 0 <= every_sessions <= 12:
        raise ValidationError({"every_sessions": "Choose a portal questionnaire, every 1 to 12 sessions (0 to stop)."})
    with transaction.atomic():
        if every_sessions == 0:
            Plan.objects.filter(practice_id=client.practice_id, client=client, instrument=instrument).delete()
        else:
            Plan.objects.update_or_create(
                practice_id=client.practice_id,
                client=client,
                instrument=instrument,
                defaults={"every_sessions": every_sessions, "created_by": actor},
            )
        event_record(
            actor=actor,
            action=AuditAction.MEASURE_ASSIGN,
            channel=channel,
            client_id=client.id,
            object_type="measure-plan",
            purpose=f"{instrument} every {every_sessions}",
        )


def plans_apply(*, actor: Member, client: Client, attended: int, channel: Channel) -> list[Assignment]:
    """After the ``attended``-th session: assign each planned instrument that falls due (once)."""
    created = []
    for plan in Plan.objects.filter(practice_id=client.practice_id, client=client):
        pending = Assignment.objects.filter(client=client, instrument=plan.instrument, completed_at=None).exists()
        if attended % plan.every_sessions == 0 and not pending:
            created.append(assignment_create(actor=actor, client=client, instrument=plan.instrument, channel=channel))
    return created


def administration_record(
    *,
    entered_by: Member,
    client: Client,
    instrument: str,
    answers: list[int | None],
    channel: Channel,
    assignment: Assignment | None = None,
    when: datetime | None = None,
) -> tuple[Administration, list[EarlyWarning]]:
    """Score, seal and store an administration; raise its early warnings in the same transaction."""
    try:
        result = score(instrument, answers)
    except InvalidAnswersError as exc:
        raise ValidationError({"answers": str(exc)}) from None
    key = client.data_key()
    last = (
        Administration.objects.filter(practice_id=client.practice_id, client=client, instrument=instrument)
        .order_by("-completed_at")
        .first()
    )
    previous = _result(last, key) if last else None
    administration = Administration(
        practice_id=client.practice_id,
        client=client,
        instrument=instrument,
        entered_by=entered_by,
        assignment=assignment,
        completed_at=when or timezone.now(),
    )
    administration.seal("answers", json.dumps(answers), key=key)
    administration.seal(
        "result", json.dumps({"total": result.total, "band": result.band, "flags": sorted(result.flags)}), key=key
    )
    warnings = []
    with transaction.atomic():
        administration.save()
        for alert in alerts_for(result, previous):
            warning = EarlyWarning(practice_id=client.practice_id, client=client, administration=administration)
            detail = {"kind": alert.kind, "message": alert.message, "rule": alert.rule, "basis": alert.basis}
            warning.seal("detail", json.dumps(detail), key=key)
            warning.save()
            warnings.append(warning)
        if assignment is not None:
            Assignment.objects.filter(pk=assignment.pk).update(completed_at=administration.completed_at)
        event_record(
            actor=entered_by,
            action=AuditAction.MEASURE_RECORD,
            channel=channel,
            client_id=client.id,
            object_type="administration",
            object_id=str(administration.id),
        )
    return administration, warnings


def history_for(*, member: Member, client: Client, channel: Channel) -> dict[str, list[Point]]:
    """Each instrument's results over time, oldest first (the caller reached the client through the funnel)."""
    if not member.has(Permission.MEASURES_READ):
        raise Http404
    key = client.data_key()
    series: dict[str, list[Point]] = {}
    rows = Administration.objects.filter(practice_id=client.practice_id, client=client).order_by("completed_at")
    for row in rows:
        result = _result(row, key)
        series.setdefault(row.instrument, []).append(
            Point(str(row.id), row.completed_at, result.total, result.band, result.flags)
        )
    with transaction.atomic():
        event_record(
            actor=member, action=AuditAction.MEASURE_READ, channel=channel, client_id=client.id, object_type="measures"
        )
    return series


@dataclass(frozen=True)
class OpenWarning:
    id: str
    client_id: str
    client_name: str
    raised_at: datetime
    kind: str
    message: str
    rule: str
    basis: str


def warnings_open_for(*, member: Member) -> list[OpenWarning]:
    """Open early warnings for the clients on the member's care teams, risk first."""
    if not member.has(Permission.MEASURES_READ):
        return []
    client_ids = list(
        CareTeamMember.objects.filter(practice_id=member.practice_id, member=member).values_list("client_id", flat=True)
    )
    rows = list(
        EarlyWarning.objects.filter(practice_id=member.practice_id, client_id__in=client_ids, acknowledged_at=None)
        .select_related("client")
        .order_by("raised_at")
    )
    names = {
        cid: name
        for cid, name, _ in directory_rows(practice_id=member.practice_id, client_ids=[w.client_id for w in rows])
    }
    found = []
    for row in rows:
        detail = json.loads(row.open("detail", key=row.client.data_key()))
        found.append(
            OpenWarning(str(row.id), str(row.client_id), names.get(row.client_id.hex, "—"), row.raised_at, **detail)
        )
    return sorted(found, key=lambda w: (w.kind != "risk", w.raised_at))


def warning_acknowledge(*, member: Member, warning_id: object, note: str, channel: Channel) -> None:
    if not note.strip():
        raise ValidationError({"note": "Record what you did (e.g. risk reviewed, safety plan updated)."})
    with transaction.atomic():
        warning = one_or_404(
            EarlyWarning.objects.select_for_update().select_related("client"),
            practice_id=member.practice_id,
            pk=str(warning_id),
            acknowledged_at=None,
        )
        on_team = CareTeamMember.objects.filter(client_id=warning.client_id, member=member).exists()
        if not on_team or not member.has(Permission.MEASURES_READ):
            raise Http404
        warning.acknowledged_by, warning.acknowledged_at = member, timezone.now()
        warning.seal("note", note.strip(), key=warning.client.data_key())
        warning.save(update_fields=["acknowledged_by", "acknowledged_at", "note_ct"])
        event_record(
            actor=member,
            action=AuditAction.WARNING_ACKNOWLEDGE,
            channel=channel,
            client_id=warning.client_id,
            object_type="early-warning",
            object_id=str(warning.id),
        )
