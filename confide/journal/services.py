"""Writes of the journal: an entry is kept only after the checks the server can make without reading it
(sealed and signed by the client's current key, bound to this practice and client, sealed to that key
alone), and deleted when the client chooses. Both audited."""

from __future__ import annotations

from django.db import transaction

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.journal.models import JournalEntry
from confide.journal.selectors import journal_for_member
from confide.lib.lookup import insert_new, one_or_404
from confide.messaging import envelope as env
from confide.messaging.selectors import current_mailbox
from confide.messaging.services import MessagingError, envelope_check, envelope_kept
from confide.practices.models import Member


def entry_write(*, member: Member, envelope: env.Envelope, channel: Channel) -> JournalEntry:
    client = journal_for_member(member=member)
    mailbox = current_mailbox(member)
    if mailbox is None:
        raise MessagingError("Set up secure messages on this device first.")
    _, ctx = envelope_check(member=member, thread=client.id, envelope=envelope, recipients={mailbox.key_id})
    entry = JournalEntry(id=ctx.message, practice_id=member.practice_id, client=client, mailbox=mailbox)
    entry.seal("envelope", envelope_kept(envelope, keys=True), key=client.data_key())
    with transaction.atomic():
        insert_new(entry, MessagingError("That entry was saved already."))
        event_record(
            actor=member, action=AuditAction.JOURNAL_WRITE, channel=channel, client_id=client.id,
            object_type="journal-entry", object_id=str(entry.id),
        )  # fmt: skip
    return entry


def entry_delete(*, member: Member, entry_id: object, channel: Channel) -> None:
    """Delete one of the client's own entries (a copy shared as a message stays in the thread)."""
    client = journal_for_member(member=member)
    with transaction.atomic():
        entry = one_or_404(
            JournalEntry.objects.select_for_update().filter(practice_id=client.practice_id, client=client), pk=entry_id
        )
        event_record(
            actor=member, action=AuditAction.JOURNAL_DELETE, channel=channel, client_id=client.id,
            object_type="journal-entry", object_id=str(entry.id),
        )  # fmt: skip
        entry.delete()
