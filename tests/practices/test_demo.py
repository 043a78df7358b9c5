from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from confide.clients.models import Client
from confide.practices.models import Practice
from confide.records.models import ProgressNote, PsychotherapyNote


def test_demo_is_idempotent_and_prints_the_same_logins(db: None) -> None:
    first, second = StringIO(), StringIO()
    call_command("demo", stdout=first)
    call_command("demo", stdout=second)
    assert Practice.objects.count() == 1 and Client.objects.count() == 5
    assert ProgressNote.objects.filter(status="signed").count() == 5 and PsychotherapyNote.objects.count() == 2
    assert "created" in first.getvalue() and "already present" in second.getvalue()
    logins = [line for line in first.getvalue().splitlines() if "password" in line]
    assert len(logins) == 4
    assert logins == [line for line in second.getvalue().splitlines() if "password" in line]
    assert "http://localhost:8000" in first.getvalue()
