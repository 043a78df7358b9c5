"""Psychotherapy notes are sealed to their author alone: every guard around them, and around the author key."""

from __future__ import annotations

import uuid
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.db.models import Max
from django.test import Client as HttpClient

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.clients.models import Client
from confide.practices.models import Member
from confide.records.author_keys import (
    STALE_PASSWORD,
    author_key_current,
    author_key_enrol,
    author_key_reset,
    author_key_rewrap_password,
    author_key_unlock,
)
from confide.records.crypto import private_note_context
from confide.records.models import AuthorKey, PsychotherapyNote
from confide.records.private_notes import private_note_create, private_notes_for
from confide.records.progress import BODY_MAX
from confide.vault import author
from confide.vault.keyring import VaultError
from tests.cast import PASSWORD, Cast

CHRIS_SECRET = "Chris heard canary-chris-private"
CAM_SECRET = "Cam heard canary-cam-private"
NEW_PASSWORD = "a brand new passphrase"


def _mark() -> int:
    return AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0


def _events(mark: int, action: AuditAction) -> list[tuple[uuid.UUID | None, uuid.UUID | None, str, str, str]]:
    return [
        (e.actor_id, e.client_id, e.object_type, e.object_id, e.channel)
        for e in AuditEvent.objects.filter(id__gt=mark, action=action).order_by("id")
    ]


def _password_wrap(key: AuthorKey) -> bytes:
    assert key.wrap_password is not None
    return bytes(key.wrap_password)


def _write(member: Member, body: str, client: Client | None = None, *, cast: Cast) -> PsychotherapyNote:
    return private_note_create(actor=member, client=client or cast.client, body=body, channel=Channel.CLI)


def _unlock(member: Member, password: str = PASSWORD) -> bytes:
    return author_key_unlock(member=member, password=password, channel=Channel.CLI)


def _bodies(member: Member, client: Client, private: bytes | None) -> list[tuple[uuid.UUID, str | None]]:
    key = author_key_current(member=member)
    views = private_notes_for(actor=member, client=client, key=key, private=private, channel=Channel.CLI)
    return [(v.id, v.body) for v in views]


# --- only the author lists and opens ------------------------------------------------------------------------


def test_each_author_lists_only_their_own_notes_on_a_shared_client(cast: Cast) -> None:
    mine = _write(cast.clinician, CHRIS_SECRET, cast=cast)
    hers = _write(cast.cotherapist, CAM_SECRET, cast=cast)
    assert _bodies(cast.clinician, cast.client, _unlock(cast.clinician)) == [(mine.id, CHRIS_SECRET)]
    assert _bodies(cast.cotherapist, cast.client, _unlock(cast.cotherapist)) == [(hers.id, CAM_SECRET)]


def test_an_unlocked_author_cannot_open_a_colleagues_note_on_the_same_client(cast: Cast) -> None:
    hers = _write(cast.cotherapist, CAM_SECRET, cast=cast)
    private = _unlock(cast.clinician)
    # Even handed the colleague's key row, the listing is the actor's own notes, and the key opens none of hers.
    cam_key = author_key_current(member=cast.cotherapist)
    views = private_notes_for(
        actor=cast.clinician, client=cast.client, key=cam_key, private=private, channel=Channel.CLI
    )
    assert views == []
    context = private_note_context(
        practice_id=hers.practice_id, note_id=hers.id, author_id=hers.author_id, client_id=hers.client_id
    )
    with pytest.raises(VaultError, match="does not open"):
        author.open_sealed(private, bytes(hers.body_ct), context=context)


@pytest.mark.parametrize("who", ["supervisor", "owner", "colleague"])
def test_no_one_but_the_author_lists_a_note(cast: Cast, who: str) -> None:
    _write(cast.clinician, CHRIS_SECRET, cast=cast)
    assert _bodies(getattr(cast, who), cast.client, None) == []


def test_the_notes_page_shows_the_author_only_their_own_note(cast: Cast) -> None:
    _write(cast.clinician, CHRIS_SECRET, cast=cast)
    _write(cast.cotherapist, CAM_SECRET, cast=cast)
    for member, own, other in (
        (cast.clinician, CHRIS_SECRET, CAM_SECRET),
        (cast.cotherapist, CAM_SECRET, CHRIS_SECRET),
    ):
        http = HttpClient()
        http.force_login(member.user)
        http.post("/account/private-notes/unlock/", {"password": PASSWORD, "next": "/dashboard/"})
        page = http.get(f"/clients/{cast.client.id}/private-notes/").content.decode()
        assert own in page
        assert other not in page


