"""Key transparency (confide/messaging/keylog.py): the recipients a page is shown come with where the signed
log holds each key's publication, checked here as the browser checks it (static/confide/keylog.js)."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from confide.audit import merkle, note
from confide.audit.actions import AuditAction, Channel
from confide.audit.commitment import commitment
from confide.audit.models import AuditEvent
from confide.audit.services import event_record
from confide.messaging.envelope import MailboxSecret
from confide.messaging.keylog import keys_logged
from confide.messaging.models import Mailbox
from confide.messaging.selectors import recipients_of
from confide.practices.models import Member
from tests.cast import Cast
from tests.messaging.test_services import publish

pytestmark = pytest.mark.django_db


def _b(value: str) -> bytes:
    return base64.b64decode(value)


def _entry(log: dict[str, Any], box: Mailbox) -> object:
    keys = log["keys"]
    assert isinstance(keys, dict)
    return keys[box.key_id]


def _published(log: dict[str, Any], box: Mailbox) -> bool:
    """What the browser decides for one key: its entry names this practice, the key's owner and id, and
    is in the signed checkpoint the answer carries."""
    entry = log["keys"][box.key_id]
    if entry is None:
        return False
    checkpoint = note.open_note(log["checkpoint"], verifier=log["verifier_key"])
    assert (checkpoint.size, checkpoint.root) == (log["size"], _b(log["root"]))
    fields = json.loads(entry["canonical"])
    named = (fields["action"], fields["object_type"], fields["object_id"], fields["actor"], fields["practice"])
    if named != (AuditAction.MAILBOX_PUBLISH, "mailbox", box.key_id, str(box.member_id), str(box.practice_id)):
        return False
    leaf = merkle.leaf_hash(commitment(_b(entry["salt"]), fields))
    return merkle.verify_inclusion(entry["index"], log["size"], leaf, [_b(p) for p in entry["proof"]], checkpoint.root)


def _swap(member: Member) -> Mailbox:
    """The database writer puts a key it holds in ``member``'s row, its id made to match."""
    evil = MailboxSecret.generate()
    Mailbox.objects.filter(member=member, retired_at=None).update(
        key_id=evil.mailbox.id,
        receive=evil.mailbox.receive.public_bytes_raw(),
        verify=evil.mailbox.verify.public_bytes_raw(),
    )
    return Mailbox.objects.get(member=member, retired_at=None)


def test_every_published_key_of_a_thread_is_shown_in_the_signed_log(cast: Cast) -> None:
    publish(cast.client_member)
    publish(cast.clinician)
    boxes = list(recipients_of(cast.client))
    log = keys_logged(practice=cast.owner.practice, mailboxes=boxes)
    assert len(boxes) == 2 and all(_published(log, box) for box in boxes)


def test_a_key_written_into_the_database_without_its_publication_has_no_entry(cast: Cast) -> None:
    publish(cast.client_member)
    publish(cast.clinician)
    swapped = _swap(cast.clinician)
    log = keys_logged(practice=cast.owner.practice, mailboxes=recipients_of(cast.client))
    assert _entry(log, swapped) is None


def test_a_publication_by_someone_else_does_not_stand_for_the_keys_owner(cast: Cast) -> None:
    """The database writer moves Jordan's genuine, logged key id onto Chris's row: the entry names Jordan."""
    jordan = publish(cast.client_member)
    publish(cast.clinician)
    Mailbox.objects.filter(member=cast.client_member).update(key_id="0" * 32)
    Mailbox.objects.filter(member=cast.clinician, retired_at=None).update(
        key_id=jordan.mailbox.id,
        receive=jordan.mailbox.receive.public_bytes_raw(),
        verify=jordan.mailbox.verify.public_bytes_raw(),
    )
    box = Mailbox.objects.get(member=cast.clinician, retired_at=None)
    log = keys_logged(practice=cast.owner.practice, mailboxes=[box])
    assert _entry(log, box) is None


