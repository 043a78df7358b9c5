"""Reads of the journal (confide.journal.selectors): each entry as it was written, newest first in an
order that does not change between two reads, and the read audited with every entry it showed."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.journal.models import JournalEntry
from confide.journal.selectors import entries_read
from confide.journal.services import entry_write
from confide.messaging.envelope import MailboxSecret
from tests.cast import Cast
from tests.journal.test_services import entry
from tests.messaging.test_services import publish

WEB = Channel.WEB


@pytest.fixture
def mine(cast: Cast) -> MailboxSecret:
    return publish(cast.client_member)


def test_each_entry_is_shown_with_the_time_it_was_written(cast: Cast, mine: MailboxSecret) -> None:
    written = entry_write(member=cast.client_member, envelope=entry(cast, mine), channel=WEB)
    moment = dt.datetime(2026, 3, 14, 9, 30, tzinfo=dt.UTC)
    JournalEntry.objects.filter(pk=written.pk).update(written_at=moment)
    [shown] = entries_read(member=cast.client_member, channel=WEB)
    assert shown.written_at == moment


def test_entries_are_listed_newest_first_whatever_their_ids(cast: Cast, mine: MailboxSecret) -> None:
    start = dt.datetime(2026, 3, 14, 9, 0, tzinfo=dt.UTC)
    ids = [uuid.UUID(int=n) for n in (1, 3, 2)]  # written in this order: the ids do not sort by time
    for minute, entry_id in enumerate(ids):
        entry_write(member=cast.client_member, envelope=entry(cast, mine, message=entry_id), channel=WEB)
        JournalEntry.objects.filter(pk=entry_id).update(written_at=start + dt.timedelta(minutes=minute))
    assert [e.id for e in entries_read(member=cast.client_member, channel=WEB)] == ids[::-1]


def test_entries_written_at_the_same_moment_are_listed_by_id_not_as_stored(cast: Cast, mine: MailboxSecret) -> None:
    moment = dt.datetime(2026, 3, 14, 9, 0, tzinfo=dt.UTC)
    for n in (2, 1, 3):  # stored in neither the order listed nor its reverse
        entry_write(member=cast.client_member, envelope=entry(cast, mine, message=uuid.UUID(int=n)), channel=WEB)
    JournalEntry.objects.update(written_at=moment)
    shown = [e.id for e in entries_read(member=cast.client_member, channel=WEB)]
    assert shown == [uuid.UUID(int=3), uuid.UUID(int=2), uuid.UUID(int=1)]


def test_the_read_names_every_entry_it_showed(cast: Cast, mine: MailboxSecret) -> None:
    first = entry_write(member=cast.client_member, envelope=entry(cast, mine), channel=WEB)
    second = entry_write(member=cast.client_member, envelope=entry(cast, mine), channel=WEB)
    shown = entries_read(member=cast.client_member, channel=WEB)
    event = AuditEvent.objects.get(action=AuditAction.JOURNAL_READ)
    assert event.object_ids.split(" ") == [str(e.id) for e in shown]
    assert set(event.object_ids.split(" ")) == {str(first.id), str(second.id)}
