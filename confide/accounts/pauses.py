"""Sign-in pauses an owner can see and lift, for the people of their practice only (confide.accounts.lockout
decides when a sign-in pauses). A pause is known by its blind index: the page matches it against the
practice's own people, so an owner never learns of another practice's accounts or of e-mails nobody has."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.http import Http404

from confide.accounts.lockout import account_key, address_failures, cool_off, cool_off_start
from confide.accounts.models import User
from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.practices.models import Member
from confide.practices.permissions import Permission, Role


@dataclass(frozen=True)
class Pause:
    member: Member
    until: dt.datetime
    by_address: bool  # paused because its address reached the address limit, not the account's own
    liftable: bool = True  # False for a client's portal, and for an account another practice shares


SHARED = (
    "This account belongs to another practice too, so no one practice can lift its pause (its owner could"
    " otherwise let guessing go on against the other's). The pause ends by itself at the time shown."
)
# A client's portal is never lifted early, whoever else they are a client of: a refusal for some clients only
# would tell the practice that those are in care somewhere else.
CLIENT = "A client's pause is never lifted early: it ends by itself at the time shown."


def _refusal(member: Member) -> str:
    """Why this pause cannot be lifted here, or "" when it can."""
    if member.role == Role.CLIENT:
        return CLIENT
    others = Member.objects.filter(user_id=member.user_id, is_active=True).exclude(practice_id=member.practice_id)
    return SHARED if others.exists() else ""


def _people(manager: Member) -> dict[str, Member]:
    if not manager.has(Permission.PRACTICE_MEMBER_MANAGE):
        raise Http404
    members = Member.objects.filter(practice_id=manager.practice_id, is_active=True).select_related("user")
    return {account_key(m.user.address): m for m in members}


def _accounts_known() -> set[str]:
    """The lockout keys of every account (each address opened from its seal, one decryption per account: a
    lift at a crowded address is rare). Every account has a sealed address (confide.accounts.identity)."""
    accounts = User.objects.exclude(email_sealed=b"").only("email_sealed")
    return {account_key(user.address) for user in accounts.iterator()}


def pauses_for(*, manager: Member) -> list[Pause]:
    """The practice's people whose sign-in is paused now, soonest to end first."""
    people = _people(manager)
    since = cool_off_start()
    rows = AccessAttempt.objects.filter(username__in=list(people), attempt_time__gte=since)
    found: dict[str, Pause] = {}
    grouped = rows.values("username", "ip_address").annotate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    for row in grouped:
        own = row["failures"] >= settings.AXES_FAILURE_LIMIT
        by_address = not own and address_failures(row["ip_address"]) >= settings.CONFIDE_LOCKOUT_ADDRESS_FAILURES
        if own or by_address:
            person = people[row["username"]]
            pause = Pause(person, row["last"] + cool_off(), by_address, not _refusal(person))
            earlier = found.get(row["username"])  # paused at two addresses: it ends when the later one does
            if earlier is None or earlier.until < pause.until:
                found[row["username"]] = pause
    return sorted(found.values(), key=lambda p: p.until)


def pause_lift(*, manager: Member, member_id: uuid.UUID, channel: Channel) -> bool:
    """Lift the pause on one of the practice's people: forget their failed sign-ins, and, at every address
    where their sign-in is paused by the address limit, the failures there for the practice's own people and
    for e-mails no account has (or anyone on a clinic's network could keep it paused by typing made-up
    addresses). Failures for another practice's accounts stay: an owner never resets those counts, or a
    guesser trying them could have the count reset by asking for a pause of their own to be lifted. An
    address still over its limit then ends its pause by itself. Audited. Returns whether an address of
    theirs stays paused by others' failures. A client's pause, or one another practice shares, is refused."""
    everyone = _people(manager)
    people = {m.id: (key, m) for key, m in everyone.items()}
    if member_id not in people:
        raise Http404
    key, member = people[member_id]
    if refusal := _refusal(member):
        raise ValidationError(refusal)
    with transaction.atomic():
        mine = AccessAttempt.objects.filter(username=key)
        limit = settings.CONFIDE_LOCKOUT_ADDRESS_FAILURES
        crowded = {a for a in mine.values_list("ip_address", flat=True).distinct() if address_failures(a) >= limit}
        there = AccessAttempt.objects.filter(ip_address__in=crowded)
        known = _accounts_known() if crowded else set()
        gone = mine | there.filter(username__in=list(everyone)) | there.exclude(username__in=list(known))
        gone.delete()
        event_record(
            actor=manager,
            action=AuditAction.SIGN_IN_PAUSE_LIFT,
            channel=channel,
            object_type="member",
            object_id=str(member.id),
        )
        return any(address_failures(a) >= limit for a in crowded)
