"""The thread's reads (selectors.py): who is in a thread and whom its messages are sealed to, when that is
written into the client's history, and what a member's browser is given of each message it is shown."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.clients.models import Client
from confide.messaging.envelope import Context, Envelope, MailboxSecret, seal
from confide.messaging.envelope import Mailbox as PublicMailbox
from confide.messaging.models import Message
from confide.messaging.selectors import recipients_of, recipients_recorded, thread_read
from confide.messaging.services import message_send
from confide.practices.models import Member
from tests.cast import Cast
from tests.messaging.test_services import publish, sealed_for

WEB = Channel.WEB


def sealed_in(client: Client, sender: MailboxSecret, text: bytes) -> Envelope:
    """A message to everyone ``client``'s thread is sealed to now, as the sender's browser seals it."""
    found = {b.key_id: PublicMailbox.from_raw(bytes(b.receive), bytes(b.verify)) for b in recipients_of(client)}
    boxes = list((found | {sender.mailbox.id: sender.mailbox}).values())
    ids = tuple(sorted(b.id for b in boxes))
    ctx = Context(client.practice_id, client.id, uuid.uuid4(), sender.mailbox.id, ids)
    return seal(text, ctx=ctx, sender=sender, recipients=boxes)


def send_in(client: Client, member: Member, secret: MailboxSecret, text: bytes = b"hello") -> Message:
    return message_send(member=member, client_id=client.id, envelope=sealed_in(client, secret, text), channel=WEB)


def test_a_client_without_a_portal_account_has_only_their_care_team_in_the_thread(cast: Cast) -> None:
    casey = publish(cast.colleague)
    assert cast.other_client.portal_member is None
    assert [box.key_id for box in recipients_of(cast.other_client)] == [casey.mailbox.id]


def test_a_key_its_owner_started_over_from_is_no_longer_sealed_to(cast: Cast) -> None:
    first = publish(cast.client_member)
    second = publish(cast.client_member)
    keys = [box.key_id for box in recipients_of(cast.client)]
    assert keys == [second.mailbox.id] and first.mailbox.id not in keys


def test_the_recipients_are_written_again_only_when_this_clients_recipients_change(cast: Cast) -> None:
    jordan, chris = publish(cast.client_member), publish(cast.clinician)
    publish(cast.colleague)
    recipients_recorded(client=cast.client, actor=cast.clinician, channel=WEB)
    # Other events of the same client come after it (the message's own), and the recipients of another
    # client are written after it too: neither is what this client's recipients are compared with.
    message_send(
        member=cast.client_member, client_id=cast.client.id, envelope=sealed_for(cast, jordan, b"x"), channel=WEB
    )
    recipients_recorded(client=cast.client, actor=cast.clinician, channel=WEB)
    recipients_recorded(client=cast.other_client, actor=cast.colleague, channel=WEB)
    recipients_recorded(client=cast.client, actor=cast.clinician, channel=WEB)
    [event] = AuditEvent.objects.filter(action=AuditAction.MESSAGE_RECIPIENTS, client_id=cast.client.id)
    assert event.object_type == "mailbox"
    assert event.object_ids == " ".join(sorted([jordan.mailbox.id, chris.mailbox.id]))


def test_a_thread_shows_only_its_own_clients_messages(cast: Cast) -> None:
    jordan, casey = publish(cast.client_member), publish(cast.colleague)
    send_in(cast.other_client, cast.colleague, casey, b"Aisha's thread")
    mine = send_in(cast.client, cast.client_member, jordan, b"Jordan's thread")
    _, shown = thread_read(member=cast.client_member, client_id=cast.client.id, channel=WEB)
    assert [s.id for s in shown] == [mine.id]


def test_a_first_look_shows_the_newest_fifty_oldest_first(cast: Cast) -> None:
    jordan = publish(cast.client_member)
    sent = [send_in(cast.client, cast.client_member, jordan) for _ in range(51)]
    start = timezone.now() - dt.timedelta(hours=1)
    for minutes, message in enumerate(sent):
        Message.objects.filter(pk=message.pk).update(sent_at=start + dt.timedelta(minutes=minutes))
    _, shown = thread_read(member=cast.client_member, client_id=cast.client.id, channel=WEB)
    assert [s.id for s in shown] == [m.id for m in sent[1:]]


def test_messages_sent_at_the_same_moment_come_in_one_order_by_id(cast: Cast) -> None:
    jordan = publish(cast.client_member)
    sent = [send_in(cast.client, cast.client_member, jordan) for _ in range(7)]
    moment = timezone.now() - dt.timedelta(hours=1)
    Message.objects.filter(pk__in=[m.pk for m in sent]).update(sent_at=moment)
    ordered = sorted(m.id for m in sent)
    _, first = thread_read(member=cast.client_member, client_id=cast.client.id, channel=WEB)
    _, after = thread_read(
        member=cast.client_member, client_id=cast.client.id, channel=WEB, after=moment - dt.timedelta(seconds=1)
    )
    assert [s.id for s in first] == ordered and [s.id for s in after] == ordered


def test_each_message_shown_carries_its_time_its_senders_keys_and_whether_it_is_filed(cast: Cast) -> None:
    jordan, _ = publish(cast.client_member), publish(cast.clinician)
    filed, kept = (send_in(cast.client, cast.client_member, jordan) for _ in range(2))
    Message.objects.filter(pk=filed.pk).update(filed_as=cast.document, sent_at=timezone.now() - dt.timedelta(minutes=5))
    _, shown = thread_read(member=cast.clinician, client_id=cast.client.id, channel=WEB)
    assert [s.id for s in shown] == [filed.id, kept.id]
    assert [s.filed for s in shown] == [True, False] and all(isinstance(s.filed, bool) for s in shown)
    assert [s.sent_at for s in shown] == [Message.objects.get(pk=m.pk).sent_at for m in (filed, kept)]
    for message in shown:
        assert message.sender_receive == jordan.mailbox.receive.public_bytes_raw()
        assert message.sender_verify == jordan.mailbox.verify.public_bytes_raw()
        assert message.shared_by is None and message.share_signature == b""  # sealed to Chris, not shared
    event = AuditEvent.objects.filter(action=AuditAction.MESSAGE_READ).latest("id")
    assert (event.object_type, event.object_ids) == ("message", f"{filed.id} {kept.id}")


def test_someone_without_a_key_to_a_message_is_shown_it_without_one(cast: Cast) -> None:
    jordan = publish(cast.client_member)
    message = send_in(cast.client, cast.client_member, jordan)
    for _ in ("no mailbox yet", "a mailbox set up after the message"):
        _, [shown] = thread_read(member=cast.supervisor, client_id=cast.client.id, channel=WEB)
        assert shown.id == message.id
        assert (shown.sealed_key, shown.shared_by, shown.share_signature) == (None, None, None)
        publish(cast.supervisor)
