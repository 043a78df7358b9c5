"""The disclosure workflow: request → (approval) → release with package, accounting, deadlines, notice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.counters import clients_lock
from confide.audit.services import event_record
from confide.clients.models import Client
from confide.consent.selectors import resolution_for
from confide.disclosures.authorized import authorized_requirements, directive_of, directives_active
from confide.disclosures.items import items_available, items_read
from confide.disclosures.models import AccountingEntry, DeadlineTask, DisclosureRequest, Notice, Suspension
from confide.disclosures.package import Summary, package_encrypt, package_zip, sha256
from confide.disclosures.sealing import seal_of, suspension_extend, terms_sign, unseal_if_due
from confide.disclosures.workflow import Requirements, due_at, notice_problem, requirements_of
from confide.lib.lookup import one_or_404
from confide.outbox.models import OutgoingMail
from confide.outbox.services import mail_send
from confide.practices.models import Member
from confide.practices.permissions import Permission
from confide.rulepacks.schema import Obligation
from confide.web.links import absolute

ORDER = {Obligation.MANDATORY: 0, Obligation.CONDITIONAL: 1, Obligation.PERMISSIVE: 2, Obligation.PENDING: 3}


def situations_for(*, client: Client) -> list[Requirements]:
    """Every situation the client's law addresses (mandatory first), then the releases the client authorized."""
    resolution = resolution_for(practice=client.practice, client=client)
    if resolution is None:
        return []
    found = [requirements_of(d) for d in resolution.decisions.values() if d.obligation is not Obligation.PENDING]
    authorized = [authorized_requirements(d) for d in directives_active(client=client)]
    return sorted(found, key=lambda r: (ORDER[r.obligation], r.kind)) + authorized


def requirements_for(*, client: Client, situation: str) -> Requirements:
    for requirements in situations_for(client=client):
        if requirements.kind == situation:
            return requirements
    raise ValidationError({"situation": "Choose one of the situations the law here addresses, or a valid permission."})


@dataclass(frozen=True)
class RequestInput:
    situation: str
    recipient_name: str
    recipient_address: str
    purpose: str
    justification: str
    items: list[str]
    emergency: bool
    notice: str
    notice_on: dt.date | None
    notice_reason: str
    suspended_until: dt.date | None = None
    suspension_statement: str = ""


def _validate(client: Client, member: Member, data: RequestInput) -> Requirements:
    errors: dict[str, str] = {}
    try:
        requirements = requirements_for(client=client, situation=data.situation)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    if not data.recipient_name.strip():
        errors["recipient_name"] = "Name the person or agency who receives the information."
    if not data.purpose.strip():
        errors["purpose"] = "State the purpose: the client reads it in their accounting of disclosures."
    if len(data.justification.strip()) < 20:
        errors["justification"] = "Explain why these items, and no more, are needed (at least a sentence)."
    available = {i.key: i for i in items_available(client=client, member=member)}
    if not data.items or any(k not in available for k in data.items):
        errors["items"] = "Choose at least one item to disclose."
    elif any(available[k].private for k in data.items) and not requirements.psychotherapy_notes_allowed:
        errors["items"] = "This rule does not allow disclosing psychotherapy notes."
    elif requirements.item_prefixes is not None and not all(
        k.startswith(requirements.item_prefixes) for k in data.items
    ):
        errors["items"] = "The client's permission covers less than this: choose only what it names."
    if data.notice not in Notice.values:
        errors["notice"] = "Choose when the client is told."
    elif directive_of(requirements) is not None and (data.notice != Notice.IMMEDIATE or data.suspended_until):
        # The client asked for this release: nothing about it is ever kept from them.
        errors["notice"] = "The client authorized this release: they are told now."
    else:
        errors |= notice_problem(
            policy=requirements.notice_policy,
            notice=data.notice,
            notice_on=data.notice_on,
            reason=data.notice_reason,
            today=timezone.localdate(),
        )
    if data.suspended_until is not None:
        if data.suspended_until <= timezone.localdate():
            errors["suspended_until"] = "A suspension ends on a future date."
        if len(data.suspension_statement.strip()) < 10:
            errors["suspension_statement"] = "Record the agency's statement: who asked, and for how long."
    if errors:
        raise ValidationError(errors)
    return requirements


