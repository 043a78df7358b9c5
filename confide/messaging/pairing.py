"""Adding a device from one that already holds the mailbox: the old device seals the mailbox secret under a
fresh pairing code (keys.PAIRING, 80 random bits) that it shows; the person types the code into the new
device, which opens the offer and registers itself (mailboxes.device_add). The server holds the offer for
minutes and cannot open it."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from confide.messaging.models import PairingOffer
from confide.messaging.selectors import current_mailbox
from confide.messaging.services import SEALED_FOR_RECOVERY, MessagingError
from confide.practices.models import Member

OFFER_LIFETIME = timedelta(minutes=10)


def pairing_offer(*, member: Member, sealed: bytes) -> PairingOffer:
    """Keep a new offer for ``member``'s current mailbox; an earlier unused one is withdrawn."""
    mailbox = current_mailbox(member)
    if mailbox is None:
        raise MessagingError("Set up secure messages on this device first.")
    if len(sealed) != SEALED_FOR_RECOVERY:
        raise MessagingError("That is not a mailbox sealed under a pairing code.")
    with transaction.atomic():
        mailbox.offers.filter(used_at=None).update(used_at=timezone.now())
        return PairingOffer.objects.create(practice_id=member.practice_id, mailbox=mailbox, sealed=sealed)


def pairing_offer_live(*, member: Member) -> PairingOffer | None:
    """The offer a new device of ``member`` may open now: unused, of the current mailbox, minutes old."""
    mailbox = current_mailbox(member)
    if mailbox is None:
        return None
    fresh = mailbox.offers.filter(used_at=None, created_at__gte=timezone.now() - OFFER_LIFETIME)
    return fresh.order_by("-created_at").first()
