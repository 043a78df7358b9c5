"""What a server that turns against its clients can do to a thread, and what the client's browser makes of
it. The attacker holds the database and the master key (so it can read and write any row, and seal rows
under the client's key), but no one's messaging secret: it re-labels a sender, forges a message under a key
of its own, replays a genuine message, and swaps the clinician's published key for one it holds."""

from __future__ import annotations

import base64
import json
import uuid

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.audit.actions import Channel
from confide.messaging.envelope import Context, Envelope, MailboxSecret, safety_code, seal
from confide.messaging.envelope import Mailbox as PublicMailbox
from confide.messaging.models import Mailbox, Message, MessageKey
from confide.messaging.payload import Payload
from confide.messaging.selectors import recipients_of
from confide.messaging.services import PARTS, message_send
from confide.practices.models import Member
from tests.browser.helpers import sign_in
from tests.browser.test_messages import _ready, _set_up
from tests.cast import Cast
from tests.messaging.test_services import publish


def _words(text: str, kind: str = "message") -> bytes:
    return Payload(kind, text).to_bytes()


def _public(row: Mailbox) -> PublicMailbox:
    return PublicMailbox.from_raw(bytes(row.receive), bytes(row.verify))


def _plant(cast: Cast, sender: Member, mailbox: Mailbox, envelope: Envelope, message_id: uuid.UUID) -> None:
    """A message row written straight into the database, sealed under the client's key as the server does."""
    row = Message(id=message_id, practice_id=cast.owner.practice_id, client=cast.client, sender=sender)
    row.sender_mailbox = mailbox
    parts = {name: base64.b64encode(getattr(envelope, name)).decode() for name in PARTS}
    row.seal("envelope", json.dumps(parts), key=cast.client.data_key())
    row.save(force_insert=True)
    for key_id, sealed in envelope.keys.items():
        if (box := Mailbox.objects.filter(key_id=key_id).first()) is not None:
            MessageKey.objects.create(practice_id=cast.owner.practice_id, message=row, mailbox=box, sealed=sealed)


def test_the_browser_names_senders_by_their_keys_and_holds_back_a_swapped_key(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    cast = live_cast
    chris = publish(cast.clinician)  # Chris's browser, as Python
    sign_in(page, live_server.url, "jordan@client.test", with_totp=False)
    page.goto(f"{live_server.url}/messages/{cast.client.id}/")
    _set_up(page)  # Jordan's browser sees Chris's genuine key first
    jordan_row = Mailbox.objects.get(member=cast.client_member, retired_at=None)

    # Chris really writes; the server then says Sam wrote it.
    boxes = [_public(b) for b in recipients_of(cast.client)]
    ids = tuple(sorted(b.id for b in boxes))
    ctx = Context(cast.owner.practice_id, cast.client.id, uuid.uuid4(), chris.mailbox.id, ids)
    real = message_send(
        member=cast.clinician, client_id=cast.client.id, channel=Channel.WEB,
        envelope=seal(_words("relabelled: keep taking it"), ctx=ctx, sender=chris, recipients=boxes),
    )  # fmt: skip
    Message.objects.filter(pk=real.pk).update(sender=cast.supervisor)

    # A message signed by a key of the server's own, filed as an old key of Chris's.
    forger = MailboxSecret.generate()
    forged_box = Mailbox.objects.create(
        practice_id=cast.owner.practice_id, member=cast.clinician, key_id=forger.mailbox.id,
        receive=forger.mailbox.receive.public_bytes_raw(), verify=forger.mailbox.verify.public_bytes_raw(),
        retired_at=real.sent_at,
    )  # fmt: skip
    forged_id = uuid.uuid4()
    forged_ctx = Context(
        cast.owner.practice_id, cast.client.id, forged_id, forger.mailbox.id,
        tuple(sorted((forger.mailbox.id, _public(jordan_row).id))),
    )  # fmt: skip
    forged = seal(
        _words("forged: you are discharged"),
        ctx=forged_ctx,
        sender=forger,
        recipients=[forger.mailbox, _public(jordan_row)],
    )
    _plant(cast, cast.clinician, forged_box, forged, forged_id)

    # Chris's genuine message again, under a new row id.
    copy = json.loads(Message.objects.get(pk=real.pk).open("envelope", key=cast.client.data_key()))
    context, nonce, body, signature, commitment = (base64.b64decode(copy[n]) for n in PARTS)
    mine = {jordan_row.key_id: bytes(MessageKey.objects.get(message=real, mailbox=jordan_row).sealed)}
    original = Envelope(context, nonce, body, mine, signature, commitment)
    _plant(cast, cast.clinician, Mailbox.objects.get(key_id=chris.mailbox.id), original, uuid.uuid4())

    page.reload()
    _ready(page)
    items = page.locator("#thread-list li")
    expect(items).to_have_count(3, timeout=5_000)
    texts = items.all_inner_texts()
    assert [t for t in texts if "relabelled" in t] == [texts[0]] and texts[0].startswith("Chris Clinician")
    assert any(t.startswith("Someone whose key this device has not seen") and "discharged" in t for t in texts)
    assert any(t.startswith("Unknown") and "not written for this conversation" in t for t in texts)

    # The server swaps Chris's published key for one it holds, its id made to match.
    evil = MailboxSecret.generate()
    Mailbox.objects.filter(member=cast.clinician, retired_at=None).update(
        key_id=evil.mailbox.id,
        receive=evil.mailbox.receive.public_bytes_raw(),
        verify=evil.mailbox.verify.public_bytes_raw(),
    )
    page.reload()
    _ready(page)
    expect(page.locator("#changed")).to_be_visible()
    expect(page.locator("#changed-who")).to_contain_text(
        "The key for Chris Clinician is not the one this device used before."
    )
    code = safety_code(jordan_row.key_id, evil.mailbox.id)  # what Chris's real browser would not show
    expect(page.locator("#changed-codes")).to_have_text(f"Chris Clinician: {code}")
    expect(page.locator("#codes-list")).to_have_text(f"Chris Clinician: {code}")
    page.fill("#compose-text", "I relapsed last night")
    page.click("#compose button[type=submit]")
    expect(page.locator("#messages-status")).to_have_text(
        "A key changed: compare the safety codes before anything is sent."
    )
    assert not Message.objects.filter(sender=cast.client_member).exists()
