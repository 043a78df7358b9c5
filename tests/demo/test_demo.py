from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from confide.accounts.identity import login_key
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


def test_the_demo_has_recent_weeks_of_care_to_show(db: None) -> None:
    from confide.measures.models import Administration, Assignment
    from confide.measures.services import warnings_open_for
    from confide.practices.models import Member
    from confide.scheduling.consistency import Visit, client_consistency
    from confide.scheduling.models import Appointment

    call_command("demo", stdout=StringIO())
    chris = Member.objects.get(user__email=login_key("chris@demo.confide.localhost"))
    assert Appointment.objects.filter(status="attended").count() >= 10
    assert Appointment.objects.filter(status="scheduled").count() == 9  # three to come for each of three clients
    assert Administration.objects.count() >= 20 and Assignment.objects.filter(completed_at=None).count() == 3
    kinds = {w.kind for w in warnings_open_for(member=chris)}
    assert {"risk", "alliance", "deterioration"} <= kinds
    priya = next(c for c in Client.objects.all() if c.open("name") == "Priya Natarajan")
    visits = [Visit(a.start_at, a.status) for a in Appointment.objects.filter(client=priya)]
    from django.utils import timezone

    figures = client_consistency(visits, cadence_days=7, now=timezone.now())
    assert figures.attendance_rate is not None and figures.attendance_rate < 1


def test_after_the_demo_and_a_sign_in_no_table_holds_an_e_mail_in_the_clear(db: None) -> None:
    from django.db import connection
    from django.test import Client as HttpClient

    out = StringIO()
    call_command("demo", stdout=out)
    owner = next(line for line in out.getvalue().splitlines() if "owner@demo.confide.localhost" in line)
    password = owner.split("password ")[1].split()[0]
    http = HttpClient()
    assert (
        http.post("/accounts/login/", {"login": "OWNER@demo.confide.localhost", "password": password})["Location"]
        == "/accounts/2fa/authenticate/"
    )  # the password stage passed: the typed address found the account
    HttpClient().post("/accounts/login/", {"login": "jordan@client.demo.confide.localhost", "password": "x"})
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from the schema itself)
            for row in cursor.fetchall():
                text = " ".join(str(bytes(v) if isinstance(v, memoryview) else v) for v in row)
                if "demo.confide.localhost" in text:
                    found.append(table)
    assert not found, found
