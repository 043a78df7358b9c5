"""Changes to who may see a client; every change is audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.careteams.models import CareTeamMember
from confide.clients.models import Client
from confide.lib.lookup import one_or_404
from confide.practices.models import Member
from confide.practices.permissions import Permission, Role

_ALLOWED = {
    Role.OWNER: {CareTeamMember.TeamRole.PRIMARY, CareTeamMember.TeamRole.CLINICIAN},
    Role.CLINICIAN: {CareTeamMember.TeamRole.PRIMARY, CareTeamMember.TeamRole.CLINICIAN},
    Role.SUPERVISOR: {CareTeamMember.TeamRole.SUPERVISOR},
}


def careteam_add(*, actor: Member, client: Client, member: Member, team_role: str, channel: Channel) -> CareTeamMember:
    if not actor.has(Permission.PRACTICE_CARETEAM_MANAGE):
        raise Http404
    if client.practice_id != actor.practice_id or member.practice_id != actor.practice_id:
        raise Http404
    if not member.is_active or team_role not in _ALLOWED.get(member.role_enum, set()):
        raise ValidationError({"team_role": "That member cannot hold this role on a care team."})
    try:
        with transaction.atomic():
            seat = CareTeamMember.objects.create(
                practice_id=actor.practice_id, client=client, member=member, team_role=team_role
            )
            event_record(
                actor=actor,
                action=AuditAction.CARETEAM_ADD,
                channel=channel,
                client_id=client.id,
                object_type="member",
                object_id=str(member.id),
            )
    except IntegrityError:
        raise ValidationError({"member": "That member is already on this care team."}) from None
    return seat


def careteam_remove(*, actor: Member, seat_id: int, channel: Channel) -> None:
    if not actor.has(Permission.PRACTICE_CARETEAM_MANAGE):
        raise Http404
    seat = one_or_404(CareTeamMember.objects.all(), practice_id=actor.practice_id, pk=seat_id)
    with transaction.atomic():
        event_record(
            actor=actor,
            action=AuditAction.CARETEAM_REMOVE,
            channel=channel,
            client_id=seat.client_id,
            object_type="member",
            object_id=str(seat.member_id),
        )
        seat.delete()