def test_a_publication_the_writer_also_forged_is_in_the_log_for_good(cast: Cast) -> None:
    """The strongest writer also writes the event: the key then passes, and its publication stays in the
    append-only log as evidence (a client's own in their history)."""
    publish(cast.client_member)
    publish(cast.clinician)
    swapped = _swap(cast.clinician)
    with transaction.atomic():
        event_record(
            actor=cast.clinician, action=AuditAction.MAILBOX_PUBLISH, channel=Channel.WEB, object_type="mailbox",
            object_id=swapped.key_id,
        )  # fmt: skip
    log = keys_logged(practice=cast.owner.practice, mailboxes=[swapped])
    assert _published(log, swapped)


def test_another_practices_publication_of_the_same_key_id_is_not_read(cast: Cast) -> None:
    publish(cast.clinician)
    box = Mailbox.objects.get(member=cast.clinician, retired_at=None)
    elsewhere = cast.outsider.practice
    log = keys_logged(practice=elsewhere, mailboxes=[box])
    assert _entry(log, box) is None


def test_the_recipients_endpoint_carries_the_log(cast: Cast) -> None:
    from django.test import Client  # noqa: PLC0415

    publish(cast.client_member)
    publish(cast.clinician)
    browser = Client()
    browser.force_login(cast.client_member.user)
    answer = browser.get(f"/messages/{cast.client.id}/recipients.json").json()
    boxes = {b.key_id: b for b in recipients_of(cast.client)}
    assert {p["id"] for p in answer["recipients"]} == set(boxes)
    assert all(_published(answer["log"], box) for box in boxes.values())


def test_a_log_rolled_back_behind_the_signers_anchor_gives_the_signers_reason_and_no_keys(cast: Cast) -> None:
    from confide.audit.integrate import log_integrate  # noqa: PLC0415
    from tests.audit.attacks import attack  # noqa: PLC0415

    publish(cast.client_member)
    log_integrate(practice_id=cast.owner.practice_id)
    publish(cast.clinician)
    log_integrate(practice_id=cast.owner.practice_id)
    attack("truncate the log's tail", cast.client)
    publish(cast.supervisor)  # something new to sign over the rolled-back log
    log = keys_logged(practice=cast.owner.practice, mailboxes=recipients_of(cast.client))
    assert set(log) == {"problem"}  # the signer's own words, and no key
    assert re.fullmatch(r"the newest checkpoint \(of \d+ entries\) is missing", str(log["problem"]))


def test_a_key_its_owner_gave_up_comes_with_its_retirement(cast: Cast) -> None:
    old = publish(cast.clinician)
    new = publish(cast.clinician)  # started again: the first mailbox retired, in the log
    Mailbox.objects.filter(key_id=new.mailbox.id).update(retired_at=timezone.now())  # the database writer
    Mailbox.objects.filter(key_id=old.mailbox.id).update(retired_at=None)  # undoes the retirement
    box = Mailbox.objects.get(key_id=old.mailbox.id)
    log = keys_logged(practice=cast.owner.practice, mailboxes=[box])
    entry = _entry(log, box)
    assert isinstance(entry, dict) and _published(log, box)  # published, and then:
    fields = json.loads(entry["retired"]["canonical"])
    assert (fields["action"], fields["object_id"]) == (AuditAction.MAILBOX_RETIRE, box.key_id)
    leaf = merkle.leaf_hash(commitment(_b(entry["retired"]["salt"]), fields))
    proof = [_b(p) for p in entry["retired"]["proof"]]
    assert merkle.verify_inclusion(entry["retired"]["index"], int(str(log["size"])), leaf, proof, _b(str(log["root"])))


def test_a_current_key_comes_without_a_retirement(cast: Cast) -> None:
    publish(cast.clinician)
    box = Mailbox.objects.get(member=cast.clinician, retired_at=None)
    entry = _entry(keys_logged(practice=cast.owner.practice, mailboxes=[box]), box)
    assert isinstance(entry, dict) and "retired" not in entry


