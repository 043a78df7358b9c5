"""Publishing a mailbox and adding devices (confide.messaging.mailboxes): each refusal in the words the
person is shown (a 400 problem's detail), and nothing written when refused."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from confide.audit.actions import Channel
from confide.messaging import keys
from confide.messaging.envelope import MailboxSecret
from confide.messaging.mailboxes import DeviceUpload, device_add, mailbox_publish
from confide.messaging.models import Mailbox
from confide.messaging.selectors import current_mailbox
from confide.messaging.services import MessagingError
from confide.practices.models import Member
from tests.cast import Cast
from tests.messaging.test_services import publish

WEB = Channel.WEB


def _args(secret: MailboxSecret, **changes: object) -> dict[str, object]:
    """What a browser uploads to publish ``secret``'s mailbox, with ``changes``."""
    device = X25519PrivateKey.generate().public_key()
    box = secret.mailbox
    return {
        "receive": box.receive.public_bytes_raw(),
        "verify": box.verify.public_bytes_raw(),
        "device": DeviceUpload(public=device.public_bytes_raw(), sealed=keys.seal_to_device(secret, device)),
        "recovery": keys.seal_for_recovery(secret, keys.new_recovery_code()),
        "replaces": None,
        "channel": WEB,
    } | changes


def _publish(member: Member, args: dict[str, object]) -> Mailbox:
    return mailbox_publish(member=member, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("receive", b"\1" * 31, r"^A mailbox key is 32 bytes\.$"),
        ("recovery", b"\1" * 10, r"^That is not a recovery sheet's sealed mailbox\.$"),
        ("device", DeviceUpload(public=b"\1" * 32, sealed=b"\1" * 5), r"^That is not a mailbox sealed to a device\.$"),
        ("replaces", "0" * 32, r"^Your messages were set up on another device meanwhile: reload this page\.$"),
    ],
)
def test_a_refused_mailbox_is_told_in_exactly_these_words(cast: Cast, field: str, value: object, error: str) -> None:
    with pytest.raises(MessagingError, match=error):
        _publish(cast.client_member, _args(MailboxSecret.generate(), **{field: value}))
    assert not Mailbox.objects.exists()


def test_a_mailbox_key_someone_in_the_practice_published_is_refused(cast: Cast) -> None:
    jordan = publish(cast.client_member)
    with pytest.raises(MessagingError, match=r"^That mailbox key is already published\.$"):
        _publish(cast.clinician, _args(jordan))
    assert current_mailbox(cast.clinician) is None
    assert current_mailbox(cast.client_member).key_id == jordan.mailbox.id  # type: ignore[union-attr]


def test_a_device_is_added_only_to_a_mailbox_set_up_and_only_once(cast: Cast) -> None:
    secret = MailboxSecret.generate()
    device = X25519PrivateKey.generate().public_key()
    upload = DeviceUpload(public=device.public_bytes_raw(), sealed=keys.seal_to_device(secret, device))
    with pytest.raises(MessagingError, match=r"^Set up secure messages on this device first\.$"):
        device_add(member=cast.client_member, device=upload, channel=WEB)
    _publish(cast.client_member, _args(secret))
    device_add(member=cast.client_member, device=upload, channel=WEB)
    with pytest.raises(MessagingError, match=r"^That device already holds your messages\.$"):
        device_add(member=cast.client_member, device=upload, channel=WEB)
