"""The accounting of disclosures: what the client reads, six years back, suspensions, immutability."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import DatabaseError, transaction
from django.test import Client as HttpClient
from django.utils import timezone
from fhir.resources.auditevent import AuditEvent as FhirAuditEvent
from pypdf import PdfReader

from confide.audit.actions import Channel
from confide.consent.due import add_months
from confide.disclosures.fhir import audit_event_resource
from confide.disclosures.models import AccountingEntry
from confide.disclosures.selectors import accounting_for_client
from tests.cast import Cast
from tests.disclosures.helpers import released


def _lines(cast: Cast, today: dt.date | None = None) -> list[str]:
    assert cast.client_member is not None
    entries = accounting_for_client(client=cast.client, viewer=cast.client_member, channel=Channel.WEB, today=today)
    return [e.recipient for e in entries]


def test_the_client_reads_each_disclosure_with_the_164_528_contents(cast: Cast) -> None:
    released(cast)
    assert cast.client_member is not None
    [entry] = accounting_for_client(client=cast.client, viewer=cast.client_member, channel=Channel.WEB)
    assert entry.recipient == "Officer Canary-Police, Harbor PD" and entry.address == "1 Canary Street"
    assert entry.description.startswith("Name, date of birth and client number; Progress note of")
    assert entry.purpose.startswith("Warn of a serious threat")
    assert entry.basis == "ca.civ43_92.duty_to_protect"


def test_entries_older_than_six_years_drop_out(cast: Cast) -> None:
    released(cast)
    six_years = add_months(timezone.localdate(), 72)
    assert _lines(cast, today=six_years) == ["Officer Canary-Police, Harbor PD"]  # exactly six years: still shown
    assert _lines(cast, today=six_years + dt.timedelta(days=1)) == []


def test_a_suspended_entry_stays_hidden_until_the_suspension_ends(cast: Cast) -> None:
    from confide.disclosures.sealing import notices_send

    until = timezone.localdate() + dt.timedelta(days=30)
    released(cast, suspended_until=until, suspension_statement="Det. Canary, Harbor PD, in writing: 30 days.")
    assert _lines(cast) == []
    assert notices_send(now=timezone.now() + dt.timedelta(days=29)) == 0
    assert _lines(cast) == []
    assert notices_send(now=timezone.now() + dt.timedelta(days=30)) == 1
    assert _lines(cast) == ["Officer Canary-Police, Harbor PD"]


def test_the_portal_shows_the_accounting_and_its_pdf(cast: Cast) -> None:
    released(cast)
    http = HttpClient()
    assert cast.client_member is not None
    http.force_login(cast.client_member.user)
    assert b"Officer Canary-Police" in http.get("/portal/disclosures/").content
    pdf = http.get("/portal/disclosures.pdf")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Officer Canary-Police" in text and "ca.civ43_92.duty_to_protect" in text


def test_an_entry_exports_as_a_valid_r5_audit_event(cast: Cast) -> None:
    entry = AccountingEntry.objects.get(request=released(cast))
    resource = audit_event_resource(entry)
    event = FhirAuditEvent.model_validate(resource)
    assert event.action == "E"
    assert resource["authorization"][0]["coding"][0]["code"] == "ca.civ43_92.duty_to_protect"


@pytest.fixture
def append_only(cast: Cast) -> None:
    """Nothing to install: the migrations put the triggers in place, in the test database as in production."""


def test_the_database_refuses_to_edit_an_entry(cast: Cast, append_only: None) -> None:
    released(cast)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccountingEntry.objects.update(basis_rule_id="nothing.to.see")


def test_the_database_refuses_to_delete_an_entry(cast: Cast, append_only: None) -> None:
    released(cast)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccountingEntry.objects.all().delete()


def test_the_database_refuses_to_lift_a_suspension(cast: Cast, append_only: None) -> None:
    from confide.disclosures.models import Suspension
    from confide.disclosures.services import accounting_suspend

    later = timezone.localdate() + dt.timedelta(days=5)
    request = released(cast, notice="delayed", notice_on=later, notice_reason="Telling now endangers the victim.")
    entry = AccountingEntry.objects.get(request=request)
    until = timezone.localdate() + dt.timedelta(days=60)
    statement = "Agency Canary, in writing: 60 days."
    accounting_suspend(
        member=cast.owner, entry_id=entry.id, until=until, statement=statement, oral=False, channel=Channel.WEB
    )
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Suspension.objects.all().delete()


def test_there_is_no_admin_to_edit_entries_through(cast: Cast) -> None:
    http = HttpClient()
    http.force_login(cast.owner.user)
    assert http.get("/admin/").status_code == 404