def test_the_log_is_shown_to_extend_the_checkpoint_the_browser_last_checked(cast: Cast) -> None:
    publish(cast.clinician)
    box = Mailbox.objects.get(member=cast.clinician, retired_at=None)
    first = keys_logged(practice=cast.owner.practice, mailboxes=[box])
    publish(cast.supervisor)
    later = keys_logged(practice=cast.owner.practice, mailboxes=[box], since=int(str(first["size"])))
    proof = [_b(p) for p in later["consistency"]]  # type: ignore[attr-defined]
    assert int(str(later["size"])) > int(str(first["size"])) and proof
    old_root, new_root = _b(str(first["root"])), _b(str(later["root"]))
    assert merkle.verify_consistency(int(str(first["size"])), int(str(later["size"])), old_root, new_root, proof)
    same = keys_logged(practice=cast.owner.practice, mailboxes=[box], since=int(str(later["size"])))
    assert same["consistency"] == [] and keys_logged(practice=cast.owner.practice, mailboxes=[box])["consistency"] == []


def test_a_practice_whose_log_is_empty_shows_no_key(cast: Cast) -> None:
    from confide.practices.models import Practice  # noqa: PLC0415

    publish(cast.clinician)
    box = Mailbox.objects.get(member=cast.clinician, retired_at=None)
    empty = Practice.objects.create(name="Empty", slug="empty")  # no event yet, so no checkpoint
    assert keys_logged(practice=empty, mailboxes=[box]) == {"size": 0, "keys": {box.key_id: None}}


def test_the_recipients_written_with_a_single_key_do_not_stand_for_its_publication(cast: Cast) -> None:
    from confide.messaging.selectors import recipients_recorded  # noqa: PLC0415

    publish(cast.client_member)
    [box] = recipients_recorded(client=cast.client, actor=cast.client_member, channel=Channel.WEB)
    recipients = AuditEvent.objects.get(action=AuditAction.MESSAGE_RECIPIENTS)
    assert (recipients.object_type, recipients.object_id, recipients.actor_id) == ("mailbox", box.key_id, box.member_id)
    log = keys_logged(practice=cast.owner.practice, mailboxes=[box])
    assert _published(log, box)


def test_a_shredded_clients_key_is_shown_without_the_salt_shredding_removed(cast: Cast) -> None:
    from confide.vault.operations import client_shred  # noqa: PLC0415

    publish(cast.client_member)
    box = Mailbox.objects.get(member=cast.client_member, retired_at=None)
    client_shred(client_id=cast.client.id, reason="retention period over")
    entry = _entry(keys_logged(practice=cast.owner.practice, mailboxes=[box]), box)
    assert isinstance(entry, dict) and entry["salt"] is None


def test_a_publication_logged_after_the_checkpoint_the_answer_carries_is_not_shown_in_it(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from confide.audit.integrate import log_integrate  # noqa: PLC0415
    from confide.audit.log import checkpoint_latest as latest  # noqa: PLC0415
    from confide.messaging import keylog  # noqa: PLC0415

    publish(cast.client_member)
    box = Mailbox.objects.get(member=cast.client_member, retired_at=None)

    def read_while_another_request_logs(*, practice_id: Any) -> Any:
        checkpoint = latest(practice_id=practice_id)
        with transaction.atomic():  # the same key published again, logged past this checkpoint
            event_record(
                actor=cast.client_member, action=AuditAction.MAILBOX_PUBLISH, channel=Channel.WEB,
                client_id=cast.client.id, object_type="mailbox", object_id=box.key_id,
            )  # fmt: skip
        log_integrate(practice_id=practice_id)
        return checkpoint

    monkeypatch.setattr(keylog, "checkpoint_latest", read_while_another_request_logs)
    log = keys_logged(practice=cast.owner.practice, mailboxes=[box])
    entry = _entry(log, box)
    assert isinstance(entry, dict) and entry["index"] < log["size"] and _published(log, box)
