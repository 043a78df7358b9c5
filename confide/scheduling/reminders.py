"""Session reminders by e-mail: the time and a portal link — no client name, no clinician, no specialty."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.outbox.models import OutgoingMail
from confide.outbox.services import mail_send
from confide.scheduling.models import Appointment
from confide.web.links import absolute

AHEAD = dt.timedelta(hours=24)


def appointment_reminders_send(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    due = Appointment.objects.filter(
        status=Appointment.Status.SCHEDULED,
        reminded_at=None,
        start_at__gt=now,
        start_at__lte=now + AHEAD,
        client__portal_member__isnull=False,
        client__portal_member__is_active=True,
    ).select_related("client__portal_member__user")
    link = absolute(reverse("portal_home"))
    sent = 0
    for appointment in due:
        member = appointment.client.portal_member
        assert member is not None
        when = timezone.localtime(appointment.start_at)
        with transaction.atomic():
            Appointment.objects.filter(pk=appointment.pk).update(reminded_at=now)
            event_record(
                actor=None,
                practice_id=appointment.practice_id,
                action=AuditAction.APPOINTMENT_REMIND,
                channel=Channel.JOB,
                client_id=appointment.client_id,
                object_type="appointment",
                object_id=str(appointment.id),
            )
            mail_send(
                practice_id=appointment.practice_id,
                kind=OutgoingMail.Kind.APPOINTMENT_REMINDER,
                to=member.user.address,
                subject="Reminder: your appointment",
                body=(
                    f"Your appointment is on {when:%A %d %B %Y at %H:%M} ({settings.TIME_ZONE}).\n\n"
                    f"To see it or ask for a change, sign in to your portal:\n{link}\n"
                ),
            )
        sent += 1
    return sent


@task()
def appointment_reminders_task() -> int:
    return appointment_reminders_send()
