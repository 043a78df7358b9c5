"""What a server that turns against its clients can do to a thread, and what the client's browser makes of
it. The attacker holds the database and the master key (so it can read and write any row, and seal rows
under the client's key), but no one's messaging secret: it re-labels a sender, forges a message under a key
of its own, replays a genuine message, and swaps the clinician's published key for one it holds."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
from django.db import transaction
from playwright.sync_api import Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from confide.accounts.models import User
from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.careteams.models import CareTeamMember
from confide.messaging.envelope import Context, Envelope, MailboxSecret, safety_code, seal
from confide.messaging.envelope import Mailbox as PublicMailbox
from confide.messaging.models import Mailbox, Message, MessageKey
from confide.messaging.payload import Payload
from confide.messaging.selectors import recipients_of
from confide.messaging.services import PARTS, message_send
from confide.practices.models import Member
from confide.practices.permissions import Role
from tests.browser.helpers import sign_in
from tests.browser.test_messages import _ready, _set_up
from tests.cast import Cast
from tests.messaging.test_services import publish


def _words(text: str, kind: str = "message") -> bytes:
    return Payload(kind, text).to_bytes()


def _public(row: Mailbox) -> PublicMailbox:
    return PublicMailbox.from_raw(bytes(row.receive), bytes(row.verify))


def _logged(member: Member, key_id: str) -> None:
    """The database writer also writes the key's publication event (it needs no key for that); the log then
    holds it for good, and it passes the browser's key-transparency check."""
    with transaction.atomic():
        event_record(
            actor=member, action=AuditAction.MAILBOX_PUBLISH, channel=Channel.WEB, object_type="mailbox",
            object_id=key_id,
        )  # fmt: skip


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
    _logged(cast.clinician, evil.mailbox.id)
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
        "Someone joined or a key changed: compare the safety codes before anything is sent."
    )
    assert not Message.objects.filter(sender=cast.client_member).exists()


def _look_alike_replaces_chris(cast: Cast, page: Page) -> tuple[MailboxSecret, Mailbox]:
    """The database writer: a look-alike "Chris Clinician" with a key it holds, and Chris's seat dropped.
    The page is sent away first: its polling would hold SQLite's in-memory tables while these rows are
    written (a test-only race; the caller loads the page again)."""
    page.goto("about:blank")
    evil = MailboxSecret.generate()
    ghost_user = User.objects.create_user("chris.c@harbor.test", "x" * 20, full_name="Chris Clinician")
    ghost = Member.objects.create(practice=cast.owner.practice, user=ghost_user, role=Role.CLINICIAN)
    CareTeamMember.objects.create(
        practice_id=cast.owner.practice_id, client=cast.client, member=ghost, team_role="clinician"
    )
    ghost_box = Mailbox.objects.create(
        practice_id=cast.owner.practice_id, member=ghost, key_id=evil.mailbox.id,
        receive=evil.mailbox.receive.public_bytes_raw(), verify=evil.mailbox.verify.public_bytes_raw(),
    )  # fmt: skip
    CareTeamMember.objects.filter(client=cast.client, member=cast.clinician).delete()
    _logged(ghost, evil.mailbox.id)
    return evil, ghost_box


