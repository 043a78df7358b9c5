"""Re-affirmation reminders: an e-mail with only a portal link — no name, no clinician, no diagnosis."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.clients.models import Client
from confide.consent.models import Reminder
from confide.consent.selectors import due_for_clients
from confide.outbox.models import OutgoingMail
from confide.outbox.services import mail_send
from confide.practices.models import Practice
from confide.web.links import absolute

QUIET_DAYS = 7  # at most one reminder a week per client


def reminders_send(*, practice: Practice, now: dt.datetime | None = None) -> int:
    """E-mail every due client with a portal account who was not reminded in the last week."""
    now = now or timezone.now()
    clients = list(
        Client.objects.filter(
            practice=practice,
            shredded_at=None,
            status=Client.Status.ACTIVE,
            portal_member__isnull=False,
            portal_member__is_active=True,
        ).select_related("portal_member__user")
    )
    due = due_for_clients(practice=practice, clients=clients, today=timezone.localdate(now))
    recent = set(
        Reminder.objects.filter(practice=practice, sent_at__gte=now - dt.timedelta(days=QUIET_DAYS)).values_list(
            "client_id", flat=True
        )
    )
    link = absolute(reverse("portal_agreements"))
    sent = 0
    for client in clients:
        if client.id not in due or client.id in recent or client.portal_member is None:
            continue
        with transaction.atomic():  # the audit event, the reminder row and the send succeed or fail together
            Reminder.objects.create(
                practice=practice, client=client, sent_at=now, reasons=[str(r) for r in due[client.id]]
            )
            event_record(
                actor=None,
                practice_id=practice.id,
                action=AuditAction.CONSENT_REMIND,
                channel=Channel.JOB,
                client_id=client.id,
                object_type="reminder",
                purpose="consent",
            )
            mail_send(
                practice_id=practice.id,
                kind=OutgoingMail.Kind.AGREEMENT_REMINDER,
                to=client.portal_member.user.address,
                subject="A document is waiting in your portal",
                body=render_to_string("consent/email/reminder.txt", {"link": link}),
            )
        sent += 1
    return sent


@task()
def reminders_task() -> int:
    """Daily: remind every practice's due clients (run by ``confide consent remind`` or the worker)."""
    return sum(reminders_send(practice=p) for p in Practice.objects.order_by("slug"))
