"""The browser's envelope.js and Python's confide.messaging agree both ways, live in Chromium: what one seals
the other opens, a device key made in the page cannot be exported, and the page refuses what the server
could forge (a mailbox of its own sealed to the device, a message not signed by its sender)."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from playwright.sync_api import Page

from confide.messaging import keys
from confide.messaging.envelope import Context, EnvelopeError, MailboxSecret, open_envelope, seal
from tests.messaging.make_vectors import fixed_inputs
from tests.messaging.static_server import SEAL_IN_BROWSER, static_serving
from tests.messaging.test_keys import slipped
from tests.messaging.test_vectors import envelope_of

CLINICIAN, CLIENT, SERVER = MailboxSecret.generate(), MailboxSecret.generate(), MailboxSecret.generate()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def envelope_page(page: Page) -> Iterator[Page]:
    with static_serving() as url:
        page.goto(url + "/")
        yield page


def _js(page: Page, body: str, arg: dict[str, Any]) -> Any:
    return page.evaluate(f'async (arg) => {{ const m = await import("/confide/envelope.js"); {body} }}', arg)


def test_python_opens_what_the_browser_seals_with_new_secrets(envelope_page: Page) -> None:
    inputs = {**fixed_inputs(), "senderSecret": _b64(CLINICIAN.to_bytes()), "recipientSecret": _b64(CLIENT.to_bytes())}
    sealed = envelope_page.evaluate(SEAL_IN_BROWSER, inputs)
    envelope = envelope_of(sealed["envelope"])
    assert open_envelope(envelope, mine=CLIENT, sender=CLINICIAN.mailbox).decode() == inputs["plaintext"]
    assert sealed["recipient"]["id"] == CLIENT.mailbox.id and sealed["sender"]["id"] == CLINICIAN.mailbox.id


def test_the_browser_opens_what_python_seals(envelope_page: Page) -> None:
    ctx = Context(
        uuid.uuid4(),
        uuid.uuid4(),
        uuid.uuid4(),
        CLINICIAN.mailbox.id,
        tuple(sorted((CLINICIAN.mailbox.id, CLIENT.mailbox.id))),
    )
    envelope = seal(
        "Thursday at 5 is fine \u2014 C.".encode(),
        ctx=ctx,
        sender=CLINICIAN,
        recipients=[CLINICIAN.mailbox, CLIENT.mailbox],
    )
    arg = {
        "secret": _b64(CLIENT.to_bytes()),
        "verify": _b64(CLINICIAN.mailbox.verify.public_bytes_raw()),
        "other": _b64(SERVER.mailbox.verify.public_bytes_raw()),
        "envelope": {
            "context": _b64(envelope.context),
            "nonce": _b64(envelope.nonce),
            "body": _b64(envelope.body),
            "signature": _b64(envelope.signature),
            "commitment": _b64(envelope.commitment),
            "keys": {mid: _b64(k) for mid, k in envelope.keys.items()},
        },
    }
    opened = _js(
        envelope_page,
        """
        const e = arg.envelope;
        const keys = Object.fromEntries(Object.entries(e.keys).map(([k, v]) => [k, m.unb64(v)]));
        const envelope = { context: m.unb64(e.context), nonce: m.unb64(e.nonce), body: m.unb64(e.body),
          signature: m.unb64(e.signature), commitment: m.unb64(e.commitment), keys };
        const mine = await m.openMailbox(m.unb64(arg.secret));
        const text = new TextDecoder().decode(await m.open(envelope, { mine, verify: m.unb64(arg.verify) }));
        let forged = "opened";
        try { await m.open(envelope, { mine, verify: m.unb64(arg.other) }); } catch (error) { forged = error.message; }
        return { text, forged };
        """,
        arg,
    )
    assert opened == {"text": "Thursday at 5 is fine \u2014 C.", "forged": "the message is not signed by its sender"}


def test_a_device_key_cannot_be_exported_and_opens_only_its_own_mailbox(envelope_page: Page) -> None:
    made = _js(
        envelope_page,
        """
        window.device = await m.newDeviceKey();
        const pub = new Uint8Array(await crypto.subtle.exportKey("raw", window.device.publicKey));
        let exported = "exported";
        try { await crypto.subtle.exportKey("pkcs8", window.device.privateKey); }
        catch (error) { exported = error.name; }
        return { public: m.b64(pub), extractable: window.device.privateKey.extractable, exported };
        """,
        {},
    )
    assert made["extractable"] is False and made["exported"] == "InvalidAccessError"
    device = X25519PublicKey.from_public_bytes(base64.b64decode(made["public"]))
    arg = {
        "mine": _b64(keys.seal_to_device(CLIENT, device)),
        "slipped": _b64(slipped(SERVER, device, named=CLIENT.mailbox.id)),
        "mailbox": CLIENT.mailbox.id,
    }
    opened = _js(
        envelope_page,
        """
        const { opened } = await m.openOnDevice(m.unb64(arg.mine), window.device, arg.mailbox);
        let slipped = "opened";
        try { await m.openOnDevice(m.unb64(arg.slipped), window.device, arg.mailbox); }
        catch (error) { slipped = error.message; }
        return { id: opened.id, slipped };
        """,
        arg,
    )
    assert opened == {"id": CLIENT.mailbox.id, "slipped": "this device cannot open that mailbox"}


def test_a_recovery_sheet_python_sealed_opens_in_the_browser_and_the_wrong_code_does_not(envelope_page: Page) -> None:
    code = keys.new_recovery_code()
    arg = {
        "sealed": _b64(keys.seal_for_recovery(CLIENT, code)),
        "code": code.lower(),
        "wrong": keys.new_recovery_code(),
        "mailbox": CLIENT.mailbox.id,
    }
    opened = _js(
        envelope_page,
        """
        const secret = await m.openWithRecovery(m.unb64(arg.sealed), arg.code, arg.mailbox);
        let wrong = "opened";
        try { await m.openWithRecovery(m.unb64(arg.sealed), arg.wrong, arg.mailbox); }
        catch (error) { wrong = error.name; }
        return { secret: m.b64(secret), wrong };
        """,
        arg,
    )
    assert base64.b64decode(opened["secret"]) == CLIENT.to_bytes() and opened["wrong"] == "OperationError"
    with pytest.raises(EnvelopeError):
        keys.open_with_recovery(base64.b64decode(arg["sealed"]), code=arg["wrong"], mailbox=CLIENT.mailbox.id)


def test_a_pairing_code_made_in_the_browser_opens_in_python_and_back(envelope_page: Page) -> None:
    arg = {"secret": _b64(CLIENT.to_bytes()), "mailbox": CLIENT.mailbox.id}
    made = _js(
        envelope_page,
        """
        const code = m.newCode(m.PAIRING);
        const sealed = await m.sealUnderCode(m.unb64(arg.secret), code, arg.mailbox, m.PAIRING);
        let asRecovery = "opened";
        try { await m.openWithRecovery(sealed, code, arg.mailbox); } catch (error) { asRecovery = error.message; }
        return { code, sealed: m.b64(sealed), asRecovery };
        """,
        arg,
    )
    assert made["asRecovery"] == "That is not a recovery code."
    opened = keys.open_under_code(
        base64.b64decode(made["sealed"]), code=made["code"], mailbox=CLIENT.mailbox.id, kind=keys.PAIRING
    )
    assert opened.to_bytes() == CLIENT.to_bytes()
    code = keys.new_code(keys.PAIRING)
    back = {
        "sealed": _b64(keys.seal_under_code(CLIENT, code, keys.PAIRING)),
        "code": code,
        "mailbox": CLIENT.mailbox.id,
    }
    secret = _js(
        envelope_page,
        "return m.b64(await m.openUnderCode(m.unb64(arg.sealed), arg.code, arg.mailbox, m.PAIRING));",
        back,
    )
    assert base64.b64decode(secret) == CLIENT.to_bytes()