def test_a_look_alike_under_a_new_member_id_is_held_back_as_someone_new(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    cast = live_cast
    publish(cast.clinician)  # Chris's real browser
    sign_in(page, live_server.url, "jordan@client.test", with_totp=False)
    page.goto(f"{live_server.url}/messages/{cast.client.id}/")
    _set_up(page)  # Jordan's browser pins Chris's genuine key
    expect(page.locator("#thread-people")).to_have_text("Sealed for: Chris Clinician, you")
    jordan = Mailbox.objects.get(member=cast.client_member, retired_at=None)

    evil, ghost_box = _look_alike_replaces_chris(cast, page)

    page.goto(f"{live_server.url}/messages/{cast.client.id}/")  # a fresh load, not the back-forward cache
    _ready(page)
    # (the page still says "Chris Clinician": the name is the server's word; what it checks is the key)
    expect(page.locator("#changed")).to_be_visible()
    expect(page.locator("#changed-who")).to_have_text(
        "Chris Clinician (someone new with the same name as a person you know) can now read what is sent here."
    )
    expect(page.locator("#thread-people")).to_contain_text("No longer in this conversation: Chris Clinician.")
    page.fill("#compose-text", "I relapsed last night")
    page.click("#compose button[type=submit]")
    expect(page.locator("#messages-status")).to_have_text(
        "Someone joined or a key changed: compare the safety codes before anything is sent."
    )
    assert not Message.objects.filter(sender=cast.client_member).exists()
    assert ghost_box.key_id != jordan.key_id


def test_a_reply_signed_by_the_look_alike_is_not_named_as_chris(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    cast = live_cast
    publish(cast.clinician)
    sign_in(page, live_server.url, "jordan@client.test", with_totp=False)
    page.goto(f"{live_server.url}/messages/{cast.client.id}/")
    _set_up(page)
    jordan = Mailbox.objects.get(member=cast.client_member, retired_at=None)

    evil, ghost_box = _look_alike_replaces_chris(cast, page)

    # The operator (master key) files a reply signed by its own key, in this thread, sealed to Jordan.
    jordan_public = PublicMailbox.from_raw(bytes(jordan.receive), bytes(jordan.verify))
    mid = uuid.uuid4()
    ctx = Context(
        cast.owner.practice_id, cast.client.id, mid, evil.mailbox.id, tuple(sorted((evil.mailbox.id, jordan.key_id)))
    )
    forged = seal(
        Payload("message", "Stop the medication today.").to_bytes(), ctx=ctx, sender=evil,
        recipients=[evil.mailbox, jordan_public],
    )  # fmt: skip
    row = Message(id=mid, practice_id=cast.owner.practice_id, client=cast.client, sender=ghost_box.member)
    row.sender_mailbox = ghost_box
    row.seal(
        "envelope", json.dumps({n: base64.b64encode(getattr(forged, n)).decode() for n in PARTS}),
        key=cast.client.data_key(),
    )  # fmt: skip
    row.save(force_insert=True)
    for key_id, sealed in forged.keys.items():
        box = Mailbox.objects.get(key_id=key_id)
        MessageKey.objects.create(practice_id=cast.owner.practice_id, message=row, mailbox=box, sealed=sealed)

    page.goto(f"{live_server.url}/messages/{cast.client.id}/")  # a fresh load, not the back-forward cache
    _ready(page)
    item = page.locator("#thread-list li")
    expect(item).to_have_count(1, timeout=5_000)
    expect(item).to_contain_text("Stop the medication")
    expect(item).to_contain_text("Someone whose key this device has not seen")  # not "Chris Clinician"


def test_a_file_id_that_is_not_an_id_makes_the_message_not_open(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    """A sender who names a file ``../../<another thread>/messages.json?`` would have the reader's browser
    fetch that thread with the reader's session: a file id is only ever a UUID, or the message does not open."""
    from confide.careteams.models import CareTeamMember  # noqa: PLC0415
    from confide.careteams.services import careteam_add  # noqa: PLC0415
    from confide.messaging.models import MessageRead  # noqa: PLC0415
    from confide.messaging.payload import File  # noqa: PLC0415
    from tests.messaging.test_services import sealed_for  # noqa: PLC0415

    cast, aisha = live_cast, live_cast.other_client
    careteam_add(
        actor=cast.owner, client=aisha, member=cast.clinician, team_role=CareTeamMember.TeamRole.CLINICIAN,
        channel=Channel.CLI,
    )  # fmt: skip
    sign_in(page, live_server.url, "chris@harbor.test")
    page.goto(f"{live_server.url}/messages/{cast.client.id}/")
    _set_up(page)
    casey = publish(cast.colleague)  # Casey writes in Aisha's thread; Chris has not opened it
    boxes = [_public(b) for b in recipients_of(aisha)]
    ctx = Context(cast.owner.practice_id, aisha.id, uuid.uuid4(), casey.mailbox.id, tuple(sorted(b.id for b in boxes)))
    waiting = message_send(
        member=cast.colleague, client_id=aisha.id, channel=Channel.WEB,
        envelope=seal(_words("Aisha: call me"), ctx=ctx, sender=casey, recipients=boxes),
    )  # fmt: skip
    jordan = publish(cast.client_member)
    trap = File(f"../../{aisha.id}/messages.json?", "care-plan.pdf", "application/pdf", 1000, bytes(32), "0" * 64)
    message_send(
        member=cast.client_member, client_id=cast.client.id, channel=Channel.WEB,
        envelope=sealed_for(cast, jordan, Payload("message", "my care plan", (trap,)).to_bytes()),
    )  # fmt: skip
    expect(page.locator("#thread-list li")).to_have_count(1, timeout=5_000)
    expect(page.locator("#thread-list li")).to_contain_text("this message does not open")
    expect(page.locator("#thread-list button.file")).to_have_count(0)
    assert not MessageRead.objects.filter(message=waiting, member=cast.clinician).exists()


def test_the_order_and_times_are_the_writers_not_the_servers(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    """A database writer moves the client's "Yes" from the question it answered to another one by changing
    the server's times: the page orders and dates messages by the time each writer signed."""
    import datetime as dt  # noqa: PLC0415

    from tests.browser.test_messages import _send  # noqa: PLC0415

    cast = live_cast
    chris = publish(cast.clinician)
    sign_in(page, live_server.url, "jordan@client.test", with_totp=False)
    page.goto(f"{live_server.url}/messages/{cast.client.id}/")
    _set_up(page)

    def ask(text: str) -> Message:
        boxes = [_public(b) for b in recipients_of(cast.client)]
        ctx = Context(
            cast.owner.practice_id, cast.client.id, uuid.uuid4(), chris.mailbox.id, tuple(sorted(b.id for b in boxes))
        )
        return message_send(
            member=cast.clinician, client_id=cast.client.id, channel=Channel.WEB,
            envelope=seal(_words(text), ctx=ctx, sender=chris, recipients=boxes),
        )  # fmt: skip

    q1 = ask("Q1: have you had thoughts of ending your life?")
    ask("Q2: are you sleeping better?")
    expect(page.locator("#thread-list li")).to_have_count(2, timeout=5_000)
    _send(page, "Yes")  # the answer to Q2
    expect(page.locator("#thread-list li")).to_have_count(3, timeout=5_000)
    Message.objects.filter(sender=cast.client_member).update(sent_at=q1.sent_at - dt.timedelta(minutes=1))
    page.reload()
    _ready(page)
    expect(page.locator("#thread-list li")).to_have_count(3, timeout=5_000)
    texts = page.locator("#thread-list li p").all_inner_texts()
    assert texts == ["Q1: have you had thoughts of ending your life?", "Q2: are you sleeping better?", "Yes"], texts


def test_a_key_swapped_before_this_browser_ever_saw_the_person_is_refused_unless_the_log_shows_it_published(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    """Trust on first use alone would accept a key swapped before a browser's first look; the practice's
    signed log holds no publication of it by Chris, so nothing is sealed to it."""
    cast = live_cast
    publish(cast.clinician)
    evil = MailboxSecret.generate()
    Mailbox.objects.filter(member=cast.clinician, retired_at=None).update(
        key_id=evil.mailbox.id,
        receive=evil.mailbox.receive.public_bytes_raw(),
        verify=evil.mailbox.verify.public_bytes_raw(),
    )  # the database writer, before Jordan's browser has seen Chris at all
    sign_in(page, live_server.url, "jordan@client.test", with_totp=False)
    page.goto(f"{live_server.url}/messages/{cast.client.id}/")
    _set_up(page, expect_ready=False)
    unlogged = (
        "The key shown for Chris Clinician is not in the practice's signed log as one they use,"
        " so nothing can be sent here."
    )
    expect(page.locator("#messages-status")).to_contain_text(unlogged)
    page.fill("#compose-text", "I relapsed last night")
    page.click("#compose button[type=submit]")
    expect(page.locator("#messages-status")).to_contain_text(unlogged)
    assert not Message.objects.filter(sender=cast.client_member).exists()
    assert not MessageKey.objects.filter(mailbox__key_id=evil.mailbox.id).exists()


@pytest.mark.parametrize(
    "forge",
    ["another_keys_entry", "proof_cut", "checkpoint_of_another_key", "entry_renamed"],
)
def test_a_server_that_answers_with_a_wrong_log_entry_for_a_key_is_refused(
    page: Page, live_server: LiveServer, live_cast: Cast, forge: str
) -> None:
    """The browser, not the server, decides: a proxy in front rewrites the log part of the recipients answer."""
    cast = live_cast
    publish(cast.clinician)
    chris = Mailbox.objects.get(member=cast.clinician, retired_at=None).key_id

    def rewrite(route: Route) -> None:
        answer = route.fetch()
        data = answer.json()
        keys = data["log"]["keys"]
        [jordan] = [k for k in keys if k != chris]
        if forge == "another_keys_entry":  # a genuine, logged entry, of Jordan's key
            keys[chris] = keys[jordan]
        elif forge == "proof_cut":
            keys[chris]["proof"] = keys[chris]["proof"][1:] or [base64.b64encode(b"\0" * 32).decode()]
        elif forge == "checkpoint_of_another_key":  # the root is not the signed one
            data["log"]["root"] = base64.b64encode(b"\1" * 32).decode()
        else:  # the committed bytes edited to name the key: the leaf no longer matches
            keys[chris] = dict(keys[jordan], canonical=keys[jordan]["canonical"].replace(jordan, chris))
        route.fulfill(response=answer, body=json.dumps(data), headers={**answer.headers})

    page.route("**/recipients.json", rewrite)
    sign_in(page, live_server.url, "jordan@client.test", with_totp=False)
    page.goto(f"{live_server.url}/messages/{cast.client.id}/")
    _set_up(page, expect_ready=False)
    refused = (
        "The key shown for Chris Clinician is not in the practice's signed log"
        if forge != "checkpoint_of_another_key"
        else "The practice's log does not verify."
    )
    expect(page.locator("#messages-status")).to_contain_text(refused)
    page.fill("#compose-text", "I relapsed last night")
    page.click("#compose button[type=submit]")
    expect(page.locator("#messages-status")).to_contain_text(refused)
    assert not Message.objects.filter(sender=cast.client_member).exists()
