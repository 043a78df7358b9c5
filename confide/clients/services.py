"""Writes to the client record."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.careteams.models import CareTeamMember
from confide.clients.directory import directory_seal
from confide.clients.models import TABLE, Client
from confide.clients.validation import clean_email, clean_name
from confide.practices.models import Member
from confide.practices.permissions import Permission, Role
from confide.vault.sealing import blind_index, new_wrapped_key


class PermissionDeniedError(Exception):
    """The actor's role does not allow this write."""


def email_blind_index(email: str) -> bytes:
    return blind_index(email.casefold(), table=TABLE, column="email")


def client_create(*, actor: Member, name: object, email: object = "", channel: Channel) -> Client:
    """Create a client, put the creating clinician on its care team, and audit it."""
    if not actor.has(Permission.CLIENTS_CLIENT_CREATE):
        raise PermissionDeniedError
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for field, value, cleaner in (("name", name, clean_name), ("email", email, clean_email)):
        try:
            clean[field] = cleaner(value)
        except ValueError as exc:
            errors[field] = str(exc)
    if errors:
        raise ValidationError(errors)

    client_id = uuid.uuid4()
    client = Client(id=client_id, practice_id=actor.practice_id, created_by=actor)
    client.wrapped_key = new_wrapped_key(practice_id=actor.practice_id, client_id=client_id)
    key = client.data_key()
    client.name_ct = client.seal("name", clean["name"], key=key)
    client.name_dir_ct = directory_seal(practice_id=actor.practice_id, client_id=client_id, name=clean["name"])
    if clean["email"]:
        client.email_ct = client.seal("email", clean["email"], key=key)
        client.email_bidx = email_blind_index(clean["email"])
    with transaction.atomic():
        client.save(force_insert=True)
        if actor.role_enum in (Role.CLINICIAN, Role.OWNER):
            CareTeamMember.objects.create(
                practice_id=actor.practice_id, client=client, member=actor, team_role=CareTeamMember.TeamRole.PRIMARY
            )
        event_record(
            actor=actor, action=AuditAction.CLIENT_CREATE, channel=channel, client_id=client_id, object_type="client"
        )
    return client