def test_notes_are_listed_newest_first(cast: Cast) -> None:
    first = _write(cast.clinician, "first canary", cast=cast)
    second = _write(cast.clinician, "second canary", cast=cast)
    key = author_key_current(member=cast.clinician)
    views = private_notes_for(actor=cast.clinician, client=cast.client, key=key, private=None, channel=Channel.CLI)
    assert [(v.id, v.created_at) for v in views] == [(second.id, second.created_at), (first.id, first.created_at)]


def test_notes_about_another_client_are_not_listed(cast: Cast) -> None:
    _write(cast.clinician, CHRIS_SECRET, cast=cast)
    assert _bodies(cast.clinician, cast.other_client, _unlock(cast.clinician)) == []


# --- sealed, and bound to its row ---------------------------------------------------------------------------


def test_a_note_is_sealed_to_the_authors_current_key_with_no_plaintext_in_the_row(cast: Cast) -> None:
    note = _write(cast.clinician, CHRIS_SECRET, cast=cast)
    row = PsychotherapyNote.objects.filter(pk=note.pk).values().get()
    assert not any(CHRIS_SECRET.encode() in bytes(v) for v in row.values() if isinstance(v, (bytes, memoryview)))
    assert not any(CHRIS_SECRET in v for v in row.values() if isinstance(v, str))
    key = author_key_current(member=cast.clinician)
    assert key is not None
    assert (row["author_key_id"], row["author_id"], row["practice_id"]) == (
        key.id,
        cast.clinician.id,
        cast.client.practice_id,
    )


def test_a_note_moved_to_another_client_no_longer_opens(cast: Cast) -> None:
    """An attacker with database access relabels a note as being about another client."""
    note = _write(cast.clinician, CHRIS_SECRET, cast=cast)
    PsychotherapyNote.objects.filter(pk=note.pk).update(client=cast.other_client)
    assert _bodies(cast.clinician, cast.other_client, _unlock(cast.clinician)) == [(note.id, None)]


def test_a_note_moved_to_another_practice_no_longer_opens(cast: Cast) -> None:
    note = _write(cast.clinician, CHRIS_SECRET, cast=cast)
    PsychotherapyNote.objects.filter(pk=note.pk).update(
        client=cast.outsider_client, practice_id=cast.outsider_client.practice_id
    )
    assert _bodies(cast.clinician, cast.outsider_client, _unlock(cast.clinician)) == [(note.id, None)]


def test_a_note_relabelled_to_another_practice_is_not_listed_in_this_one(cast: Cast) -> None:
    """The listing filters by the client's practice too: a row whose practice does not match is not shown."""
    note = _write(cast.clinician, CHRIS_SECRET, cast=cast)
    PsychotherapyNote.objects.filter(pk=note.pk).update(practice_id=cast.outsider.practice_id)
    assert _bodies(cast.clinician, cast.client, _unlock(cast.clinician)) == []


def test_ciphertexts_swapped_between_two_notes_open_neither(cast: Cast) -> None:
    first = _write(cast.clinician, "first canary", cast=cast)
    second = _write(cast.clinician, "second canary", cast=cast)
    PsychotherapyNote.objects.filter(pk=first.pk).update(body_ct=second.body_ct)
    PsychotherapyNote.objects.filter(pk=second.pk).update(body_ct=first.body_ct)
    mark = _mark()
    assert _bodies(cast.clinician, cast.client, _unlock(cast.clinician)) == [(second.id, None), (first.id, None)]
    assert _events(mark, AuditAction.PN_READ) == []


def test_after_a_reset_new_notes_open_and_old_ones_stay_sealed(cast: Cast) -> None:
    old = _write(cast.clinician, "before the reset", cast=cast)
    enrolment = author_key_reset(member=cast.clinician, password=PASSWORD, channel=Channel.CLI)
    new = _write(cast.clinician, "after the reset", cast=cast)
    assert new.author_key_id == enrolment.key.id
    mark = _mark()
    assert _bodies(cast.clinician, cast.client, enrolment.private) == [(new.id, "after the reset"), (old.id, None)]
    assert [e[3] for e in _events(mark, AuditAction.PN_READ)] == [str(new.id)]


