"""The client's journal (confide.journal): only ever the client's own, sealed to their own key alone —
refused when sealed for anyone else, invisible to every member, audited, deleted when they choose, and
gone with the client."""

from __future__ import annotations

import uuid

import pytest
from django.http import Http404

from confide.accounts.models import User
from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.journal.models import JournalEntry
from confide.journal.selectors import entries_read, journal_for_member
from confide.journal.services import entry_delete, entry_write
from confide.messaging.envelope import Context, Envelope, MailboxSecret, open_envelope, seal
from confide.messaging.envelope import Mailbox as PublicMailbox
from confide.messaging.payload import Payload
from confide.messaging.services import MessagingError, envelope_from
from confide.practices.models import Member
from confide.practices.permissions import Role
from confide.vault.operations import client_shred
from tests.cast import Cast
from tests.messaging.test_services import publish

WEB = Channel.WEB
TEXT = "I felt the panic rising on the bus again"


def entry(cast: Cast, secret: MailboxSecret, *, extra: tuple[PublicMailbox, ...] = (), **changes: object) -> Envelope:
    """An entry as the client's browser seals it: to their own mailbox (and ``extra``), in their own record."""
    fields: dict[str, object] = {
        "practice": cast.owner.practice_id,
        "thread": cast.client.id,
        "message": uuid.uuid4(),
        "sender": secret.mailbox.id,
        "recipients": (secret.mailbox.id,),
    } | changes
    ctx = Context(**fields)  # type: ignore[arg-type]
    return seal(Payload("journal", TEXT).to_bytes(), ctx=ctx, sender=secret, recipients=[secret.mailbox, *extra])


@pytest.fixture
def mine(cast: Cast) -> MailboxSecret:
    return publish(cast.client_member)


def test_an_entry_is_kept_sealed_and_opens_only_with_the_clients_key(cast: Cast, mine: MailboxSecret) -> None:
    written = entry_write(member=cast.client_member, envelope=entry(cast, mine), channel=WEB)
    [shown] = entries_read(member=cast.client_member, channel=WEB)
    assert (shown.id, shown.mailbox) == (written.id, mine.mailbox.id)
    assert TEXT.encode() not in bytes(JournalEntry.objects.get().envelope_ct)
    envelope = envelope_from(shown.envelope)  # kept as a browser uploads it
    assert Payload.parse(open_envelope(envelope, mine=mine, sender=mine.mailbox), "journal").text == TEXT
    actions = list(AuditEvent.objects.filter(object_type="journal-entry").values_list("action", "actor", "client_id"))
    assert actions == [
        (AuditAction.JOURNAL_WRITE, cast.client_member.id, cast.client.id),
        (AuditAction.JOURNAL_READ, cast.client_member.id, cast.client.id),
    ]


@pytest.mark.parametrize("who", ["clinician", "supervisor", "owner", "colleague", "staff", "outsider", "cotherapist"])
def test_no_member_opens_or_writes_a_clients_journal(cast: Cast, mine: MailboxSecret, who: str) -> None:
    entry_write(member=cast.client_member, envelope=entry(cast, mine), channel=WEB)
    member = getattr(cast, who)
    for attempt in (
        lambda: journal_for_member(member=member),
        lambda: entries_read(member=member, channel=WEB),
        lambda: entry_write(member=member, envelope=entry(cast, mine), channel=WEB),
        lambda: entry_delete(member=member, entry_id=JournalEntry.objects.get().id, channel=WEB),
    ):
        with pytest.raises(Http404):
            attempt()
    assert JournalEntry.objects.count() == 1
    assert not AuditEvent.objects.filter(object_type="journal-entry").exclude(actor=cast.client_member).exists()


def test_an_entry_sealed_to_anyone_else_too_is_refused(cast: Cast, mine: MailboxSecret) -> None:
    theirs = publish(cast.clinician)
    both = tuple(sorted((mine.mailbox.id, theirs.mailbox.id)))
    for envelope, error in (
        (entry(cast, mine, recipients=both, extra=(theirs.mailbox,)), "changed"),
        (entry(cast, mine, thread=cast.other_client.id), "another thread"),
        (entry(cast, mine, practice=cast.outsider.practice_id), "another thread"),
        (entry(cast, MailboxSecret.generate()), "not sealed and signed by your current key"),
    ):
        with pytest.raises(MessagingError, match=error):
            entry_write(member=cast.client_member, envelope=envelope, channel=WEB)
    assert not JournalEntry.objects.exists() and not AuditEvent.objects.filter(object_type="journal-entry").exists()


