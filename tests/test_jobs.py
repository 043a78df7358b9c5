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