# --- writing ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write the note"),
        ("  \n\t ", "Write the note"),
        (None, "Write the note"),
        (42, "Write the note"),
        ("x" * (BODY_MAX + 1), "Keep a note to"),
        ("before\x00after", "Keep a note to"),
    ],
)
def test_a_bad_body_is_refused_and_nothing_is_written(cast: Cast, body: object, message: str) -> None:
    mark = _mark()
    with pytest.raises(ValidationError, match=message) as refused:
        private_note_create(actor=cast.clinician, client=cast.client, body=body, channel=Channel.CLI)
    assert set(refused.value.message_dict) == {"body"}
    assert not PsychotherapyNote.objects.exists()
    assert _events(mark, AuditAction.PN_CREATE) == []


def test_a_body_of_exactly_the_limit_is_accepted(cast: Cast) -> None:
    note = _write(cast.clinician, "x" * BODY_MAX, cast=cast)
    assert _bodies(cast.clinician, cast.client, _unlock(cast.clinician)) == [(note.id, "x" * BODY_MAX)]


def test_writing_needs_an_enrolled_key(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="Set up private notes before") as refused:
        _write(cast.colleague, CHRIS_SECRET, cast.other_client, cast=cast)
    assert set(refused.value.message_dict) == {"body"}
    assert not PsychotherapyNote.objects.exists()


# --- audit --------------------------------------------------------------------------------------------------


def test_writing_a_note_records_who_wrote_what_about_whom(cast: Cast) -> None:
    mark = _mark()
    note = private_note_create(actor=cast.clinician, client=cast.client, body=CHRIS_SECRET, channel=Channel.WEB)
    assert _events(mark, AuditAction.PN_CREATE) == [
        (cast.clinician.id, cast.client.id, "psychotherapy-note", str(note.id), "web")
    ]


def test_a_note_that_cannot_be_audited_is_not_saved(cast: Cast) -> None:
    with (
        mock.patch.object(AuditEvent, "save", side_effect=DatabaseError("audit store down")),
        pytest.raises(DatabaseError, match="audit store down"),
    ):
        _write(cast.clinician, CHRIS_SECRET, cast=cast)
    assert not PsychotherapyNote.objects.exists()


def test_reading_records_one_event_naming_every_note_opened(cast: Cast) -> None:
    notes = [_write(cast.clinician, f"canary {i}", cast=cast) for i in range(2)]
    _write(cast.cotherapist, CAM_SECRET, cast=cast)
    private = _unlock(cast.clinician)
    mark = _mark()
    key = author_key_current(member=cast.clinician)
    private_notes_for(actor=cast.clinician, client=cast.client, key=key, private=private, channel=Channel.WEB)
    assert _events(mark, AuditAction.PN_READ) == [(cast.clinician.id, cast.client.id, "psychotherapy-note", "", "web")]
    [event] = AuditEvent.objects.filter(id__gt=mark, action=AuditAction.PN_READ)
    assert event.object_ids.split() == [str(n.id) for n in reversed(notes)]  # the author's own, not Cam's
    assert event.canonical_fields()["objects"] == [str(n.id) for n in reversed(notes)]


def test_a_locked_listing_opens_nothing_and_records_no_read(cast: Cast) -> None:
    note = _write(cast.clinician, CHRIS_SECRET, cast=cast)
    mark = _mark()
    assert _bodies(cast.clinician, cast.client, None) == [(note.id, None)]
    assert _events(mark, AuditAction.PN_READ) == []


def test_a_private_key_without_its_key_row_opens_nothing(cast: Cast) -> None:
    note = _write(cast.clinician, CHRIS_SECRET, cast=cast)
    private = _unlock(cast.clinician)
    views = private_notes_for(actor=cast.clinician, client=cast.client, key=None, private=private, channel=Channel.CLI)
    assert [(v.id, v.body) for v in views] == [(note.id, None)]


def test_a_read_that_cannot_be_audited_shows_nothing(cast: Cast) -> None:
    _write(cast.clinician, CHRIS_SECRET, cast=cast)
    private = _unlock(cast.clinician)
    with (
        mock.patch("confide.records.private_notes.event_record", side_effect=DatabaseError("audit store down")),
        pytest.raises(DatabaseError, match="audit store down"),
    ):
        _bodies(cast.clinician, cast.client, private)


