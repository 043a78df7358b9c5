"""Enrol, unlock, recover and reset an author's psychotherapy-note key.

Writing a note needs only the public key; reading needs the private key, which is
unwrapped with the author's password (Argon2id, its own salt) or recovery key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.practices.models import Member
from confide.records.crypto import author_wrap_ad
from confide.records.models import AuthorKey
from confide.vault import author
from confide.vault.keyring import VaultError

STALE_PASSWORD = (
    "Your password was reset after you set up private notes, so it no longer unlocks them. "
    "Enter your recovery key to restore access."
)


@dataclass(frozen=True)
class Enrolment:
    key: AuthorKey
    recovery_key: str  # shown once, never stored
    private: bytes


def author_key_current(*, member: Member) -> AuthorKey | None:
    return AuthorKey.objects.filter(practice_id=member.practice_id, member=member, is_current=True).first()


def _ad(key: AuthorKey, kind: str) -> bytes:
    return author_wrap_ad(practice_id=key.practice_id, key_id=key.id, member_id=key.member_id, kind=kind)


def _password_wrap(key: AuthorKey, private: bytes, password: str) -> bytes:
    kek = author.password_kek(password, salt=bytes(key.kek_salt), params=author.KdfParams.from_json(key.kdf_params))
    return author.wrap(private, kek=kek, associated_data=_ad(key, "password"))


def _check_password(member: Member, password: str) -> None:
    if member.user.has_usable_password() and not member.user.check_password(password):
        raise ValidationError({"password": "That is not your current password."})


def _new_key(member: Member, password: str) -> Enrolment:
    public, private = author.new_key_pair()
    recovery = author.new_recovery_key()
    key = AuthorKey(
        practice_id=member.practice_id,
        member=member,
        public_keyset=public,
        kek_salt=os.urandom(16),
        kdf_params=author.KdfParams(**settings.CONFIDE_AUTHOR_KDF).to_json(),
    )
    key.wrap_recovery = author.wrap(private, kek=author.recovery_kek(recovery), associated_data=_ad(key, "recovery"))
    if member.user.has_usable_password():
        key.wrap_password = _password_wrap(key, private, password)
    if settings.CONFIDE_ESCROW_RECIPIENTS:
        a, b = settings.CONFIDE_ESCROW_RECIPIENTS
        key.wrap_escrow = author.escrow_wrap(private, recipients=(a, b))
    return Enrolment(key=key, recovery_key=author.format_recovery_key(recovery), private=private)


def author_key_enrol(*, member: Member, password: str, channel: Channel) -> Enrolment:
    """Create the member's key pair; passkey-only members (no password) rely on the recovery key."""
    _check_password(member, password)
    enrolment = _new_key(member, password)  # Argon2id runs outside the transaction: no lock held
    with transaction.atomic():
        if author_key_current(member=member) is not None:
            raise ValidationError({"password": "Private notes are already set up."})
        return _save(member, enrolment, action=AuditAction.AUTHOR_KEY_ENROL, channel=channel)


def _save(member: Member, enrolment: Enrolment, *, action: AuditAction, channel: Channel) -> Enrolment:
    with transaction.atomic():
        enrolment.key.save(force_insert=True)
        event_record(
            actor=member, action=action, channel=channel, object_type="author-key", object_id=str(enrolment.key.id)
        )
    return enrolment


def author_key_unlock(*, member: Member, password: str = "", recovery_key: str = "", channel: Channel) -> bytes:
    """Return the private key. With the recovery key and the current password, also rewrap."""
    key = author_key_current(member=member)
    if key is None:
        raise ValidationError({"password": "Set up private notes first."})
    if recovery_key:
        try:
            raw = author.parse_recovery_key(recovery_key)
            private = author.unwrap(
                bytes(key.wrap_recovery), kek=author.recovery_kek(raw), associated_data=_ad(key, "recovery")
            )
        except (ValueError, VaultError):
            raise ValidationError({"recovery_key": "That recovery key does not unlock your notes."}) from None
        if password and member.user.has_usable_password():
            _check_password(member, password)
            key.wrap_password = _password_wrap(key, private, password)
            with transaction.atomic():
                key.save(update_fields=["wrap_password"])
                event_record(
                    actor=member,
                    action=AuditAction.AUTHOR_KEY_RECOVER,
                    channel=channel,
                    object_type="author-key",
                    object_id=str(key.id),
                )
        return private
    if key.wrap_password is None:
        raise ValidationError({"recovery_key": "You sign in without a password: unlock with your recovery key."})
    _check_password(member, password)
    kek = author.password_kek(password, salt=bytes(key.kek_salt), params=author.KdfParams.from_json(key.kdf_params))
    try:
        return author.unwrap(bytes(key.wrap_password), kek=kek, associated_data=_ad(key, "password"))
    except VaultError:
        raise ValidationError({"recovery_key": STALE_PASSWORD}) from None


def author_key_rewrap_password(*, member: Member, old_password: str, new_password: str) -> bool:
    """On a password change, rewrap under the new password; False when the old wrap was stale."""
    key = author_key_current(member=member)
    if key is None or key.wrap_password is None:
        return False
    kek = author.password_kek(old_password, salt=bytes(key.kek_salt), params=author.KdfParams.from_json(key.kdf_params))
    try:
        private = author.unwrap(bytes(key.wrap_password), kek=kek, associated_data=_ad(key, "password"))
    except VaultError:
        return False
    key.wrap_password = _password_wrap(key, private, new_password)
    key.save(update_fields=["wrap_password"])
    return True


def author_key_reset(*, member: Member, password: str, channel: Channel) -> Enrolment:
    """Start over without the recovery key: notes sealed to the old key stay unreadable forever."""
    _check_password(member, password)
    enrolment = _new_key(member, password)
    with transaction.atomic():
        AuthorKey.objects.filter(practice_id=member.practice_id, member=member, is_current=True).update(
            is_current=False
        )
        return _save(member, enrolment, action=AuditAction.AUTHOR_KEY_RESET, channel=channel)
