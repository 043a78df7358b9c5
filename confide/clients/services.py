"""Writes to the client record."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.careteams.models import CareTeamMember
from confide.clients.directory import directory_seal
from confide.clients.models import TABLE, Client
from confide.clients.validation import clean_date_of_birth, clean_diagnoses, clean_email, clean_name, clean_phone
from confide.practices.models import Member, Practice
from confide.practices.permissions import Permission, Role
from confide.vault.sealing import blind_index, new_wrapped_key


class PermissionDeniedError(Exception):
    """The actor's role does not allow this write."""


def lookup_index(column: str, value: str) -> bytes:
    """The blind index of a normalised value (case-insensitive for e-mail and client number)."""
    return blind_index(value.casefold(), table=TABLE, column=column)


def email_blind_index(email: str) -> bytes:
    return lookup_index("email", email)


def _clean(fields: dict[str, tuple[object, Callable[[object], str]]]) -> dict[str, str]:
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for field, (value, cleaner) in fields.items():
        try:
            clean[field] = cleaner(value)
        except ValueError as exc:
            errors[field] = str(exc)
    if errors:
        raise ValidationError(errors)
    return clean


def client_create(
    *,
    actor: Member,
    name: object,
    email: object = "",
    phone: object = "",
    date_of_birth: object = "",
    diagnoses: object = "",
    jurisdiction: str = "",
    channel: Channel,
) -> Client:
    """Create a client with the next client number, put the creating clinician on its care team, audit it."""
    from confide.consent.services import known_jurisdictions

    if not actor.has(Permission.CLIENTS_CLIENT_CREATE):
        raise PermissionDeniedError
    if jurisdiction and jurisdiction not in known_jurisdictions():
        raise ValidationError({"jurisdiction": "Choose a jurisdiction from the list."})
    today = timezone.localdate()
    clean = _clean(
        {
            "name": (name, clean_name),
            "email": (email, clean_email),
            "phone": (phone, clean_phone),
            "date_of_birth": (date_of_birth, lambda v: clean_date_of_birth(v, today=today)),
            "diagnoses": (diagnoses, clean_diagnoses),
        }
    )
    client_id = uuid.uuid4()
    client = Client(id=client_id, practice_id=actor.practice_id, created_by=actor, jurisdiction=jurisdiction)
    client.wrapped_key = new_wrapped_key(practice_id=actor.practice_id, client_id=client_id)
    key = client.data_key()
    client.name_ct = client.seal("name", clean["name"], key=key)
    client.name_dir_ct = directory_seal(practice_id=actor.practice_id, client_id=client_id, name=clean["name"])
    for column, value in (("email", clean["email"]), ("phone", clean["phone"])):
        if value:
            setattr(client, f"{column}_ct", client.seal(column, value, key=key))
            setattr(client, f"{column}_bidx", lookup_index(column, value))
    for column, value in (("dob", clean["date_of_birth"]), ("diagnoses", clean["diagnoses"])):
        if value:
            setattr(client, f"{column}_ct", client.seal(column, value, key=key))
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=actor.practice_id)
        number = f"C-{practice.next_client_number:05d}"
        Practice.objects.filter(pk=practice.pk).update(next_client_number=practice.next_client_number + 1)
        client.number_ct = client.seal("number", number, key=key)
        client.number_bidx = lookup_index("number", number)
        client.save(force_insert=True)
        if actor.role_enum in (Role.CLINICIAN, Role.OWNER):
            CareTeamMember.objects.create(
                practice_id=actor.practice_id, client=client, member=actor, team_role=CareTeamMember.TeamRole.PRIMARY
            )
        event_record(
            actor=actor, action=AuditAction.CLIENT_CREATE, channel=channel, client_id=client_id, object_type="client"
        )
    return client
