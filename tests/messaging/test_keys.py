"""confide.messaging.keys: a mailbox secret reaches only the device it is sealed to, or whoever holds the
recovery sheet's code; the server, which knows every device's public key, cannot slip in a mailbox of its own."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from confide.messaging import keys
from confide.messaging.envelope import SUITE, EnvelopeError, MailboxSecret

CLIENT, SERVER = MailboxSecret.generate(), MailboxSecret.generate()


def test_a_device_opens_the_mailbox_sealed_to_it() -> None:
    device = X25519PrivateKey.generate()
    sealed = keys.seal_to_device(CLIENT, device.public_key())
    assert keys.open_on_device(sealed, device=device, mailbox=CLIENT.mailbox.id).to_bytes() == CLIENT.to_bytes()


def test_another_device_cannot_open_it() -> None:
    sealed = keys.seal_to_device(CLIENT, X25519PrivateKey.generate().public_key())
    with pytest.raises(EnvelopeError, match="cannot open that mailbox"):
        keys.open_on_device(sealed, device=X25519PrivateKey.generate(), mailbox=CLIENT.mailbox.id)


def slipped(secret: MailboxSecret, device: X25519PublicKey, *, named: str) -> bytes:
    """``secret`` sealed to ``device`` as if it were mailbox ``named``'s: the server can, as it knows the
    device's public key and what the sealing is bound to."""
    info = keys.DEVICE_INFO + f"{named}\n{keys.device_id(device)}\n".encode()
    return SUITE.encrypt(secret.to_bytes(), device, info=info)


def test_a_mailbox_the_server_sealed_to_the_device_is_refused() -> None:
    device = X25519PrivateKey.generate()
    for sealed in (
        keys.seal_to_device(SERVER, device.public_key()),
        slipped(SERVER, device.public_key(), named=CLIENT.mailbox.id),
    ):
        with pytest.raises(EnvelopeError, match="cannot open that mailbox"):
            keys.open_on_device(sealed, device=device, mailbox=CLIENT.mailbox.id)


def test_a_recovery_code_opens_the_mailbox_and_reads_back_however_written() -> None:
    code = keys.new_recovery_code()
    sealed = keys.seal_for_recovery(CLIENT, code)
    assert len(code.replace("-", "")) == 26  # 128 bits in Base32
    for written in (code, code.lower(), code.replace("-", " ")):
        assert keys.open_with_recovery(sealed, code=written, mailbox=CLIENT.mailbox.id).to_bytes() == CLIENT.to_bytes()


def test_the_wrong_code_or_another_mailbox_does_not_open_it() -> None:
    sealed = keys.seal_for_recovery(CLIENT, keys.new_recovery_code())
    with pytest.raises(EnvelopeError, match="does not open this mailbox"):
        keys.open_with_recovery(sealed, code=keys.new_recovery_code(), mailbox=CLIENT.mailbox.id)
    code = keys.new_recovery_code()
    sealed = keys.seal_for_recovery(CLIENT, code)
    with pytest.raises(EnvelopeError, match="does not open this mailbox"):
        keys.open_with_recovery(sealed, code=code, mailbox=SERVER.mailbox.id)


def test_what_is_not_a_recovery_code_says_so() -> None:
    sealed = keys.seal_for_recovery(CLIENT, keys.new_recovery_code())
    for text in ("ABCD-EFGH", "not a code!", ""):
        with pytest.raises(ValueError, match="not a recovery code"):
            keys.open_with_recovery(sealed, code=text, mailbox=CLIENT.mailbox.id)


def test_a_pairing_code_is_16_characters_and_opens_only_as_a_pairing_code() -> None:
    code = keys.new_code(keys.PAIRING)
    assert len(code.replace("-", "")) == 16  # 80 bits
    sealed = keys.seal_under_code(CLIENT, code, keys.PAIRING)
    opened = keys.open_under_code(sealed, code=code, mailbox=CLIENT.mailbox.id, kind=keys.PAIRING)
    assert opened.to_bytes() == CLIENT.to_bytes()
    with pytest.raises(ValueError, match="not a recovery code"):  # a pairing code is no recovery code
        keys.open_with_recovery(sealed, code=code, mailbox=CLIENT.mailbox.id)
    with pytest.raises(ValueError, match="not a pairing code"):
        keys.open_under_code(sealed, code=keys.new_recovery_code(), mailbox=CLIENT.mailbox.id, kind=keys.PAIRING)


def test_a_sheet_and_a_pairing_are_sealed_under_different_keys_from_the_same_bytes() -> None:
    raw = "ABCD-EFGH-IJKL-MNOP"  # 10 bytes: as long as a pairing code
    sealed = keys.seal_under_code(CLIENT, raw, keys.PAIRING)
    widened = keys.CodeKind(keys.PAIRING.size, keys.RECOVERY.info, "")
    with pytest.raises(EnvelopeError, match="does not open this mailbox"):
        keys.open_under_code(sealed, code=raw, mailbox=CLIENT.mailbox.id, kind=widened)
