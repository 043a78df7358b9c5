"""Re-affirmation reminders reach a real SMTP server and carry no PHI."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from confide.audit.actions import AuditAction
from confide.audit.models import AuditEvent
from confide.consent.models import Reminder
from confide.consent.reminders import reminders_send
from tests.cast import Cast
from tests.conftest import Inbox
from tests.consent.helpers import sign

PHI = ("Jordan", "Canary", "Chris", "Clinician", "Harbor", "F41.1", "anxiety")


def test_a_due_client_gets_a_link_and_nothing_else(cast: Cast, smtp_inbox: Inbox) -> None:
    assert reminders_send(practice=cast.client.practice) == 1
    [message] = smtp_inbox.messages
    assert message["To"] == "jordan@client.test"
    text = str(message["Subject"]) + smtp_inbox.body()
    assert "http://localhost:8000/portal/agreements/" in text
    for word in PHI:
        assert word not in text, word


def test_the_reminder_is_audited_for_the_client(cast: Cast, smtp_inbox: Inbox) -> None:
    reminders_send(practice=cast.client.practice)
    event = AuditEvent.objects.get(action=AuditAction.CONSENT_REMIND)
    assert (event.client_id, event.actor_id, event.channel) == (cast.client.id, None, "job")


def test_at_most_one_reminder_a_week(cast: Cast, smtp_inbox: Inbox) -> None:
    now = timezone.now()
    reminders_send(practice=cast.client.practice, now=now)
    assert reminders_send(practice=cast.client.practice, now=now + dt.timedelta(days=6)) == 0
    assert reminders_send(practice=cast.client.practice, now=now + dt.timedelta(days=7, minutes=1)) == 1
    assert len(smtp_inbox.messages) == 2


def test_a_client_who_signed_gets_no_reminder(cast: Cast, smtp_inbox: Inbox) -> None:
    sign(cast)
    assert reminders_send(practice=cast.client.practice) == 0
    assert smtp_inbox.messages == []


def test_the_yearly_interval_brings_a_reminder(cast: Cast, smtp_inbox: Inbox) -> None:
    sign(cast)
    later = timezone.now() + dt.timedelta(days=366)
    assert reminders_send(practice=cast.client.practice, now=later) == 1
    assert Reminder.objects.get().reasons == ["the yearly re-affirmation is due"]
