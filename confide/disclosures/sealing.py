"""Disclosures the client may not be told of yet, and when they may.

A disclosure is held back when its notice is delayed or withheld (with a recorded reason), or when an
agency asked for the client's accounting to be suspended (164.528(a)(2)). Every event about it is then a
sealed entry of the client's history (``confide.audit.seals``): logged at once, invisible in the client's
history and accounting, and so not told by either page. The seal lifts when every reason has passed —
the delayed notice's date, the end of every suspension, and, for a withheld notice, a clinician's
decision that the client can now be told — and only once the disclosure was released or declined.
Lifting shows the entries, with the date each was recorded, and sends the notice of a released one.

The terms that decide this are tagged with a key derived from the master key (``terms_tag``): a row whose
terms were changed by anyone without it stays held back for good, and the daily job names it. Whether a
seal is lifted is decided by its lifting event in the log (``confide.audit.lifts``), never by a column.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.commitment import canonical
from confide.audit.counters import clients_lock
from confide.audit.lifts import seals_lifted
from confide.audit.seals import SealBrokenError, seal_lift, seal_name
from confide.audit.services import event_record
from confide.audit.tags import event_tag, row_key, tag_valid
from confide.disclosures.models import DisclosureRequest, Notice
from confide.practices.models import Member
from confide.practices.permissions import Permission

DONE = (DisclosureRequest.State.RELEASED, DisclosureRequest.State.DECLINED)
logger = logging.getLogger(__name__)


def _terms(request: DisclosureRequest) -> bytes:
    def day(value: dt.date | dt.datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    # request, client, notice, its date, the suspension's end, the end of withholding: in this order
    terms = [
        str(request.id),
        str(request.client_id),
        request.notice,
        day(request.notice_on),
        day(request.suspended_until),
        day(request.withholding_ended_at),
    ]
    return hashlib.sha256(canonical({"disclosure-terms/v1": terms})).digest()


def terms_sign(request: DisclosureRequest) -> None:
    """Tag the request's terms (before it is saved): only Confide, with the master key, can."""
    request.terms_tag = event_tag(row_key(request.practice_id, "disclosure-terms"), _terms(request))


def terms_intact(request: DisclosureRequest) -> bool:
    return tag_valid(row_key(request.practice_id, "disclosure-terms"), _terms(request), bytes(request.terms_tag))


def held_back(request: DisclosureRequest) -> bool:
    """Whether the client may not be told of this disclosure at first (terms changed without the master key
    keep it held back: a lawful secret is never told by a forged row)."""
    return not terms_intact(request) or request.notice != Notice.IMMEDIATE or request.suspended_until is not None


def lifted(request: DisclosureRequest) -> bool:
    return seal_name("disclosure", request.id) in seals_lifted(
        practice_id=request.practice_id, client_id=request.client_id
    )


def seal_of(request: DisclosureRequest) -> str:
    """The seal this disclosure's events are recorded under while it is held back ("" once it is not)."""
    if not held_back(request) or lifted(request):
        return ""
    return seal_name("disclosure", request.id)


def hidden_requests(*, practice_id: uuid.UUID, client_id: uuid.UUID) -> set[uuid.UUID]:
    """The client's disclosures held back and not yet shown: what their accounting leaves out (their history
    shows sealed entries only under a lifting event, by the same ``seals_lifted``)."""
    shown = seals_lifted(practice_id=practice_id, client_id=client_id)
    requests = DisclosureRequest.objects.filter(practice_id=practice_id, client_id=client_id)
    return {r.id for r in requests if held_back(r) and seal_name("disclosure", r.id) not in shown}


def suspension_extend(request: DisclosureRequest, until: dt.date) -> None:
    """A later suspension holds the disclosure back until at least ``until`` (inside the caller's transaction)."""
    if request.suspended_until is None or request.suspended_until < until:
        request.suspended_until = until
    terms_sign(request)
    request.save(update_fields=["suspended_until", "terms_tag"])


def lift_due(request: DisclosureRequest, today: dt.date) -> bool:
    if request.state not in DONE or not terms_intact(request) or lifted(request):
        return False
    if request.notice == Notice.IMMEDIATE and request.suspended_until is None:
        return False  # never held back
    if request.notice == Notice.DELAYED and (request.notice_on is None or request.notice_on > today):
        return False
    if request.notice == Notice.WITHHELD and request.withholding_ended_at is None:
        return False
    return request.suspended_until is None or request.suspended_until <= today


def unseal_if_due(request: DisclosureRequest, now: dt.datetime, *, by: Member | None = None) -> bool:
    """Lift the seal if every reason has passed (inside the caller's transaction); tell the client of a release.
    ``by``: the member whose action lifted it (none: the daily job). A seal missing one of its entries stays
    sealed (logged for the operator); the caller's work goes on."""
    from confide.disclosures.services import notify

    if not lift_due(request, timezone.localdate(now)):
        return False
    try:
        with transaction.atomic():
            event = seal_lift(
                actor=by,
                practice_id=request.practice_id,
                client_id=request.client_id,
                seal=seal_name("disclosure", request.id),
                channel=Channel.JOB if by is None else Channel.WEB,
            )
    except SealBrokenError:
        logger.error("disclosure %s stays held back: an entry under its seal is missing", request.id)
        return False
    if event is None:  # lifted meanwhile, by another run: it told the client
        return False
    if request.state == DisclosureRequest.State.RELEASED and request.notified_at is None:
        notify(request, now)
    return True


def notices_send(*, now: dt.datetime | None = None) -> int:
    """Daily: lift the seals whose time has come and send their notices; return how many were lifted."""
    now = now or timezone.now()
    # Every decided disclosure, not only those whose row says "held back": a row changed to look told-at-once
    # is found here by its tag (a practice decides a few hundred disclosures a year at most).
    waiting = (
        DisclosureRequest.objects.filter(state__in=DONE)
        .select_related("client__portal_member__user")
        .order_by("created_at")
    )
    lifted_now = 0
    for request in waiting:
        if not terms_intact(request):
            logger.error("disclosure %s stays held back: its notice terms were changed outside Confide", request.id)
            continue
        if held_back(request):
            with transaction.atomic():
                lifted_now += unseal_if_due(request, now)
    return lifted_now


def withholding_end(*, member: Member, request: DisclosureRequest, channel: Channel) -> bool:
    """A clinician decides the client can now be told of a withheld disclosure (the risk has passed).
    Returns whether the seal lifted now (a suspension, or a decision still to come, may hold it longer)."""
    author = member.id == request.created_by_id and member.has(Permission.RECORDS_DISCLOSURE_CREATE)
    if member.practice_id != request.practice_id or not (author or member.has(Permission.PRACTICE_BREAKGLASS_REVIEW)):
        raise Http404  # the clinician who prepared it (while they may still disclose), or the owner
    now = timezone.now()
    with transaction.atomic():
        clients_lock(practice_id=request.practice_id, client_ids=[request.client_id])
        request.refresh_from_db()
        if request.notice != Notice.WITHHELD or request.withholding_ended_at is not None or not terms_intact(request):
            raise ValidationError({"withholding": "This disclosure's notice is not being withheld."})
        event_record(
            actor=member,
            action=AuditAction.DISCLOSURE_WITHHOLDING_END,
            channel=channel,
            client_id=request.client_id,
            object_type="disclosure",
            object_id=str(request.id),
            seal=seal_of(request),
        )
        request.withholding_ended_at, request.withholding_ended_by = now, member
        terms_sign(request)
        request.save(update_fields=["withholding_ended_at", "withholding_ended_by", "terms_tag"])
        return unseal_if_due(request, now, by=member)
