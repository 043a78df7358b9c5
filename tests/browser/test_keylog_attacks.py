"""Key transparency attacked (found by a hostile review): a given-up key made current again in the database,
a log of an attacker's own signed by a key the answer itself carries, and — for the operator, who holds the
real signing key — a log forked after this device last checked it. In each, the client's browser seals
nothing (static/confide/keylog.js)."""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone
from playwright.sync_api import Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from confide.audit import merkle, note
from confide.audit.commitment import canonical, commitment
from confide.audit.log import origin, signing_key
from confide.messaging.envelope import MailboxSecret
from confide.messaging.models import Mailbox, Message, MessageKey
from tests.browser.helpers import sign_in
from tests.browser.test_messages import _jordan_opens, _ready, _set_up
from tests.cast import Cast
from tests.messaging.test_services import publish

RECIPIENTS = re.compile(r".*/recipients\.json(\?.*)?$")  # (with ?since= once this device has checked the log)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _own_log(practice: str, people: list[dict[str, str]], *, signer: Ed25519PrivateKey, name: str) -> dict[str, object]:
    """A log of the attacker's making: one publication per key shown, signed by ``signer``."""
    entries, leaves = {}, []
    for index, person in enumerate(people):
        fields = {"action": "messaging:mailbox:publish", "object_type": "mailbox", "object_id": person["id"],
                  "actor": person["member"], "practice": practice}  # fmt: skip
        salt = os.urandom(32)
        leaves.append(merkle.leaf_hash(commitment(salt, fields)))
        entries[person["id"]] = {"index": index, "canonical": canonical(fields).decode(), "salt": _b64(salt)}
    mth = merkle.list_mth(leaves)
    for entry in entries.values():
        entry["proof"] = [_b64(h) for h in merkle.inclusion_proof_from(mth, int(str(entry["index"])), len(leaves))]
    root = merkle.root(leaves)
    signed = note.sign(note.Checkpoint(name, len(leaves), root), name=name, key=signer)
    return {"verifier_key": note.verifier_key(name, signer.public_key()), "checkpoint": signed,
            "size": len(leaves), "root": _b64(root), "keys": entries, "consistency": []}  # fmt: skip


def _swapping(cast: Cast, evil: MailboxSecret, signer: Ed25519PrivateKey, name: str) -> Callable[[Route], None]:
    """A handler that shows Chris with ``evil``'s key and a log in which Chris published it."""

    def recipients(route: Route) -> None:
        answer = route.fetch()
        data = answer.json()
        for person in data["recipients"]:
            if person["member"] == str(cast.clinician.id):
                person.update(id=evil.mailbox.id, receive=_b64(evil.mailbox.receive.public_bytes_raw()),
                              verify=_b64(evil.mailbox.verify.public_bytes_raw()))  # fmt: skip
        data["log"] = _own_log(data["practice"], data["recipients"], signer=signer, name=name)
        route.fulfill(response=answer, body=json.dumps(data), headers={**answer.headers})

    return recipients


def _nothing_leaves(page: Page, refused: str) -> list[dict[str, object]]:
    sent: list[dict[str, object]] = []
    page.on("request", lambda r: sent.append({}) if r.method == "POST" and r.url.endswith("/send/") else None)
    expect(page.locator("#messages-status")).to_contain_text(refused)
    page.fill("#compose-text", "I relapsed last night")
    page.click("#compose button[type=submit]")
    expect(page.locator("#messages-status")).to_contain_text(refused)
    return sent


def test_a_key_its_owner_retired_is_not_sealed_to_even_on_a_first_look(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    cast = live_cast
    old = publish(cast.clinician)  # Chris's first keys, on the laptop he loses
    publish(cast.clinician)  # Chris starts again: the first mailbox is retired, in the log
    new_row = Mailbox.objects.get(member=cast.clinician, retired_at=None)
    # The database writer: the given-up mailbox is current again (two UPDATEs, no key of any kind).
    Mailbox.objects.filter(pk=new_row.pk).update(retired_at=timezone.now())
    Mailbox.objects.filter(key_id=old.mailbox.id).update(retired_at=None)

    sign_in(page, live_server.url, "jordan@client.test", with_totp=False)
    page.goto(f"{live_server.url}/messages/{cast.client.id}/")
    _set_up(page, expect_ready=False)
    assert _nothing_leaves(page, "The key shown for Chris Clinician is not in the practice's signed log") == []
    assert not MessageKey.objects.filter(mailbox__key_id=old.mailbox.id).exists()


def test_a_log_signed_by_a_key_the_answer_itself_carries_passes_no_key(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    cast = live_cast
    publish(cast.clinician)
    fake = Ed25519PrivateKey.generate()
    page.route(RECIPIENTS, _swapping(cast, MailboxSecret.generate(), fake, "evil.test"))
    sign_in(page, live_server.url, "jordan@client.test", with_totp=False)
    page.goto(f"{live_server.url}/messages/{cast.client.id}/")
    _set_up(page, expect_ready=False)  # Jordan's first look at the thread
    assert _nothing_leaves(page, "The practice's log is signed by another key than the page names.") == []
    assert not Message.objects.filter(sender=cast.client_member).exists()


def test_a_log_forked_by_the_operator_after_this_device_checked_it_passes_no_key(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    cast = live_cast
    _jordan_opens(page, live_server.url, cast)  # the genuine log, checked and remembered

    # The operator signs a log of its own with the practice's real key: a fork of what this device saw.
    swap = _swapping(cast, MailboxSecret.generate(), signing_key(cast.owner.practice_id), origin(cast.owner.practice))
    page.route(RECIPIENTS, swap)
    page.reload()
    assert _nothing_leaves(page, "The practice's log was rewritten since this device last checked it.") == []
    assert not Message.objects.filter(sender=cast.client_member).exists()


def test_the_genuine_log_checked_again_on_a_later_visit_extends_the_one_remembered(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    cast = live_cast
    _jordan_opens(page, live_server.url, cast)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "recipients.json" in r.url else None)
    publish(cast.supervisor)  # the log grows meanwhile
    page.reload()
    _ready(page)
    assert asked and all("?since=" in url for url in asked)  # a consistency proof was asked for, and checked