# --- the author key: enrol, unlock, recover, rewrap, reset --------------------------------------------------


def test_enrolment_needs_the_current_password_and_writes_nothing_otherwise(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="not your current password"):
        author_key_enrol(member=cast.colleague, password="wrong password!", channel=Channel.CLI)
    assert author_key_current(member=cast.colleague) is None


def test_enrolment_stores_only_wraps_and_is_audited(cast: Cast) -> None:
    mark = _mark()
    enrolment = author_key_enrol(member=cast.colleague, password=PASSWORD, channel=Channel.WEB)
    key = AuthorKey.objects.get(pk=enrolment.key.pk)
    assert author_key_current(member=cast.colleague) == key
    assert (key.member_id, key.practice_id, key.is_current, key.wrap_escrow) == (
        cast.colleague.id,
        cast.colleague.practice_id,
        True,
        None,
    )
    row = AuthorKey.objects.filter(pk=key.pk).values().get()
    assert not any(enrolment.private in bytes(v) for v in row.values() if isinstance(v, (bytes, memoryview)))
    assert _events(mark, AuditAction.AUTHOR_KEY_ENROL) == [(cast.colleague.id, None, "author-key", str(key.id), "web")]
    assert _unlock(cast.colleague) == enrolment.private
    recovered = author_key_unlock(member=cast.colleague, recovery_key=enrolment.recovery_key, channel=Channel.CLI)
    assert recovered == enrolment.private


def test_each_enrolment_has_its_own_salt_and_key_pair(cast: Cast) -> None:
    first = author_key_enrol(member=cast.colleague, password=PASSWORD, channel=Channel.CLI)
    second = author_key_reset(member=cast.colleague, password=PASSWORD, channel=Channel.CLI)
    assert bytes(first.key.kek_salt) != bytes(second.key.kek_salt)
    assert len(bytes(first.key.kek_salt)) >= 16
    assert first.private != second.private and first.recovery_key != second.recovery_key


def test_enrolment_uses_the_configured_argon2_cost(cast: Cast) -> None:
    enrolment = author_key_enrol(member=cast.colleague, password=PASSWORD, channel=Channel.CLI)
    stored = AuthorKey.objects.get(pk=enrolment.key.pk).kdf_params
    assert author.KdfParams.from_json(stored) == author.KdfParams(**settings.CONFIDE_AUTHOR_KDF)


def test_enrolling_twice_is_refused_and_keeps_the_first_key(cast: Cast) -> None:
    before = author_key_current(member=cast.clinician)
    with pytest.raises(ValidationError, match="already set up") as refused:
        author_key_enrol(member=cast.clinician, password=PASSWORD, channel=Channel.CLI)
    assert set(refused.value.message_dict) == {"password"}
    assert author_key_current(member=cast.clinician) == before
    assert AuthorKey.objects.filter(member=cast.clinician).count() == 1


def test_unlocking_before_enrolment_is_refused(cast: Cast) -> None:
    for kwargs in ({"password": PASSWORD}, {"recovery_key": cast.recovery_key}):
        with pytest.raises(ValidationError, match="Set up private notes first") as refused:
            author_key_unlock(member=cast.colleague, channel=Channel.CLI, **kwargs)
        assert set(refused.value.message_dict) == {"password"}


def test_the_recovery_key_alone_unlocks_without_changing_or_recording_anything(cast: Cast) -> None:
    key = author_key_current(member=cast.clinician)
    assert key is not None
    mark = _mark()
    private = author_key_unlock(member=cast.clinician, recovery_key=cast.recovery_key, channel=Channel.CLI)
    assert private == _unlock(cast.clinician)
    assert _password_wrap(AuthorKey.objects.get(pk=key.pk)) == _password_wrap(key)
    assert _events(mark, AuditAction.AUTHOR_KEY_RECOVER) == []


