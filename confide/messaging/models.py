"""What the server keeps of messages (decision 19): public keys and ciphertext, never a private key or a
word of what was written. A client's thread is the client and their care team; its id is the client's."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from confide.clients.sealed import SealedRow


class Mailbox(models.Model):
    """A member's published mailbox: the X25519 key messages are sealed to, and the Ed25519 key their
    signatures are checked with. Replaced, never edited: a retired one stays for the messages sealed to it."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="mailboxes")
    key_id = models.CharField(max_length=32)  # confide.messaging.envelope.Mailbox.id
    receive = models.BinaryField(max_length=32)
    verify = models.BinaryField(max_length=32)
    recovery = models.BinaryField(null=True)  # the secret under the recovery sheet's code (keys.py)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "key_id"], name="mailbox_unique_key"),
            models.UniqueConstraint(
                fields=["practice", "member"], condition=models.Q(retired_at=None), name="mailbox_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"mailbox {self.key_id}"


class Device(models.Model):
    """A browser holding a mailbox: its own X25519 public key (the private one never leaves it) and the
    mailbox secret sealed to it, once a device already holding the mailbox has approved it."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="devices")
    device_id = models.CharField(max_length=32)  # confide.messaging.keys.device_id
    public = models.BinaryField(max_length=32)
    sealed = models.BinaryField(null=True)
    created_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True)
    removed_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mailbox", "device_id"], name="device_unique")]

    def __str__(self) -> str:
        return f"device {self.device_id}"


class Message(SealedRow):
    """One sealed message in a client's thread. Its id is the sender's, bound into the signed context. The
    envelope (context, nonce, body, signature) is kept sealed once more under the client's key, so that
    shredding the client leaves nothing any mailbox could open."""

    SEALED = ("envelope",)

    sender = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="+")
    sender_mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="+")
    envelope_ct = models.BinaryField()
    sent_at = models.DateTimeField(default=timezone.now)
    # The document it was filed into the record as (filing.py): a message is filed once.
    filed_as = models.ForeignKey("records.Document", on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["practice", "client", "sent_at"], name="message_thread")]

    def __str__(self) -> str:
        return f"message {self.pk}"


class Attachment(SealedRow):
    """A file sealed in the sender's browser (payload.py), kept sealed once more under the client's key.
    Its key and name are inside the message that carries it; until that message is sent it has none."""

    SEALED = ("blob",)

    uploader = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments", null=True)
    blob_ct = models.BinaryField()  # base64 of nonce ‖ ciphertext, sealed under the client's key
    size = models.PositiveIntegerField()  # of the sealed file, as uploaded
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"attachment {self.pk}"


class MessageKey(models.Model):
    """The message's content key sealed to one recipient mailbox."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="keys")
    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="+")
    sealed = models.BinaryField()
    # Set when a recipient re-sealed the key to a mailbox the sender did not seal to (share.py).
    shared_by = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="+", null=True)
    share_signature = models.BinaryField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "mailbox"], name="messagekey_unique")]

    def __str__(self) -> str:
        return f"key of {self.message_id} for {self.mailbox_id}"


class MessageRead(models.Model):
    """When a member first opened a message (read state, unread counts)."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="reads")
    member = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "member"], name="messageread_unique")]

    def __str__(self) -> str:
        return f"{self.member_id} read {self.message_id}"


class MessageNotice(models.Model):
    """When a person was last e-mailed that a message waits (notify.py: at most once a week)."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"message notice to {self.member_id}"


class PairingOffer(models.Model):
    """A mailbox secret an existing device sealed under a one-time pairing code (keys.PAIRING) for the same
    person's new device. The code travels from screen to screen, never through the server; the offer lives
    for minutes and opens one device."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="offers")
    sealed = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"pairing offer for {self.mailbox_id}"
