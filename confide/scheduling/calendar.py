"""A member's private iCalendar feed (RFC 5545, via the icalendar library): initials and times only."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import icalendar
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.clients.directory import directory_rows
from confide.practices.models import Member
from confide.practices.permissions import Permission
from confide.scheduling.models import Appointment, CalendarFeed, Modality

PAST, AHEAD = dt.timedelta(days=30), dt.timedelta(days=180)
CANCELLED = {Appointment.Status.CLINICIAN_CANCEL, Appointment.Status.CANCELLED, Appointment.Status.LATE_CANCEL}


def _hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def feed_create(*, member: Member, channel: Channel) -> str:
    """A new secret feed URL token (shown once); any earlier feed of the member stops working."""
    if not member.has(Permission.SCHEDULING_CALENDAR_FEED):
        raise Http404
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.filter(member=member, revoked_at=None).update(revoked_at=timezone.now())
        CalendarFeed.objects.create(practice_id=member.practice_id, member=member, secret_hash=_hash(secret))
        event_record(
            actor=member, action=AuditAction.CALENDAR_FEED_CREATE, channel=channel, object_type="calendar-feed"
        )
    return secret


def feed_revoke(*, member: Member, channel: Channel) -> None:
    with transaction.atomic():
        if CalendarFeed.objects.filter(member=member, revoked_at=None).update(revoked_at=timezone.now()):
            event_record(
                actor=member, action=AuditAction.CALENDAR_FEED_REVOKE, channel=channel, object_type="calendar-feed"
            )


def feed_member(*, secret: str) -> Member:
    feed = (
        CalendarFeed.objects.filter(secret_hash=_hash(secret), revoked_at=None)
        .select_related("member__practice", "member__user")
        .first()
    )
    if feed is None or not feed.member.is_active or not feed.member.user.is_active:
        raise Http404  # a deactivated member, or a deactivated user account, reads no feed
    return feed.member


def initials(name: str) -> str:
    """ "Jordan Canary-Client" → "J.C.C.": how a client appears in a calendar or a caseload chart."""
    return ".".join(part[0].upper() for part in name.replace("-", " ").split() if part) + "."


def feed_ics(*, member: Member, now: dt.datetime | None = None) -> bytes:
    """The member's sessions from 30 days ago to 180 days ahead; titled with the client's initials only."""
    now = now or timezone.now()
    appointments = list(
        Appointment.objects.filter(
            practice_id=member.practice_id, clinician=member, start_at__gte=now - PAST, start_at__lte=now + AHEAD
        )
        .exclude(status=Appointment.Status.RESCHEDULED)
        .order_by("start_at")
    )
    names = {
        cid: name
        for cid, name, _ in directory_rows(
            practice_id=member.practice_id, client_ids=[a.client_id for a in appointments]
        )
    }
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Confide//Sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Confide sessions")
    for appointment in appointments:
        event = icalendar.Event()
        event.add("uid", f"{appointment.id}@confide")
        event.add("dtstamp", now)
        event.add("dtstart", appointment.start_at)
        event.add("dtend", appointment.start_at + dt.timedelta(minutes=appointment.duration_minutes))
        video = " (video)" if appointment.modality == Modality.VIDEO else ""
        event.add("summary", f"Session · {initials(names.get(appointment.client_id.hex, '?'))}{video}")
        event.add("status", "CANCELLED" if appointment.status in CANCELLED else "CONFIRMED")
        event.add("class", "CONFIDENTIAL")
        calendar.add_component(event)
    with transaction.atomic():
        event_record(
            actor=member, action=AuditAction.CALENDAR_FEED_READ, channel=Channel.API, object_type="calendar-feed"
        )
    return bytes(calendar.to_ical())
