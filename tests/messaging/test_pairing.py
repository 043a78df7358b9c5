"""confide.messaging.pairing: an offer is the person's own, opens one device, and lives for minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.utils import timezone

from confide.audit.actions import Channel
from confide.messaging import keys
from confide.messaging.envelope import MailboxSecret
from confide.messaging.mailboxes import DeviceUpload, device_add
from confide.messaging.models import PairingOffer
from confide.messaging.pairing import OFFER_LIFETIME, pairing_offer, pairing_offer_live
from confide.messaging.services import MessagingError
from tests.cast import Cast
from tests.messaging.test_services import publish


def _offer(cast: Cast) -> tuple[MailboxSecret, str, PairingOffer]:
    secret = publish(cast.client_member)
    code = keys.new_code(keys.PAIRING)
    return (
        secret,
        code,
        pairing_offer(member=cast.client_member, sealed=keys.seal_under_code(secret, code, keys.PAIRING)),
    )


def test_the_new_device_opens_the_offer_with_the_code_and_the_offer_is_then_spent(cast: Cast) -> None:
    secret, code, _ = _offer(cast)
    live = pairing_offer_live(member=cast.client_member)
    assert live is not None
    opened = keys.open_under_code(bytes(live.sealed), code=code, mailbox=secret.mailbox.id, kind=keys.PAIRING)
    device = X25519PrivateKey.generate().public_key()
    upload = DeviceUpload(public=device.public_bytes_raw(), sealed=keys.seal_to_device(opened, device))
    device_add(member=cast.client_member, device=upload, channel=Channel.WEB)
    assert pairing_offer_live(member=cast.client_member) is None


def test_an_offer_is_only_its_own_persons(cast: Cast) -> None:
    _offer(cast)
    publish(cast.clinician)
    assert pairing_offer_live(member=cast.clinician) is None
    assert pairing_offer_live(member=cast.colleague) is None  # (no mailbox at all)


def test_a_new_offer_withdraws_the_last_and_an_old_one_expires(cast: Cast) -> None:
    secret, _, first = _offer(cast)
    second = pairing_offer(
        member=cast.client_member, sealed=keys.seal_under_code(secret, keys.new_code(keys.PAIRING), keys.PAIRING)
    )
    live = pairing_offer_live(member=cast.client_member)
    assert live is not None and live.pk == second.pk
    first.refresh_from_db()
    assert first.used_at is not None
    PairingOffer.objects.filter(pk=second.pk).update(created_at=timezone.now() - OFFER_LIFETIME - timedelta(seconds=1))
    assert pairing_offer_live(member=cast.client_member) is None


def test_an_offer_needs_a_mailbox_and_a_sealed_secret_of_the_right_size(cast: Cast) -> None:
    with pytest.raises(MessagingError, match="Set up secure messages"):
        pairing_offer(member=cast.client_member, sealed=b"\1" * 92)
    publish(cast.client_member)
    with pytest.raises(MessagingError, match="sealed under a pairing code"):
        pairing_offer(member=cast.client_member, sealed=b"\1" * 91)
    assert not PairingOffer.objects.exists()


def test_an_offer_is_refused_in_exactly_these_words(cast: Cast) -> None:
    with pytest.raises(MessagingError, match=r"^Set up secure messages on this device first\.$"):
        pairing_offer(member=cast.client_member, sealed=b"\1" * 92)
    publish(cast.client_member)
    with pytest.raises(MessagingError, match=r"^That is not a mailbox sealed under a pairing code\.$"):
        pairing_offer(member=cast.client_member, sealed=b"\1" * 91)
    assert not PairingOffer.objects.exists()
