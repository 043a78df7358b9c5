"""``confide jobs run`` runs every periodic job once, and finds nothing more to do the second time."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from confide.audit.actions import Channel
from confide.scheduling.services import series_create
from tests.cast import Cast
from tests.conftest import Inbox


def test_jobs_run_sends_due_reminders_once(cast: Cast, smtp_inbox: Inbox) -> None:
    series_create(
        actor=cast.clinician,
        client=cast.client,
        first_start=timezone.now() + dt.timedelta(hours=3),
        cadence_days=7,
        count=1,
        channel=Channel.CLI,
    )
    first, second = StringIO(), StringIO()
    call_command("jobs", "run", stdout=first)
    call_command("jobs", "run", stdout=second)
    assert "session reminders: 1" in first.getvalue() and "agreement reminders: 1" in first.getvalue()
    assert "session reminders: 0" in second.getvalue() and "agreement reminders: 0" in second.getvalue()
    assert len(smtp_inbox.messages) == 2


def test_jobs_run_tells_of_a_waiting_message_once(cast: Cast, smtp_inbox: Inbox) -> None:
    from confide.messaging.models import Message  # noqa: PLC0415
    from confide.messaging.notify import SETTLE  # noqa: PLC0415
    from confide.messaging.services import message_send  # noqa: PLC0415
    from tests.messaging.test_services import publish, sealed_for  # noqa: PLC0415

    chris = publish(cast.clinician)
    publish(cast.client_member)
    sent = message_send(
        member=cast.clinician, client_id=cast.client.id, envelope=sealed_for(cast, chris, b"x"), channel=Channel.CLI
    )
    Message.objects.filter(pk=sent.pk).update(sent_at=timezone.now() - SETTLE - dt.timedelta(minutes=1))
    first, second = StringIO(), StringIO()
    call_command("jobs", "run", stdout=first)
    call_command("jobs", "run", stdout=second)
    assert "notices that a secure message is waiting: 1" in first.getvalue()
    assert "notices that a secure message is waiting: 0" in second.getvalue()
