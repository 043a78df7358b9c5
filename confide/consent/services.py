"""Writes for agreements: jurisdictions, publishing a version, signing."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.clients.models import Client
from confide.consent.models import AgreementKind, AgreementVersion, Signature
from confide.consent.questions import wrong_answers
from confide.consent.selectors import document_for, resolution_for, rule_library, signatures_of
from confide.practices.models import Member, Practice
from confide.practices.permissions import Permission

MAX_WORDING = 20_000
DEFAULT_WORDING = Path(__file__).with_name("default_wording.md")
TELEHEALTH_WORDING = Path(__file__).with_name("telehealth_wording.md")


def known_jurisdictions() -> set[str]:
    return set(rule_library().ids())


def agreement_publish_default(*, owner: Member) -> AgreementVersion:
    """Version 1 of both agreements for a new practice, so clients can sign once a jurisdiction is chosen."""
    agreement_publish(
        actor=owner, kind=AgreementKind.TELEHEALTH, wording=TELEHEALTH_WORDING.read_text(), channel=Channel.CLI
    )
    return agreement_publish(
        actor=owner, kind=AgreementKind.CONFIDENTIALITY, wording=DEFAULT_WORDING.read_text(), channel=Channel.CLI
    )


def _normal_name(value: str) -> str:
    return " ".join(value.casefold().split())


def practice_set_jurisdictions(
    *, actor: Member, jurisdictions: list[str], reaffirm_months: int, channel: Channel
) -> None:
    if not actor.has(Permission.PRACTICE_AGREEMENT_MANAGE):
        raise Http404
    unknown = [j for j in jurisdictions if j not in known_jurisdictions()]
    if not jurisdictions or unknown:
        raise ValidationError({"jurisdictions": "Choose at least one jurisdiction from the list."})
    if not 1 <= reaffirm_months <= 36:
        raise ValidationError({"reaffirm_months": "Choose between 1 and 36 months."})
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=actor.practice_id)
        practice.jurisdictions, practice.reaffirm_months = sorted(set(jurisdictions)), reaffirm_months
        practice.save(update_fields=["jurisdictions", "reaffirm_months"])
        event_record(actor=actor, action=AuditAction.JURISDICTION_SET, channel=channel, object_type="practice")


@dataclass(frozen=True)
class Licence:
    jurisdiction: str = ""
    number: str = ""
    expires: dt.date | None = None
    credentials: str = ""


def member_set_licence(*, actor: Member, member: Member, licence: Licence, channel: Channel) -> None:
    """Record a clinician's licence and credentials, which clients see on their care team."""
    if not actor.has(Permission.PRACTICE_MEMBER_MANAGE) or member.practice_id != actor.practice_id:
        raise Http404
    errors = {}
    if licence.jurisdiction and licence.jurisdiction not in rule_library().ids():
        errors["licence_jurisdiction"] = "Choose a jurisdiction from the list."
    if len(licence.number) > 40 or len(licence.credentials) > 120:
        errors["licence_number"] = "Keep the number under 40 and the credentials under 120 characters."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        member.licence_jurisdiction, member.licence_number = licence.jurisdiction, licence.number.strip()
        member.licence_expires, member.credentials = licence.expires, licence.credentials.strip()
        member.save(update_fields=["licence_jurisdiction", "licence_number", "licence_expires", "credentials"])
        event_record(
            actor=actor,
            action=AuditAction.MEMBER_ROLE_CHANGE,
            channel=channel,
            object_type="member",
            object_id=str(member.id),
        )


def licences_expiring(*, practice_id: uuid.UUID, within_days: int = 60) -> list[Member]:
    """Active clinicians whose licence has expired or expires within ``within_days`` (for the owner)."""
    horizon = timezone.localdate() + dt.timedelta(days=within_days)
    return list(
        Member.objects.filter(practice_id=practice_id, is_active=True, licence_expires__lte=horizon)
        .select_related("user")
        .order_by("licence_expires")
    )


def agreement_publish(*, actor: Member, kind: str, wording: str, channel: Channel) -> AgreementVersion:
    """A new immutable version of the practice's wording; clients re-affirm on their next visit."""
    if not actor.has(Permission.PRACTICE_AGREEMENT_MANAGE):
        raise Http404
    if kind not in AgreementKind.values:
        raise ValidationError({"kind": "Choose an agreement."})
    wording = wording.replace("\r\n", "\n").strip()
    if not wording:
        raise ValidationError({"wording": "Write the practice's terms (fees, cancellations, contact)."})
    if len(wording) > MAX_WORDING:
        raise ValidationError({"wording": f"Keep the wording under {MAX_WORDING:,} characters."})
    with transaction.atomic():
        Practice.objects.select_for_update().get(pk=actor.practice_id)  # one publisher at a time
        top = AgreementVersion.objects.filter(practice_id=actor.practice_id, kind=kind).aggregate(n=Max("number"))
        version = AgreementVersion.objects.create(
            practice_id=actor.practice_id,
            kind=kind,
            number=(top["n"] or 0) + 1,
            wording=wording,
            wording_sha256=hashlib.sha256(wording.encode()).hexdigest(),
            created_by=actor,
        )
        event_record(
            actor=actor,
            action=AuditAction.AGREEMENT_PUBLISH,
            channel=channel,
            object_type="agreement",
            object_id=str(version.id),
        )
    return version


def agreement_sign(
    *,
    member: Member,
    client: Client,
    version: AgreementVersion,
    document_sha256: str,
    typed_name: str,
    answers: dict[str, str],
    ip: str,
    user_agent: str,
    channel: Channel,
) -> Signature:
    """Record the client's signature of the document they read, after the comprehension check."""
    if not member.has(Permission.PORTAL_AGREEMENT_SIGN) or client.portal_member_id != member.id:
        raise Http404
    if version.practice_id != client.practice_id:
        raise Http404
    practice = client.practice
    resolution = resolution_for(practice=practice, client=client)
    if resolution is None:
        raise ValidationError({"document": "Your practice has not chosen its jurisdiction yet."})
    document = document_for(version=version, resolution=resolution, practice=practice)
    if document.sha256 != document_sha256:
        raise ValidationError({"document": "The agreement changed while you were reading it. Please read it again."})
    errors = wrong_answers(answers)
    key = client.data_key()
    if _normal_name(typed_name) != _normal_name(client.open("name", key=key)) or not typed_name.strip():
        errors["typed_name"] = "Type your full name exactly as your practice has it."
    if errors:
        raise ValidationError(errors)
    earlier = any(s.version.kind == version.kind for s in signatures_of(client=client))
    signature = Signature(
        practice_id=client.practice_id,
        client=client,
        version=version,
        signer=member,
        event=Signature.Event.RENEWED if earlier else Signature.Event.GIVEN,
        document_sha256=document.sha256,
        pack_refs=document.pack_refs,
        exceptions_digest=document.exceptions_digest,
    )
    signature.seal("typed_name", typed_name.strip(), key=key)
    signature.seal("ip", ip, key=key)
    signature.seal("user_agent", user_agent[:500], key=key)
    with transaction.atomic():
        signature.save()
        event_record(
            actor=member,
            action=AuditAction.AGREEMENT_SIGN,
            channel=channel,
            client_id=client.id,
            object_type="agreement",
            object_id=str(signature.id),
            purpose="consent",
        )
    return signature
