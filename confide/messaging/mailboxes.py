"""Publishing a person's mailbox and adding devices to it (decision 19): public keys, and the mailbox's
secret sealed to each device or under the recovery sheet's code — nothing the server can open. Each change
is an event of the transparency log; a client's are in their history ("a new device was added")."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from django.db import IntegrityError, transaction
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.clients.models import Client
from confide.messaging import envelope as env
from confide.messaging import keys
from confide.messaging.models import Device, Mailbox
from confide.messaging.selectors import current_mailbox
from confide.messaging.services import SEALED_FOR_RECOVERY, SEALED_TO_DEVICE, MessagingError
from confide.practices.models import Member


@dataclass(frozen=True)
class DeviceUpload:
    public: bytes  # the device's X25519 public key
    sealed: bytes  # the mailbox secret sealed to it (keys.seal_to_device)


def _own_client(member: Member) -> uuid.UUID | None:
    """A client's own record id: their keys and devices are events of their history."""
    client = Client.objects.filter(practice_id=member.practice_id, portal_member=member).only("id").first()
    return client.id if client is not None else None


def _x25519(raw: bytes, what: str = "A device key") -> X25519PublicKey:
    """A key something can be sealed to: 32 bytes, and not one of the few points (all zeros, say) that
    give every sender the same shared secret — published, such a key would stop a whole thread."""
    if len(raw) != 32:
        raise MessagingError(f"{what} is 32 bytes.")
    key = X25519PublicKey.from_public_bytes(raw)
    try:
        env.SUITE.encrypt(b"", key)
    except ValueError:
        raise MessagingError(f"{what} cannot be sealed to.") from None
    return key


def _device(upload: DeviceUpload) -> X25519PublicKey:
    if len(upload.sealed) != SEALED_TO_DEVICE:
        raise MessagingError("That is not a mailbox sealed to a device.")
    return _x25519(upload.public)


def mailbox_publish(
    *,
    member: Member,
    receive: bytes,
    verify: bytes,
    device: DeviceUpload,
    recovery: bytes,
    replaces: str | None,
    channel: Channel,
) -> Mailbox:
    """Publish ``member``'s mailbox with its first device and recovery sheet. ``replaces`` names the current
    mailbox the person chose to give up (lost everything: messages sealed to it stay unreadable to them), or
    None when they have none; anything else is refused, so one device never retires another's keys unseen."""
    try:
        public = env.Mailbox.from_raw(receive, verify)
    except ValueError:
        raise MessagingError("A mailbox key is 32 bytes.") from None
    _x25519(receive, "A mailbox key")
    device_key = _device(device)
    if len(recovery) != SEALED_FOR_RECOVERY:
        raise MessagingError("That is not a recovery sheet's sealed mailbox.")
    client_id = _own_client(member)
    with transaction.atomic():
        current = Mailbox.objects.select_for_update().filter(practice_id=member.practice_id, member=member)
        old = current.filter(retired_at=None).first()
        if (old.key_id if old is not None else None) != replaces:
            raise MessagingError("Your messages were set up on another device meanwhile: reload this page.")
        if old is not None:
            old.retired_at = timezone.now()
            old.save(update_fields=["retired_at"])
            event_record(
                actor=member, action=AuditAction.MAILBOX_RETIRE, channel=channel, client_id=client_id,
                object_type="mailbox", object_id=old.key_id,
            )  # fmt: skip
        try:
            with transaction.atomic():
                mailbox = Mailbox.objects.create(
                    practice_id=member.practice_id, member=member, key_id=public.id, receive=receive, verify=verify,
                    recovery=recovery,
                )  # fmt: skip
        except IntegrityError:
            raise MessagingError("That mailbox key is already published.") from None
        event_record(
            actor=member, action=AuditAction.MAILBOX_PUBLISH, channel=channel, client_id=client_id,
            object_type="mailbox", object_id=public.id,
        )  # fmt: skip
        _device_add(member, mailbox, device_key, device.sealed, channel=channel, client_id=client_id)
    return mailbox


def _device_add(
    member: Member, mailbox: Mailbox, public: X25519PublicKey, sealed: bytes, *, channel: Channel,
    client_id: uuid.UUID | None,
) -> Device:  # fmt: skip
    raw = public.public_bytes_raw()
    device = Device.objects.create(
        practice_id=member.practice_id, mailbox=mailbox, device_id=keys.device_id(public), public=raw,
        sealed=sealed, approved_at=timezone.now(),
    )  # fmt: skip
    event_record(
        actor=member, action=AuditAction.DEVICE_ADD, channel=channel, client_id=client_id,
        object_type="device", object_id=device.device_id,
    )  # fmt: skip
    return device


def device_add(*, member: Member, device: DeviceUpload, channel: Channel) -> Device:
    """Add a device to ``member``'s current mailbox, from a device that already holds it (the person
    compared the new device's code on both screens first)."""
    mailbox = current_mailbox(member)
    if mailbox is None:
        raise MessagingError("Set up secure messages on this device first.")
    public = _device(device)
    try:
        with transaction.atomic():
            mailbox.offers.filter(used_at=None).update(used_at=timezone.now())  # a pairing code opens one device
            return _device_add(member, mailbox, public, device.sealed, channel=channel, client_id=_own_client(member))
    except IntegrityError:  # (device_unique: the same device twice, e.g. from two tabs at once)
        raise MessagingError("That device already holds your messages.") from None
