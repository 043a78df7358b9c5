"""Deadline reminders for clinicians: an e-mail with a link to the dashboard — no client, no situation."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from confide.disclosures.models import DeadlineTask
from confide.disclosures.sealing import notices_send
from confide.outbox.models import OutgoingMail
from confide.outbox.services import mail_send
from confide.web.links import absolute

AHEAD = dt.timedelta(hours=12)  # remind when a deadline is this close, or already past


def deadline_reminders_send(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    due = DeadlineTask.objects.filter(done_at=None, reminded_at=None, due_at__lte=now + AHEAD).select_related(
        "owner__user"
    )
    link = absolute(reverse("dashboard"))
    sent = 0
    for deadline in due:
        with transaction.atomic():
            DeadlineTask.objects.filter(pk=deadline.pk).update(reminded_at=now)
            mail_send(
                practice_id=deadline.practice_id,
                kind=OutgoingMail.Kind.DEADLINE_REMINDER,
                to=deadline.owner.user.address,
                subject="A reporting deadline is due in Confide",
                body=f"A deadline you own is due at {deadline.due_at:%Y-%m-%d %H:%M} UTC.\n\n{link}\n",
            )
        sent += 1
    return sent


@task()
def disclosures_task() -> int:
    """Hourly: delayed client notices whose date has come, and deadline reminders."""
    return notices_send() + deadline_reminders_send()