def test_the_same_entry_twice_is_a_clear_refusal(cast: Cast, mine: MailboxSecret) -> None:
    envelope = entry(cast, mine)
    entry_write(member=cast.client_member, envelope=envelope, channel=WEB)
    with pytest.raises(MessagingError, match="saved already"):
        entry_write(member=cast.client_member, envelope=envelope, channel=WEB)
    assert JournalEntry.objects.count() == 1


def test_without_messages_set_up_there_is_nothing_to_seal_to(cast: Cast) -> None:
    with pytest.raises(MessagingError, match="Set up secure messages"):
        entry_write(member=cast.client_member, envelope=entry(cast, MailboxSecret.generate()), channel=WEB)


def test_the_client_deletes_an_entry_and_it_is_gone(cast: Cast, mine: MailboxSecret) -> None:
    kept = entry_write(member=cast.client_member, envelope=entry(cast, mine), channel=WEB)
    gone = entry_write(member=cast.client_member, envelope=entry(cast, mine), channel=WEB)
    entry_delete(member=cast.client_member, entry_id=gone.id, channel=WEB)
    assert list(JournalEntry.objects.values_list("id", flat=True)) == [kept.id]
    event = AuditEvent.objects.get(action=AuditAction.JOURNAL_DELETE)
    assert (event.object_id, event.client_id) == (str(gone.id), cast.client.id)
    with pytest.raises(Http404):
        entry_delete(member=cast.client_member, entry_id=gone.id, channel=WEB)
    with pytest.raises(Http404):
        entry_delete(member=cast.client_member, entry_id="not-an-id", channel=WEB)


def test_an_entry_moved_into_another_clients_journal_is_not_shown_there(cast: Cast, mine: MailboxSecret) -> None:
    entry_write(member=cast.client_member, envelope=entry(cast, mine), channel=WEB)
    JournalEntry.objects.update(client=cast.other_client)  # a database administrator moves the row
    assert entries_read(member=cast.client_member, channel=WEB) == []


def test_the_journal_goes_with_the_client(cast: Cast, mine: MailboxSecret) -> None:
    entry_write(member=cast.client_member, envelope=entry(cast, mine), channel=WEB)
    client_shred(client_id=cast.client.id, reason="retention period over")
    assert not JournalEntry.objects.exists()
    with pytest.raises(Http404):
        journal_for_member(member=cast.client_member)


def test_the_refusals_say_exactly_what_to_do(cast: Cast) -> None:
    with pytest.raises(MessagingError, match=r"^Set up secure messages on this device first\.$"):
        entry_write(member=cast.client_member, envelope=entry(cast, MailboxSecret.generate()), channel=WEB)
    mine = publish(cast.client_member)
    envelope = entry(cast, mine)
    entry_write(member=cast.client_member, envelope=envelope, channel=WEB)
    with pytest.raises(MessagingError, match=r"^That entry was saved already\.$"):
        entry_write(member=cast.client_member, envelope=envelope, channel=WEB)


def test_writing_and_deleting_an_entry_name_it_in_the_clients_history(cast: Cast, mine: MailboxSecret) -> None:
    written = entry_write(member=cast.client_member, envelope=entry(cast, mine), channel=WEB)
    entry_delete(member=cast.client_member, entry_id=written.id, channel=WEB)
    rows = AuditEvent.objects.filter(
        client_id=cast.client.id, action__in=[AuditAction.JOURNAL_WRITE, AuditAction.JOURNAL_DELETE]
    )
    assert list(rows.order_by("id").values_list("action", "object_type", "object_id")) == [
        (AuditAction.JOURNAL_WRITE, "journal-entry", str(written.id)),
        (AuditAction.JOURNAL_DELETE, "journal-entry", str(written.id)),
    ]


def test_a_client_cannot_delete_another_clients_entry_in_the_same_practice(cast: Cast) -> None:
    aisha = Member.objects.create(
        practice=cast.owner.practice,
        user=User.objects.create_user("aisha@client.test", "a" * 20, full_name=""),
        role=Role.CLIENT,
    )
    cast.other_client.portal_member = aisha
    cast.other_client.save(update_fields=["portal_member"])
    hers = publish(aisha)
    theirs = entry_write(member=aisha, envelope=entry(cast, hers, thread=cast.other_client.id), channel=WEB)
    with pytest.raises(Http404):
        entry_delete(member=cast.client_member, entry_id=theirs.id, channel=WEB)
    assert JournalEntry.objects.filter(pk=theirs.pk, client=cast.other_client).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.JOURNAL_DELETE).exists()