def test_a_recovery_with_the_current_password_rewraps_and_is_audited(cast: Cast) -> None:
    cast.clinician.user.set_password(NEW_PASSWORD)
    cast.clinician.user.save()
    with pytest.raises(ValidationError, match="recovery key") as stale:
        _unlock(cast.clinician, NEW_PASSWORD)
    assert stale.value.message_dict == {"recovery_key": [STALE_PASSWORD]}
    mark = _mark()
    private = author_key_unlock(
        member=cast.clinician, password=NEW_PASSWORD, recovery_key=cast.recovery_key, channel=Channel.WEB
    )
    key = author_key_current(member=cast.clinician)
    assert key is not None
    assert _events(mark, AuditAction.AUTHOR_KEY_RECOVER) == [
        (cast.clinician.id, None, "author-key", str(key.id), "web")
    ]
    assert _unlock(cast.clinician, NEW_PASSWORD) == private


def test_a_recovery_with_a_wrong_password_is_refused_and_keeps_the_wrap(cast: Cast) -> None:
    key = author_key_current(member=cast.clinician)
    assert key is not None
    mark = _mark()
    with pytest.raises(ValidationError, match="not your current password"):
        author_key_unlock(
            member=cast.clinician, password="wrong password!", recovery_key=cast.recovery_key, channel=Channel.CLI
        )
    assert _password_wrap(AuthorKey.objects.get(pk=key.pk)) == _password_wrap(key)
    assert _events(mark, AuditAction.AUTHOR_KEY_RECOVER) == []
    assert _unlock(cast.clinician)  # the password still unlocks


@pytest.mark.parametrize("recovery_key", ["not a recovery key", "AAAA-" * 12 + "AAAA", "AAAA-BBBB"])
def test_a_wrong_or_malformed_recovery_key_is_refused(cast: Cast, recovery_key: str) -> None:
    with pytest.raises(ValidationError, match="does not unlock") as refused:
        author_key_unlock(member=cast.clinician, recovery_key=recovery_key, channel=Channel.CLI)
    assert set(refused.value.message_dict) == {"recovery_key"}


def test_a_recovery_key_of_another_author_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="does not unlock"):
        author_key_unlock(member=cast.cotherapist, recovery_key=cast.recovery_key, channel=Channel.CLI)


def test_a_wrong_password_is_refused_on_the_password_field(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="not your current password") as refused:
        _unlock(cast.clinician, "wrong password!")
    assert set(refused.value.message_dict) == {"password"}


def test_a_passkey_only_author_unlocks_by_recovery_key_and_never_gains_a_password_wrap(cast: Cast) -> None:
    user = cast.colleague.user
    user.set_unusable_password()
    user.save()
    enrolment = author_key_enrol(member=cast.colleague, password="ignored", channel=Channel.CLI)
    with pytest.raises(ValidationError, match="without a password") as refused:
        _unlock(cast.colleague, "ignored")
    assert set(refused.value.message_dict) == {"recovery_key"}  # the form points at the recovery-key field
    private = author_key_unlock(
        member=cast.colleague, password="anything at all", recovery_key=enrolment.recovery_key, channel=Channel.CLI
    )
    assert private == enrolment.private
    key = author_key_current(member=cast.colleague)
    assert key is not None and key.wrap_password is None
    assert author_key_rewrap_password(member=cast.colleague, old_password="", new_password=NEW_PASSWORD) is False


def test_a_password_change_rewraps_under_the_new_password(cast: Cast) -> None:
    before = _unlock(cast.clinician)
    assert author_key_rewrap_password(member=cast.clinician, old_password=PASSWORD, new_password=NEW_PASSWORD)
    # The account's password is still the old one: it passes the account check but opens nothing now.
    with pytest.raises(ValidationError, match="recovery key"):
        _unlock(cast.clinician)
    cast.clinician.user.set_password(NEW_PASSWORD)
    cast.clinician.user.save()
    assert _unlock(cast.clinician, NEW_PASSWORD) == before


def test_a_rewrap_with_a_wrong_old_password_changes_nothing(cast: Cast) -> None:
    key = author_key_current(member=cast.clinician)
    assert key is not None
    assert author_key_rewrap_password(member=cast.clinician, old_password="wrong!", new_password=NEW_PASSWORD) is False
    assert _password_wrap(AuthorKey.objects.get(pk=key.pk)) == _password_wrap(key)
    assert _unlock(cast.clinician)


def test_a_rewrap_without_a_key_does_nothing(cast: Cast) -> None:
    assert author_key_rewrap_password(member=cast.colleague, old_password=PASSWORD, new_password=NEW_PASSWORD) is False
    assert author_key_current(member=cast.colleague) is None


