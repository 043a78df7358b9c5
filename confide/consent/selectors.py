"""Reads for agreements: which law applies, the current version, the document a client signs."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from confide.clients.models import Client
from confide.consent.document import AgreementDocument, document_compose
from confide.consent.due import DueReason, Signed, due_reasons
from confide.consent.models import AgreementKind, AgreementVersion, Signature
from confide.consent.policy import policy_generate
from confide.lib.lookup import one_or_404
from confide.practices.models import Practice
from confide.rulepacks.loader import Library, load_library
from confide.rulepacks.resolve import Resolution, resolve

_library: Library | None = None


def rule_library() -> Library:
    """The shipped rule packs, loaded once per process (they are immutable package data)."""
    global _library
    if _library is None:
        _library = load_library()
    return _library


def pack_ids_for(*, practice: Practice, client: Client | None = None) -> list[str]:
    """The practice's jurisdictions, plus the client's own location when it differs."""
    ids = list(practice.jurisdictions)
    if client is not None and client.jurisdiction and client.jurisdiction not in ids:
        ids.append(client.jurisdiction)
    return ids


def resolution_for(*, practice: Practice, client: Client | None = None, on: dt.date | None = None) -> Resolution | None:
    ids = pack_ids_for(practice=practice, client=client)
    if not ids:
        return None
    return resolve(rule_library(), ids, on or timezone.localdate())


def version_current(*, practice_id: uuid.UUID, kind: str = AgreementKind.CONFIDENTIALITY) -> AgreementVersion | None:
    return AgreementVersion.objects.filter(practice_id=practice_id, kind=kind).order_by("-number").first()


def document_for(*, version: AgreementVersion, resolution: Resolution, practice: Practice) -> AgreementDocument:
    policy = policy_generate(resolution=resolution, practice_name=practice.name)
    return document_compose(
        title=AgreementKind(version.kind).label,
        practice_name=practice.name,
        version_number=version.number,
        wording=version.wording,
        wording_sha256=version.wording_sha256,
        policy=policy,
        pack_refs=resolution.refs,
    )


def document_of_signature(*, signature: Signature, practice: Practice) -> AgreementDocument:
    """Rebuild the exact document a signature covers, from the pack versions it pinned."""
    ids = [ref.split("@")[0] for ref in signature.pack_refs]
    resolution = resolve(rule_library(), ids, timezone.localdate(signature.signed_at), pinned=signature.pack_refs)
    return document_for(version=signature.version, resolution=resolution, practice=practice)


def signatures_of(*, client: Client) -> list[Signature]:
    return list(
        Signature.objects.filter(practice_id=client.practice_id, client=client)
        .select_related("version")
        .order_by("-signed_at")
    )


def signature_for_portal(*, client: Client, signature_id: object) -> Signature:
    """One of the signed-in client's own signatures (others' ids are simply not found)."""
    return one_or_404(
        Signature.objects.select_related("version"), practice_id=client.practice_id, client=client, pk=str(signature_id)
    )


def _digest(practice: Practice, resolution: Resolution) -> str:
    return policy_generate(resolution=resolution, practice_name=practice.name).exceptions_digest


def due_for_clients(
    *, practice: Practice, clients: list[Client], today: dt.date | None = None
) -> dict[uuid.UUID, list[DueReason]]:
    """Why each of these clients must (re-)affirm the current agreement; clients not due are left out."""
    version = version_current(practice_id=practice.id)
    if version is None or not clients:
        return {}
    today = today or timezone.localdate()
    latest: dict[uuid.UUID, Signature] = {}
    for signature in (
        Signature.objects.filter(practice_id=practice.id, client__in=clients, version__kind=version.kind)
        .select_related("version")
        .order_by("client_id", "-signed_at")
    ):
        latest.setdefault(signature.client_id, signature)
    digests: dict[tuple[str, ...], str] = {}
    due: dict[uuid.UUID, list[DueReason]] = {}
    for client in clients:
        ids = tuple(pack_ids_for(practice=practice, client=client))
        if not ids:
            continue
        if ids not in digests:
            resolution = resolve(rule_library(), list(ids), today)
            digests[ids] = _digest(practice, resolution)
        last = latest.get(client.id)
        signed = (
            Signed(last.version.number, last.exceptions_digest, timezone.localdate(last.signed_at)) if last else None
        )
        reasons = due_reasons(
            last=signed,
            current_version=version.number,
            current_digest=digests[ids],
            today=today,
            every_months=practice.reaffirm_months,
        )
        if reasons:
            due[client.id] = reasons
    for client_id in _telehealth_due(practice, clients, today):
        due.setdefault(client_id, []).append(DueReason.TELEHEALTH)
    return due


def _telehealth_due(practice: Practice, clients: list[Client], today: dt.date) -> set[uuid.UUID]:
    """Clients with a video session coming who have not signed the current teletherapy consent."""
    from confide.scheduling.models import Appointment, Modality

    version = version_current(practice_id=practice.id, kind=AgreementKind.TELEHEALTH)
    if version is None:
        return set()
    video = set(
        Appointment.objects.filter(
            practice_id=practice.id,
            client__in=clients,
            modality=Modality.VIDEO,
            status=Appointment.Status.SCHEDULED,
            start_at__date__gte=today,
        ).values_list("client_id", flat=True)
    )
    signed = set(
        Signature.objects.filter(practice_id=practice.id, client_id__in=video, version=version).values_list(
            "client_id", flat=True
        )
    )
    return video - signed


def kind_due(reasons: list[DueReason]) -> list[str]:
    """Which agreements the portal asks for: the confidentiality one, and teletherapy consent when due."""
    kinds = [AgreementKind.CONFIDENTIALITY.value] if any(r is not DueReason.TELEHEALTH for r in reasons) else []
    return kinds + ([AgreementKind.TELEHEALTH.value] if DueReason.TELEHEALTH in reasons else [])


def client_due_reasons(*, client: Client) -> list[DueReason]:
    return due_for_clients(practice=client.practice, clients=[client]).get(client.id, [])
