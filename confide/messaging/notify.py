"""The e-mail that says a secure message is waiting: a portal link and nothing else — no sender, no
practice name, no word of the message — at most once a week per person (like the reminders), and only
for a message left unopened for a while (someone with the page open reads it at once and gets no mail)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Max
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.clients.models import Client
from confide.messaging.models import MessageKey, MessageNotice
from confide.messaging.unread import unread_for
from confide.outbox.models import OutgoingMail
from confide.outbox.services import mail_send
from confide.practices.models import Member
from confide.web.links import absolute

QUIET = dt.timedelta(days=7)  # at most one notice a week per person
SETTLE = dt.timedelta(minutes=15)  # a message this new may still be read on an open page
LOOK_BACK = dt.timedelta(days=30)  # older messages were told of already (the job runs every 15 minutes)


def notices_send(*, now: dt.datetime | None = None) -> int:
    """Tell each person with a message unopened for SETTLE, not told in the last QUIET, that one waits."""
    now = now or timezone.now()
    recent = MessageKey.objects.filter(message__sent_at__gt=now - LOOK_BACK, message__sent_at__lte=now - SETTLE)
    waiting = recent.exclude(message__sender=F("mailbox__member")).values_list("mailbox__member_id", flat=True)
    told = dict(
        MessageNotice.objects.values("member_id").annotate(last=Max("sent_at")).values_list("member_id", "last")
    )
    sent = 0
    people = Member.objects.filter(id__in=set(waiting), is_active=True, user__is_active=True).select_related("user")
    for member in people:
        last = told.get(member.id)
        if (last is not None and last > now - QUIET) or not any(u.oldest <= now - SETTLE for u in unread_for(member)):
            continue
        _notify(member, now)
        sent += 1
    return sent


def _notify(member: Member, now: dt.datetime) -> None:
    client = Client.objects.filter(practice_id=member.practice_id, portal_member=member).only("id").first()
    link = reverse("portal_home") if client is not None else reverse("dashboard")
    with transaction.atomic():  # the audit event, the notice row and the mail succeed or fail together
        MessageNotice.objects.create(practice_id=member.practice_id, member=member, sent_at=now)
        event_record(
            actor=None, practice_id=member.practice_id, action=AuditAction.MESSAGE_NOTIFY, channel=Channel.JOB,
            client_id=client.id if client is not None else None, object_type="member", object_id=str(member.id),
        )  # fmt: skip
        mail_send(
            practice_id=member.practice_id,
            kind=OutgoingMail.Kind.MESSAGE_NOTICE,
            to=member.user.address,
            subject="A secure message is waiting for you",
            body=render_to_string("messaging/email/notice.txt", {"link": absolute(link)}),
        )


@task()
def notices_task() -> int:
    return notices_send()
