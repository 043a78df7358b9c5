"""Sharing a thread's earlier messages with someone who joined later (share.py, sharing.py): only a
recipient who can open a message shares it, only with someone in the thread now, signed by their current
key — and the server can neither share a message itself nor alter a share."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.careteams.models import CareTeamMember
from confide.careteams.services import careteam_add
from confide.messaging import share
from confide.messaging.envelope import EnvelopeError, MailboxSecret, open_envelope
from confide.messaging.models import Mailbox, Message, MessageKey
from confide.messaging.selectors import thread_read
from confide.messaging.services import MessagingError, envelope_from, message_send
from confide.messaging.sharing import history_share, shareable, unshared
from tests.cast import Cast
from tests.messaging.test_services import publish, sealed_for

WEB = Channel.WEB


@pytest.fixture
def earlier(cast: Cast) -> dict[str, MailboxSecret]:
    """Jordan and Chris write twice; then Casey joins the care team and sets up messages."""
    team = {"client": publish(cast.client_member), "clinician": publish(cast.clinician)}
    for who, member in (("client", cast.client_member), ("clinician", cast.clinician)):
        message_send(
            member=member, client_id=cast.client.id, envelope=sealed_for(cast, team[who], b"before"), channel=WEB
        )
    careteam_add(
        actor=cast.owner, client=cast.client, member=cast.colleague, team_role=CareTeamMember.TeamRole.CLINICIAN,
        channel=WEB,
    )  # fmt: skip
    team["casey"] = publish(cast.colleague)
    return team


def _reshared(cast: Cast, sharer: MailboxSecret, target: MailboxSecret) -> dict[str, tuple[bytes, bytes]]:
    rows = shareable(member=cast.clinician, client_id=cast.client.id, target=target.mailbox.id, channel=WEB)
    return {
        str(r.id): share.reshare(r.context, r.commitment, r.sealed, mine=sharer, target=target.mailbox) for r in rows
    }


def test_a_member_lets_a_newcomer_read_the_earlier_messages(cast: Cast, earlier: dict[str, MailboxSecret]) -> None:
    casey = earlier["casey"]
    assert unshared(member=cast.clinician, client_id=cast.client.id) == {
        casey.mailbox.id: 2,
        earlier["client"].mailbox.id: 0,
    }
    shares = _reshared(cast, earlier["clinician"], casey)
    kept = history_share(
        member=cast.clinician, client_id=cast.client.id, target=casey.mailbox.id, shares=shares, channel=WEB
    )
    assert kept == 2 and unshared(member=cast.clinician, client_id=cast.client.id)[casey.mailbox.id] == 0
    _, shown = thread_read(member=cast.colleague, client_id=cast.client.id, channel=WEB)
    for message in shown:
        assert message.shared_by is not None and message.shared_by.key_id == earlier["clinician"].mailbox.id
        assert message.sealed_key is not None and message.share_signature is not None
        envelope = dataclasses.replace(
            envelope_from(message.envelope | {"keys": {}}), keys={casey.mailbox.id: message.sealed_key}
        )
        share.check_share(
            envelope.context,
            casey.mailbox.id,
            message.sealed_key,
            message.share_signature,
            sharer=earlier["clinician"].mailbox,
        )
        sender = earlier["client"] if message.sender == cast.client_member else earlier["clinician"]
        assert open_envelope(envelope, mine=casey, sender=sender.mailbox) == b"before"
    event = AuditEvent.objects.get(action=AuditAction.MESSAGE_SHARE)
    assert (event.actor_id, event.client_id, event.object_id, event.purpose) == (
        cast.clinician.id,
        cast.client.id,
        casey.mailbox.id,
        "2",
    )
    read = AuditEvent.objects.filter(action=AuditAction.MESSAGE_READ, actor=cast.clinician).latest("id")
    assert sorted(read.object_ids.split(" ")) == sorted(shares)  # what the sharer's browser was given to re-seal


def test_a_share_not_signed_by_the_sharers_key_is_refused(cast: Cast, earlier: dict[str, MailboxSecret]) -> None:
    casey = earlier["casey"]
    shares = _reshared(cast, earlier["clinician"], casey)
    first = next(iter(shares))
    forged = MailboxSecret.generate()
    for bad in (
        {first: (shares[first][0], forged.sign.sign(b"x"))},
        {first: (shares[first][0][:-1] + bytes([shares[first][0][-1] ^ 1]), shares[first][1])},  # altered key
        {first: (shares[first][0][:40], shares[first][1])},
    ):
        with pytest.raises(MessagingError):
            history_share(
                member=cast.clinician, client_id=cast.client.id, target=casey.mailbox.id, shares=bad, channel=WEB
            )
    assert not MessageKey.objects.filter(mailbox__key_id=casey.mailbox.id).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.MESSAGE_SHARE).exists()


def test_one_bad_share_keeps_none_of_them(cast: Cast, earlier: dict[str, MailboxSecret]) -> None:
    casey = earlier["casey"]
    shares = _reshared(cast, earlier["clinician"], casey)
    last = list(shares)[-1]
    shares[last] = (shares[last][0], b"\0" * 64)
    with pytest.raises(MessagingError, match="not sealed and signed by your current key"):
        history_share(
            member=cast.clinician, client_id=cast.client.id, target=casey.mailbox.id, shares=shares, channel=WEB
        )
    assert not MessageKey.objects.filter(mailbox__key_id=casey.mailbox.id).exists()


def test_only_with_someone_in_the_thread_now_and_only_what_they_lack(
    cast: Cast, earlier: dict[str, MailboxSecret]
) -> None:
    casey = earlier["casey"]
    otto = publish(cast.outsider)
    with pytest.raises(MessagingError, match="someone in this conversation now"):
        shareable(member=cast.clinician, client_id=cast.client.id, target=otto.mailbox.id, channel=WEB)
    with pytest.raises(MessagingError, match="someone in this conversation now"):
        shareable(member=cast.clinician, client_id=cast.client.id, target=earlier["clinician"].mailbox.id, channel=WEB)
    shares = _reshared(cast, earlier["clinician"], casey)
    history_share(member=cast.clinician, client_id=cast.client.id, target=casey.mailbox.id, shares=shares, channel=WEB)
    with pytest.raises(MessagingError, match="not one you can share"):  # the same again: Casey has them now
        history_share(
            member=cast.clinician, client_id=cast.client.id, target=casey.mailbox.id, shares=shares, channel=WEB
        )


def test_someone_who_could_not_read_a_message_cannot_share_it(cast: Cast, earlier: dict[str, MailboxSecret]) -> None:
    # Casey joined later: she holds no key to the earlier messages, so she has nothing to give Sam.
    sam = publish(cast.supervisor)
    assert unshared(member=cast.colleague, client_id=cast.client.id)[sam.mailbox.id] == 0
    assert shareable(member=cast.colleague, client_id=cast.client.id, target=sam.mailbox.id, channel=WEB) == []
    # Nor can she pass off a key under a share of her own: the server checks the sharer was a recipient.
    rows = shareable(member=cast.clinician, client_id=cast.client.id, target=sam.mailbox.id, channel=WEB)
    context = rows[0].context
    with pytest.raises(EnvelopeError, match="could not read"):
        share.check_share(context, sam.mailbox.id, b"\1" * 80, b"\1" * 64, sharer=earlier["casey"].mailbox)


def test_outsiders_are_not_found(cast: Cast, earlier: dict[str, MailboxSecret]) -> None:
    from django.http import Http404  # noqa: PLC0415

    for member in (cast.outsider, cast.staff, cast.owner):
        with pytest.raises(Http404):
            unshared(member=member, client_id=cast.client.id)
        with pytest.raises(Http404):
            history_share(
                member=member, client_id=cast.client.id, target=earlier["casey"].mailbox.id, shares={}, channel=WEB
            )


def test_reshare_refuses_a_key_that_does_not_open_or_is_not_the_senders(
    earlier: dict[str, MailboxSecret], cast: Cast
) -> None:
    casey = earlier["casey"]
    [row, *_] = shareable(member=cast.clinician, client_id=cast.client.id, target=casey.mailbox.id, channel=WEB)
    with pytest.raises(EnvelopeError, match="does not open"):
        share.reshare(row.context, row.commitment, row.sealed, mine=casey, target=casey.mailbox)  # not Casey's key
    with pytest.raises(EnvelopeError, match="does not open"):
        share.reshare(row.context, bytes(32), row.sealed, mine=earlier["clinician"], target=casey.mailbox)


def test_each_refusal_says_exactly_why(cast: Cast, earlier: dict[str, MailboxSecret]) -> None:
    casey, chris = earlier["casey"], earlier["clinician"]
    args = {"member": cast.clinician, "client_id": cast.client.id, "channel": WEB}
    with pytest.raises(MessagingError, match=r"^Messages can be shared only with someone in this conversation now\.$"):
        shareable(target=publish(cast.outsider).mailbox.id, **args)  # type: ignore[arg-type]
    for call in (shareable, lambda **a: history_share(shares={}, **a)):
        with pytest.raises(MessagingError, match=r"^Set up secure messages on this device first\.$"):
            call(member=cast.supervisor, client_id=cast.client.id, target=casey.mailbox.id, channel=WEB)
    shares = _reshared(cast, chris, casey)
    first = next(iter(shares))
    stray = {str(uuid.uuid4()): shares[first]}
    with pytest.raises(
        MessagingError, match=r"^A message shared is not one you can share with them: reload the page\.$"
    ):
        history_share(target=casey.mailbox.id, shares=stray, **args)  # type: ignore[arg-type]
    for bad in ((shares[first][0], b"\0" * 64), (shares[first][0][:40], shares[first][1])):
        with pytest.raises(MessagingError, match=r"^That share is not sealed and signed by your current key\.$"):
            history_share(target=casey.mailbox.id, shares={first: bad}, **args)  # type: ignore[arg-type]
    assert history_share(target=casey.mailbox.id, shares={}, **args) == 0  # type: ignore[arg-type]
    assert not AuditEvent.objects.filter(action=AuditAction.MESSAGE_SHARE).exists()


def test_a_share_made_meanwhile_from_another_page_keeps_nothing_of_this_one(
    cast: Cast, earlier: dict[str, MailboxSecret], monkeypatch: pytest.MonkeyPatch
) -> None:
    casey, chris = earlier["casey"], earlier["clinician"]
    shares = _reshared(cast, chris, casey)
    first = next(iter(shares))
    check = share.check_share

    to, mine = Mailbox.objects.get(key_id=casey.mailbox.id), Mailbox.objects.get(key_id=chris.mailbox.id)

    def checked_while_the_other_page_shares(*args: Any, **kwargs: Any) -> None:
        check(*args, **kwargs)
        if not MessageKey.objects.filter(mailbox=to).exists():  # the other page's share
            MessageKey.objects.create(
                practice_id=cast.owner.practice_id, message_id=first, mailbox=to, sealed=shares[first][0],
                shared_by=mine, share_signature=shares[first][1],
            )  # fmt: skip

    monkeypatch.setattr(share, "check_share", checked_while_the_other_page_shares)
    with pytest.raises(MessagingError, match=r"^Someone shared these messages meanwhile: reload the page\.$"):
        history_share(
            member=cast.clinician, client_id=cast.client.id, target=casey.mailbox.id, shares=shares, channel=WEB
        )
    assert MessageKey.objects.filter(mailbox__key_id=casey.mailbox.id).count() == 1  # the other page's only
    assert not AuditEvent.objects.filter(action=AuditAction.MESSAGE_SHARE).exists()


def test_the_read_and_the_share_are_in_the_clients_history_as_such(
    cast: Cast, earlier: dict[str, MailboxSecret]
) -> None:
    casey = earlier["casey"]
    shares = _reshared(cast, earlier["clinician"], casey)
    read = AuditEvent.objects.filter(action=AuditAction.MESSAGE_READ, actor=cast.clinician).latest("id")
    assert (read.client_id, read.object_type) == (cast.client.id, "message")
    history_share(member=cast.clinician, client_id=cast.client.id, target=casey.mailbox.id, shares=shares, channel=WEB)
    event = AuditEvent.objects.get(action=AuditAction.MESSAGE_SHARE)
    assert (event.object_type, event.object_id) == ("mailbox", casey.mailbox.id)


def test_only_this_threads_messages_are_offered_oldest_first_then_by_id(
    cast: Cast, earlier: dict[str, MailboxSecret]
) -> None:
    from tests.messaging.test_selectors import send_in  # noqa: PLC0415

    casey, chris = earlier["casey"], earlier["clinician"]
    # Chris is on Aisha's team too, and reads a message there that Sam, later on Jordan's, lacks.
    careteam_add(
        actor=cast.owner, client=cast.other_client, member=cast.clinician,
        team_role=CareTeamMember.TeamRole.CLINICIAN, channel=WEB,
    )  # fmt: skip
    send_in(cast.other_client, cast.colleague, casey)
    sent = [send_in(cast.client, cast.clinician, chris) for _ in range(5)]
    sam = publish(cast.supervisor)
    ours = list(Message.objects.filter(client=cast.client).order_by("id"))
    assert len(ours) == 7 and unshared(member=cast.clinician, client_id=cast.client.id)[sam.mailbox.id] == 7
    start = timezone.now() - dt.timedelta(hours=1)
    for minutes, message in enumerate(reversed(ours)):  # sent in the reverse order of their ids
        Message.objects.filter(pk=message.pk).update(sent_at=start + dt.timedelta(minutes=minutes))
    rows = shareable(member=cast.clinician, client_id=cast.client.id, target=sam.mailbox.id, channel=WEB)
    assert [r.id for r in rows] == [m.id for m in reversed(ours)]
    Message.objects.filter(pk__in=[m.pk for m in sent]).update(sent_at=start)  # five at one moment: by id
    rows = shareable(member=cast.clinician, client_id=cast.client.id, target=sam.mailbox.id, channel=WEB)
    assert [r.id for r in rows[:5]] == sorted(m.id for m in sent)