def disclosure_request_create(
    *, member: Member, client: Client, data: RequestInput, channel: Channel
) -> DisclosureRequest:
    """The treating clinician prepares a disclosure; it waits for a second clinician unless an emergency."""
    if not member.has(Permission.RECORDS_DISCLOSURE_CREATE) or member.practice_id != client.practice_id:
        raise Http404
    requirements = _validate(client, member, data)
    request = DisclosureRequest(
        practice_id=client.practice_id,
        client=client,
        created_by=member,
        situation=requirements.kind,
        rule_id=requirements.rule_id,
        pack_refs=resolution_refs(client),
        obligation=requirements.obligation.value,
        items=list(dict.fromkeys(data.items)),
        emergency=data.emergency and requirements.needs_approval,
        directive_id=directive_of(requirements),
        state=(
            DisclosureRequest.State.AWAITING
            if requirements.needs_approval and not data.emergency
            else DisclosureRequest.State.APPROVED
        ),
        notice=data.notice,
        notice_on=data.notice_on if data.notice == Notice.DELAYED else None,
        suspended_until=data.suspended_until,
    )
    key = client.data_key()
    request.seal("recipient_name", data.recipient_name.strip(), key=key)
    if data.recipient_address.strip():
        request.seal("recipient_address", data.recipient_address.strip(), key=key)
    request.seal("purpose", data.purpose.strip(), key=key)
    request.seal("justification", data.justification.strip(), key=key)
    if data.notice != Notice.IMMEDIATE:
        request.seal("notice_reason", data.notice_reason.strip(), key=key)
    if data.suspended_until is not None:
        request.seal("suspension_statement", data.suspension_statement.strip(), key=key)
    terms_sign(request)
    with transaction.atomic():
        request.save()
        event_record(
            actor=member,
            action=AuditAction.DISCLOSURE_REQUEST,
            channel=channel,
            client_id=client.id,
            object_type="disclosure",
            object_id=str(request.id),
            purpose=requirements.rule_id,
            seal=seal_of(request),
        )
    return request


def resolution_refs(client: Client) -> list[str]:
    resolution = resolution_for(practice=client.practice, client=client)
    return resolution.refs if resolution else []


def disclosure_decide(
    *, member: Member, request: DisclosureRequest, approve: bool, note: str, channel: Channel
) -> None:
    """A second clinician approves or declines before release, or reviews an emergency release after it."""
    if not member.has(Permission.PRACTICE_DISCLOSURE_APPROVE) or member.practice_id != request.practice_id:
        raise Http404
    if member.id == request.created_by_id:
        raise ValidationError({"decision": "A second clinician must decide; you prepared this disclosure."})
    # An emergency is reviewed after its release, once; before release nothing waits for a decision.
    released = request.state == DisclosureRequest.State.RELEASED
    reviewing = request.emergency and request.decided_by_id is None and released
    if request.state != DisclosureRequest.State.AWAITING and not reviewing:
        raise ValidationError({"decision": "This disclosure is not waiting for a decision."})
    if not note.strip():
        raise ValidationError({"note": "Record the reasons for your decision."})
    with transaction.atomic():
        if request.state == DisclosureRequest.State.AWAITING:
            request.state = DisclosureRequest.State.APPROVED if approve else DisclosureRequest.State.DECLINED
        request.decided_by, request.decided_at = member, timezone.now()
        request.seal(
            "review_note", ("approved: " if approve else "declined: ") + note.strip(), key=request.client.data_key()
        )
        request.save(update_fields=["state", "decided_by", "decided_at", "review_note_ct"])
        event_record(
            actor=member,
            action=AuditAction.DISCLOSURE_DECIDE,
            channel=channel,
            client_id=request.client_id,
            object_type="disclosure",
            object_id=str(request.id),
            purpose="approved" if approve else "declined",
            seal=seal_of(request),
        )
        unseal_if_due(request, timezone.now(), by=member)


def _summary(request: DisclosureRequest, requirements: Requirements, labels: list[str], when: dt.datetime) -> Summary:
    key = request.client.data_key()
    return Summary(
        practice=request.client.practice.name,
        situation=requirements.title,
        rule=f"{requirements.rule_id} ({requirements.pack})",
        citations=requirements.citations,
        recipient=request.open("recipient_name", key=key),
        purpose=request.open("purpose", key=key),
        justification=request.open("justification", key=key),
        decided_by=str(request.created_by.user),
        approved_by=str(request.decided_by.user) if request.decided_by else "emergency: review after release",
        released_at=when,
        items=labels,
    )


