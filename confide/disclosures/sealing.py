"""Disclosures the client may not be told of yet, and when they may.

A disclosure is held back when its notice is delayed or withheld (with a recorded reason), or when an
agency asked for the client's accounting to be suspended (164.528(a)(2)). Every event about it is then a
sealed entry of the client's history (``confide.audit.seals``): logged at once, invisible in the client's
history and accounting, and so not told by either page. The seal lifts when every reason has passed —
the delayed notice's date, the end of every suspension, and, for a withheld notice, a clinician's
decision that the client can now be told — and only once the disclosure was released or declined.
Lifting shows the entries, with the date each was recorded, and sends the notice of a released one.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.seals import SealBrokenError, seal_lift, seal_name
from confide.audit.services import event_record
from confide.disclosures.models import DisclosureRequest, Notice, Suspension
from confide.practices.models import Member
from confide.practices.permissions import Permission

DONE = (DisclosureRequest.State.RELEASED, DisclosureRequest.State.DECLINED)
logger = logging.getLogger(__name__)


def held_back(request: DisclosureRequest) -> bool:
    """Whether the client may not be told of this disclosure at first."""
    return request.notice != Notice.IMMEDIATE or request.suspended_until is not None


def seal_of(request: DisclosureRequest) -> str:
    """The seal this disclosure's events are recorded under while it is held back ("" once it is not)."""
    if request.unsealed_at is not None or not held_back(request):
        return ""
    return seal_name("disclosure", request.id)


def suspended_until(request: DisclosureRequest) -> dt.date | None:
    """The last day any suspension of this disclosure holds it back to (the suspension ends on that day)."""
    later = Suspension.objects.filter(entry__request=request).aggregate(until=Max("until"))["until"]
    ends = [d for d in (request.suspended_until, later) if d is not None]
    return max(ends) if ends else None


def lift_due(request: DisclosureRequest, today: dt.date) -> bool:
    if request.unsealed_at is not None or not held_back(request) or request.state not in DONE:
        return False
    if request.notice == Notice.DELAYED and (request.notice_on is None or request.notice_on > today):
        return False
    if request.notice == Notice.WITHHELD and request.withholding_ended_at is None:
        return False
    until = suspended_until(request)
    return until is None or until <= today


def unseal_if_due(request: DisclosureRequest, now: dt.datetime) -> bool:
    """Lift the seal if every reason has passed (inside the caller's transaction); tell the client of a release."""
    from confide.disclosures.services import notify

    if not lift_due(request, timezone.localdate(now)):
        return False
    seal_lift(
        actor=None,
        practice_id=request.practice_id,
        client_id=request.client_id,
        seal=seal_name("disclosure", request.id),
        channel=Channel.JOB,
    )
    request.unsealed_at = now
    DisclosureRequest.objects.filter(pk=request.pk).update(unsealed_at=now)
    if request.state == DisclosureRequest.State.RELEASED and request.notified_at is None:
        notify(request, now)
    return True


def notices_send(*, now: dt.datetime | None = None) -> int:
    """Daily: lift the seals whose time has come and send their notices; return how many were lifted."""
    now = now or timezone.now()
    waiting = (
        DisclosureRequest.objects.filter(state__in=DONE, unsealed_at=None)
        .exclude(notice=Notice.IMMEDIATE, suspended_until=None)
        .select_related("client__portal_member__user")
        .order_by("created_at")
    )
    lifted = 0
    for request in waiting:
        try:
            with transaction.atomic():
                lifted += unseal_if_due(request, now)
        except SealBrokenError:  # named by `confide audit verify`; the others still go out
            logger.error("disclosure %s stays sealed: one of the client's sealed entries is missing", request.id)
    return lifted


def withholding_end(*, member: Member, request: DisclosureRequest, channel: Channel) -> bool:
    """A clinician decides the client can now be told of a withheld disclosure (the risk has passed).
    Returns whether the seal lifted now (a suspension, or a decision still to come, may hold it longer)."""
    if member.practice_id != request.practice_id or not (
        member.id == request.created_by_id or member.has(Permission.PRACTICE_BREAKGLASS_REVIEW)
    ):
        raise Http404  # the clinician who prepared it, or the owner (privacy officer)
    if request.notice != Notice.WITHHELD or request.withholding_ended_at is not None:
        raise ValidationError({"withholding": "This disclosure's notice is not being withheld."})
    now = timezone.now()
    with transaction.atomic():
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
        request.save(update_fields=["withholding_ended_at", "withholding_ended_by"])
        return unseal_if_due(request, now)
