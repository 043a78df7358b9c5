"""Shredding a client takes their messages with them (vault/operations.py): every message, the content
keys sealed to each mailbox, read marks, files sent and unsent, and the journal — while another client's
thread stays whole."""

from __future__ import annotations

import uuid

from confide.audit.actions import Channel
from confide.journal.models import JournalEntry
from confide.journal.services import entry_write
from confide.messaging.attachments import attachment_upload
from confide.messaging.envelope import Context, seal
from confide.messaging.envelope import Mailbox as PublicMailbox
from confide.messaging.models import Attachment, Mailbox, Message, MessageKey, MessageRead
from confide.messaging.payload import Payload, seal_file
from confide.messaging.selectors import recipients_of, recipients_recorded
from confide.messaging.services import message_send
from confide.vault.operations import client_shred
from tests.cast import Cast
from tests.messaging.test_services import publish, sealed_for

WEB = Channel.WEB


def test_a_shredded_clients_messages_files_and_journal_are_gone_and_no_one_elses(cast: Cast) -> None:
    jordan = publish(cast.client_member)
    publish(cast.clinician)
    sent, unsent = str(uuid.uuid4()), str(uuid.uuid4())
    for file_id in (sent, unsent):
        blob = seal_file(b"%PDF-1.4 diary", file_id).blob
        attachment_upload(member=cast.client_member, client_id=cast.client.id, file_id=file_id, blob=blob, channel=WEB)
    envelope = sealed_for(cast, jordan, b"x")
    message_send(member=cast.client_member, client_id=cast.client.id, envelope=envelope, channel=WEB, files=[sent])
    recipients_recorded(client=cast.client, actor=cast.clinician, channel=WEB)
    ctx = Context(cast.owner.practice_id, cast.client.id, uuid.uuid4(), jordan.mailbox.id, (jordan.mailbox.id,))
    entry = seal(Payload("journal", "mine").to_bytes(), ctx=ctx, sender=jordan, recipients=[jordan.mailbox])
    entry_write(member=cast.client_member, envelope=entry, channel=WEB)
    # Another client's thread (Aisha's, with Casey), which must stay whole.
    casey = publish(cast.colleague)
    boxes = [PublicMailbox.from_raw(bytes(b.receive), bytes(b.verify)) for b in recipients_of(cast.other_client)]
    ids = tuple(sorted(b.id for b in boxes))
    ctx = Context(cast.owner.practice_id, cast.other_client.id, uuid.uuid4(), casey.mailbox.id, ids)
    other = seal(b"y", ctx=ctx, sender=casey, recipients=boxes)
    their_file = str(uuid.uuid4())
    blob = seal_file(b"%PDF-1.4 theirs", their_file).blob
    attachment_upload(member=cast.colleague, client_id=cast.other_client.id, file_id=their_file, blob=blob, channel=WEB)
    message_send(member=cast.colleague, client_id=cast.other_client.id, envelope=other, channel=WEB)
    recipients_recorded(client=cast.other_client, actor=cast.colleague, channel=WEB)
    their_entry = JournalEntry(
        practice_id=cast.owner.practice_id, client=cast.other_client, mailbox=Mailbox.objects.get(member=cast.colleague)
    )
    their_entry.seal("envelope", "{}", key=cast.other_client.data_key())  # (a row of hers, whatever it holds)
    their_entry.save()

    client_shred(client_id=cast.client.id, reason="retention period over")

    mine = {"client": cast.client}
    assert not Message.objects.filter(**mine).exists() and not Attachment.objects.filter(**mine).exists()
    assert not JournalEntry.objects.filter(**mine).exists()
    assert not MessageKey.objects.filter(message__client=cast.client).exists()
    assert not MessageRead.objects.filter(message__client=cast.client).exists()
    theirs = Message.objects.get(client=cast.other_client)
    assert MessageKey.objects.filter(message=theirs).exists() and MessageRead.objects.filter(message=theirs).exists()
    assert Attachment.objects.filter(client=cast.other_client).exists()  # her file and her journal stay
    assert JournalEntry.objects.filter(pk=their_entry.pk).exists()