def disclosure_release(
    *,
    member: Member,
    request: DisclosureRequest,
    recipient_key: str,
    passphrase: str,
    private_bodies: dict[str, str],
    channel: Channel,
) -> bytes:
    """Build and encrypt the package, record the accounting entry, deadlines and notice; return the package."""
    if member.id != request.created_by_id or not member.has(Permission.RECORDS_DISCLOSURE_CREATE):
        raise Http404  # the author alone, and only while their role may still disclose
    if request.state != DisclosureRequest.State.APPROVED:
        raise ValidationError({"release": "Only an approved disclosure (or an emergency) can be released."})
    client = request.client
    try:
        requirements = requirements_for(client=client, situation=request.situation)
    except ValidationError:
        raise ValidationError({"release": "The client's permission was withdrawn or has expired."}) from None
    labels = {i.key: i.label for i in items_available(client=client, member=member)}
    missing = [k for k in request.items if k.startswith("private:") and k.split(":", 1)[1] not in private_bodies]
    if missing:
        raise ValidationError({"release": "Unlock your private notes first: they are sealed to you."})
    now, seal = timezone.now(), seal_of(request)
    contents = items_read(
        client=client, member=member, keys=request.items, private_bodies=private_bodies, channel=channel, seal=seal
    )
    summary = _summary(request, requirements, [labels.get(k, k) for k in request.items], now)
    try:
        package = package_encrypt(
            package_zip(summary=summary, contents=contents), recipient=recipient_key, passphrase=passphrase
        )
    except ValueError as exc:
        raise ValidationError({"recipient_key": str(exc)}) from None
    digest = sha256(package)
    with transaction.atomic():
        request.state, request.released_at, request.package_sha256 = DisclosureRequest.State.RELEASED, now, digest
        request.save(update_fields=["state", "released_at", "package_sha256"])
        entry = _account(request, requirements, summary, digest, now) if requirements.accountable else None
        for deadline in requirements.deadlines:
            DeadlineTask.objects.create(
                practice_id=request.practice_id,
                request=request,
                owner=member,
                title=deadline.title[:200],
                due_at=due_at(request.created_at, deadline),
            )
        event_record(
            actor=member,
            action=AuditAction.DISCLOSURE_RELEASE,
            channel=channel,
            client_id=client.id,
            object_type="accounting-entry" if entry else "disclosure",
            object_id=str(entry.id if entry else request.id),
            purpose=requirements.rule_id,
            seal=seal,
        )
        if seal:  # held back: the seal lifts (and the client is told) once every reason has passed
            unseal_if_due(request, now, by=member)
        elif request.notice == Notice.IMMEDIATE:
            notify(request, now)
    return package


def _account(
    request: DisclosureRequest, requirements: Requirements, summary: Summary, digest: str, now: dt.datetime
) -> AccountingEntry:
    key = request.client.data_key()
    entry = AccountingEntry(
        practice_id=request.practice_id,
        client=request.client,
        request=request,
        disclosed_at=now,
        basis_rule_id=requirements.rule_id,
        pack_refs=request.pack_refs,
        decided_by=request.created_by,
        approved_by=request.decided_by,
        notice=request.notice,
        notice_on=request.notice_on,
        package_sha256=digest,
        psychotherapy_notes_included=any(k.startswith("private:") for k in request.items),
        suspended_until=request.suspended_until,
    )
    entry.seal("recipient_name", summary.recipient, key=key)
    address = request.open("recipient_address", key=key)
    if address:
        entry.seal("recipient_address", address, key=key)
    entry.seal("description", "; ".join(summary.items), key=key)
    entry.seal("purpose", summary.purpose, key=key)
    if request.suspended_until is not None:
        entry.seal("suspension_statement", request.open("suspension_statement", key=key), key=key)
    entry.save(force_insert=True)
    return entry


def notify(request: DisclosureRequest, now: dt.datetime) -> None:
    """Portal notice + an e-mail that says only that a notice is waiting (inside the caller's transaction)."""
    client = request.client
    request.notified_at = now
    DisclosureRequest.objects.filter(pk=request.pk).update(notified_at=now)
    event_record(
        actor=None,
        practice_id=client.practice_id,
        action=AuditAction.DISCLOSURE_NOTICE,
        channel=Channel.JOB,
        client_id=client.id,
        object_type="disclosure",
        object_id=str(request.id),
    )
    if client.portal_member is not None:
        mail_send(
            practice_id=client.practice_id,
            kind=OutgoingMail.Kind.DISCLOSURE_NOTICE,
            to=client.portal_member.user.address,
            subject="A notice is waiting in your portal",
            body=render_to_string("disclosures/email/notice.txt", {"link": absolute(reverse("portal_accounting"))}),
        )


@dataclass(frozen=True)
class Correction:
    recipient_name: str
    recipient_address: str
    description: str
    purpose: str
    reason: str


