"""After release: delayed notices, deadline reminders, corrections and suspensions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from confide.audit.actions import Channel
from confide.disclosures.models import AccountingEntry
from confide.disclosures.reminders import deadline_reminders_send
from confide.disclosures.sealing import notices_send
from confide.disclosures.selectors import AccountingLine, accounting_for_client
from confide.disclosures.services import Correction, accounting_correct
from tests.cast import Cast
from tests.conftest import Inbox
from tests.disclosures.helpers import prepare, released


def test_a_delayed_notice_goes_out_on_its_date(cast: Cast, smtp_inbox: Inbox) -> None:
    later = timezone.localdate() + dt.timedelta(days=10)
    released(cast, notice="delayed", notice_on=later, notice_reason="Telling now would put the victim at risk.")
    assert smtp_inbox.messages == []
    assert notices_send() == 0
    at = timezone.make_aware(dt.datetime.combine(later, dt.time(9)))
    assert notices_send(now=at) == 1 and len(smtp_inbox.messages) == 1
    assert notices_send(now=at) == 0  # once


def test_deadline_owners_are_reminded_once_without_phi(cast: Cast, smtp_inbox: Inbox) -> None:
    released(
        cast,
        notice="withheld",
        notice_reason="The client is the suspected abuser's child.",
        situation="child_abuse_report",
    )
    sent_before = len(smtp_inbox.messages)
    assert deadline_reminders_send() == 1  # the first report is due at once; the written one in 36 h
    assert deadline_reminders_send(now=timezone.now() + dt.timedelta(hours=30)) == 1
    messages = smtp_inbox.messages[sent_before:]
    assert [m["To"] for m in messages] == ["chris@harbor.test", "chris@harbor.test"]
    for message in messages:
        assert "Jordan" not in message.get_payload() and "abuse" not in str(message["Subject"]).lower()


def test_a_correction_is_a_new_linked_entry(cast: Cast) -> None:
    original = AccountingEntry.objects.get(request=released(cast))
    correction = Correction(
        "", "", "Name and date of birth only", "Warn the police of a threat", "The note was not sent."
    )
    corrected = accounting_correct(
        member=cast.clinician, entry_id=original.id, correction=correction, channel=Channel.WEB
    )
    assert corrected.corrects_id == original.id
    assert AccountingEntry.objects.count() == 2
    assert cast.client_member is not None
    lines = accounting_for_client(client=cast.client, viewer=cast.client_member, channel=Channel.WEB)
    assert {line.corrects for line in lines} == {None, original.id}


def test_only_the_decider_or_the_owner_corrects(cast: Cast) -> None:
    from django.http import Http404

    original = AccountingEntry.objects.get(request=released(cast))
    correction = Correction("", "", "x", "y", "because of z")
    with pytest.raises(Http404):
        accounting_correct(member=cast.colleague, entry_id=original.id, correction=correction, channel=Channel.WEB)


def test_a_suspension_needs_the_agencys_statement(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="agency's statement") as caught:
        prepare(cast, suspended_until=timezone.localdate() + dt.timedelta(days=30))
    assert "suspension_statement" in caught.value.message_dict


def test_a_suspension_carries_into_the_entry(cast: Cast) -> None:
    until = timezone.localdate() + dt.timedelta(days=30)
    statement = "Det. Canary, Harbor PD, in writing on 2026-11-26: 30 days."
    request = released(cast, suspended_until=until, suspension_statement=statement)
    entry = AccountingEntry.objects.get(request=request)
    assert entry.suspended_until == until
    assert entry.open("suspension_statement", key=cast.client.data_key()) == statement


def _suspend(cast: Cast, entry: AccountingEntry, days: int, *, oral: bool = False) -> None:
    from confide.disclosures.services import accounting_suspend

    accounting_suspend(
        member=cast.clinician,
        entry_id=entry.id,
        until=timezone.localdate() + dt.timedelta(days=days),
        statement="Det. Canary, Harbor PD, by phone: an investigation is ongoing.",
        oral=oral,
        channel=Channel.WEB,
    )


HELD = {
    "notice": "delayed",
    "notice_on": timezone.localdate() + dt.timedelta(days=10),
    "notice_reason": "Telling now would put the victim at risk.",
}


def test_a_later_suspension_holds_the_entry_back_past_the_notice_date_until_its_own(cast: Cast) -> None:
    entry = AccountingEntry.objects.get(request=released(cast, **HELD))
    _suspend(cast, entry, 20, oral=True)
    assert cast.client_member is not None
    member = cast.client_member

    def shown() -> list[AccountingLine]:
        return accounting_for_client(client=cast.client, viewer=member, channel=Channel.WEB)

    assert shown() == []
    assert notices_send(now=timezone.now() + dt.timedelta(days=10)) == 0  # the notice date: still suspended
    assert shown() == []
    assert notices_send(now=timezone.now() + dt.timedelta(days=20)) == 1
    assert [line.id for line in shown()] == [entry.id]


def test_an_oral_suspension_lasts_at_most_thirty_days(cast: Cast) -> None:
    entry = AccountingEntry.objects.get(request=released(cast, **HELD))
    with pytest.raises(ValidationError, match="at most 30 days") as caught:
        _suspend(cast, entry, 31, oral=True)
    assert "at most 30 days" in caught.value.message_dict["until"][0]
    _suspend(cast, entry, 90)  # in writing, longer is allowed