def test_a_reset_needs_the_current_password(cast: Cast) -> None:
    before = author_key_current(member=cast.clinician)
    with pytest.raises(ValidationError, match="not your current password"):
        author_key_reset(member=cast.clinician, password="wrong password!", channel=Channel.CLI)
    assert author_key_current(member=cast.clinician) == before


def test_a_reset_leaves_one_current_key_and_is_audited(cast: Cast) -> None:
    old = author_key_current(member=cast.clinician)
    assert old is not None
    mark = _mark()
    enrolment = author_key_reset(member=cast.clinician, password=PASSWORD, channel=Channel.WEB)
    assert list(AuthorKey.objects.filter(member=cast.clinician, is_current=True)) == [enrolment.key]
    assert AuthorKey.objects.get(pk=old.pk).is_current is False
    assert _events(mark, AuditAction.AUTHOR_KEY_RESET) == [
        (cast.clinician.id, None, "author-key", str(enrolment.key.id), "web")
    ]
    assert _unlock(cast.clinician) == enrolment.private
    # The colleague's key is untouched by another member's reset.
    assert author_key_current(member=cast.cotherapist) is not None


def test_the_old_recovery_key_does_not_unlock_the_new_key(cast: Cast) -> None:
    author_key_reset(member=cast.clinician, password=PASSWORD, channel=Channel.CLI)
    with pytest.raises(ValidationError, match="does not unlock"):
        author_key_unlock(member=cast.clinician, recovery_key=cast.recovery_key, channel=Channel.CLI)


def test_a_password_wrap_copied_from_the_old_key_does_not_open_the_new_one(cast: Cast) -> None:
    """An attacker with database access puts the old key's wrap (and salt) on the new key's row."""
    old = author_key_current(member=cast.clinician)
    assert old is not None
    new = author_key_reset(member=cast.clinician, password=PASSWORD, channel=Channel.CLI).key
    AuthorKey.objects.filter(pk=new.pk).update(
        wrap_password=old.wrap_password, kek_salt=old.kek_salt, kdf_params=old.kdf_params
    )
    with pytest.raises(ValidationError, match="recovery key"):
        _unlock(cast.clinician)


def test_a_recovery_wrap_copied_from_the_old_key_does_not_open_the_new_one(cast: Cast) -> None:
    old = author_key_current(member=cast.clinician)
    assert old is not None
    new = author_key_reset(member=cast.clinician, password=PASSWORD, channel=Channel.CLI).key
    AuthorKey.objects.filter(pk=new.pk).update(wrap_recovery=old.wrap_recovery)
    with pytest.raises(ValidationError, match="does not unlock"):
        author_key_unlock(member=cast.clinician, recovery_key=cast.recovery_key, channel=Channel.CLI)


def test_a_read_for_a_held_back_disclosure_opens_only_its_notes_and_is_sealed(cast: Cast) -> None:
    wanted, other = (_write(cast.clinician, f"canary {i}", cast=cast) for i in range(2))
    private = _unlock(cast.clinician)
    mark = _mark()
    key = author_key_current(member=cast.clinician)
    views = private_notes_for(
        actor=cast.clinician,
        client=cast.client,
        key=key,
        private=private,
        channel=Channel.WEB,
        only={str(wanted.id)},
        seal="disclosure:canary",
    )
    assert [v.id for v in views] == [wanted.id] and str(other.id) not in {str(v.id) for v in views}
    [event] = AuditEvent.objects.filter(id__gt=mark, action=AuditAction.PN_READ)
    assert (event.object_id, event.seal, event.client_seq) == (str(wanted.id), "disclosure:canary", None)


def test_an_ordinary_read_of_ones_notes_is_in_the_clients_history_unsealed(cast: Cast) -> None:
    _write(cast.clinician, CHRIS_SECRET, cast=cast)
    before = AuditEvent.objects.aggregate(top=Max("id"))["top"]
    assert _bodies(cast.clinician, cast.client, _unlock(cast.clinician))[0][1] == CHRIS_SECRET
    read = AuditEvent.objects.filter(id__gt=before, action=AuditAction.PN_READ).get()
    assert (read.client_id, read.seal, read.sealed_seq) == (cast.client.id, "", None)