def accounting_correct(
    *, member: Member, entry_id: object, correction: Correction, channel: Channel
) -> AccountingEntry:
    """Entries are never edited: a correction is a new entry that points at the one it corrects."""
    original = one_or_404(
        AccountingEntry.objects.select_related("client"), practice_id=member.practice_id, pk=str(entry_id)
    )
    if member.id != original.decided_by_id and not member.has(Permission.PRACTICE_BREAKGLASS_REVIEW):
        raise Http404  # the clinician who decided, or the owner (privacy officer)
    if len(correction.reason.strip()) < 10 or not correction.description.strip() or not correction.purpose.strip():
        raise ValidationError({"reason": "Give what is corrected (description and purpose) and why."})
    key = original.client.data_key()
    entry = AccountingEntry(
        practice_id=original.practice_id,
        client=original.client,
        request=original.request,
        corrects=original,
        disclosed_at=original.disclosed_at,
        basis_rule_id=original.basis_rule_id,
        pack_refs=original.pack_refs,
        decided_by=original.decided_by,
        approved_by=original.approved_by,
        notice=original.notice,
        notice_on=original.notice_on,
        package_sha256=original.package_sha256,
        psychotherapy_notes_included=original.psychotherapy_notes_included,
        suspended_until=original.suspended_until,
    )
    entry.seal("recipient_name", correction.recipient_name.strip() or original.open("recipient_name", key=key), key=key)
    address = correction.recipient_address.strip() or original.open("recipient_address", key=key)
    if address:
        entry.seal("recipient_address", address, key=key)
    entry.seal("description", correction.description.strip(), key=key)
    entry.seal("purpose", f"{correction.purpose.strip()} (corrected: {correction.reason.strip()})", key=key)
    if original.suspension_statement_ct is not None:
        entry.seal("suspension_statement", original.open("suspension_statement", key=key), key=key)
    with transaction.atomic():
        entry.save(force_insert=True)
        event_record(
            actor=member,
            action=AuditAction.ACCOUNTING_CORRECT,
            channel=channel,
            client_id=original.client_id,
            object_type="accounting-entry",
            object_id=str(entry.id),
            seal=seal_of(original.request) if original.request else "",
        )
    return entry


def summary_of(*, request: DisclosureRequest) -> Summary:
    """The printable summary of a released disclosure, for the clinician's own file."""
    if request.released_at is None:
        raise Http404
    client = request.client
    try:
        requirements = requirements_for(client=client, situation=request.situation)
        situation, citations = requirements.title, requirements.citations
    except ValidationError:  # e.g. the client's permission has since been withdrawn
        situation, citations = request.situation, []
    labels = {i.key: i.label for i in items_available(client=client, member=request.created_by)}
    key = client.data_key()
    return Summary(
        practice=client.practice.name,
        situation=situation,
        rule=request.rule_id,
        citations=citations,
        recipient=request.open("recipient_name", key=key),
        purpose=request.open("purpose", key=key),
        justification=request.open("justification", key=key),
        decided_by=str(request.created_by.user),
        approved_by=str(request.decided_by.user) if request.decided_by else "—",
        released_at=request.released_at,
        items=[labels.get(k, "an item no longer available") for k in request.items],
    )


ORAL_DAYS = 30  # 164.528(a)(2)(ii): an oral request suspends for at most 30 days unless a written one follows


def accounting_suspend(
    *, member: Member, entry_id: object, until: dt.date, statement: str, oral: bool, channel: Channel
) -> Suspension:
    """Record an agency's request, after release, to suspend an entry from the client's accounting."""
    entry = one_or_404(
        AccountingEntry.objects.select_related("client"), practice_id=member.practice_id, pk=str(entry_id)
    )
    if member.id != entry.decided_by_id and not member.has(Permission.PRACTICE_BREAKGLASS_REVIEW):
        raise Http404
    today = timezone.localdate()
    errors = {}
    if until <= today:
        errors["until"] = "A suspension ends on a future date."
    elif oral and until > today + dt.timedelta(days=ORAL_DAYS):
        errors["until"] = f"An oral request suspends for at most {ORAL_DAYS} days; ask for it in writing."
    if len(statement.strip()) < 10:
        errors["statement"] = "Record the agency, the official and what they asked for."
    if errors:
        raise ValidationError(errors)
    suspension = Suspension(
        practice_id=entry.practice_id, client=entry.client, entry=entry, until=until, oral=oral, recorded_by=member
    )
    suspension.seal("statement", statement.strip(), key=entry.client.data_key())
    with transaction.atomic():
        # Under the client's counter lock, as a lift takes it: the seal cannot lift between check and record.
        clients_lock(practice_id=entry.practice_id, client_ids=[entry.client_id])
        request = DisclosureRequest.objects.get(pk=entry.request_id) if entry.request_id else None
        seal = seal_of(request) if request is not None else ""
        if request is None or not seal:  # the client's history and accounting already show it
            raise ValidationError(
                {
                    "until": "The client has already been shown this disclosure, so it cannot be hidden from them "
                    "now. Record a suspension when preparing a disclosure, or while its notice is delayed or withheld."
                }
            )
        suspension_extend(request, until)
        suspension.save(force_insert=True)
        event_record(
            actor=member,
            action=AuditAction.ACCOUNTING_CORRECT,
            channel=channel,
            client_id=entry.client_id,
            object_type="accounting-suspension",
            object_id=str(suspension.id),
            seal=seal,
        )
    return suspension
