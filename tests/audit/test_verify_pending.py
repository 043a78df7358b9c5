"""`confide audit verify` over events not yet logged (a number reused from the client's history, visible or
within a seal, is reported by name; the next number, or a first entry, is no false alarm), and over the
numbers stored beside the log (each set wrong is named)."""

from __future__ import annotations

import re
import uuid

from django.db import transaction
from django.db.models import F

from confide.audit.actions import AuditAction, Channel
from confide.audit.heads import Head
from confide.audit.integrate import log_integrate
from confide.audit.models import AuditEvent, ClientCounter, LogHead, LogState, SealCounter
from confide.audit.services import event_record
from confide.audit.tags import tag_key
from confide.audit.verify import _pending_checks, log_verify
from confide.clients.models import Client
from confide.clients.services import client_create
from tests.attacker import drop_append_only_triggers
from tests.cast import Cast

SEAL = "disclosure:00000000-0000-4000-8000-0000000000bb"
REUSED = re.compile(r"^pending event \d+ reuses a number its client's history already holds$")


def _read(cast: Cast, client: Client | None = None, *, seal: str = "") -> AuditEvent:
    with transaction.atomic():
        return event_record(
            actor=cast.clinician,
            action=AuditAction.NOTE_READ,
            channel=Channel.WEB,
            client_id=(client or cast.client).id,
            seal=seal,
        )


def _log(cast: Cast) -> None:
    while log_integrate(practice_id=cast.owner.practice_id):
        pass


def _pending(cast: Cast, heads: dict[uuid.UUID, Head], sealed: dict[tuple[uuid.UUID, str], int]) -> str | None:
    """What verify says of the events not yet logged, given the heads and seal counts the log holds."""
    return _pending_checks(cast.owner.practice_id, tag_key(cast.owner.practice_id), heads, sealed, {})[1]


# A reused number cannot be staged through the database while the event that holds it is still there (a
# unique constraint refuses it), and once that event is gone the log checks report its leaf first: so these
# give verify's check of pending events the heads the log would hold.


def test_a_pending_number_the_log_already_holds_is_named(cast: Cast) -> None:
    seq = _read(cast).client_seq
    assert seq is not None
    client = cast.client.id
    problem = _pending(cast, {client: Head(client, seq, 0)}, {})
    assert problem is not None and REUSED.match(problem), problem
    assert _pending(cast, {client: Head(client, seq - 1, 0)}, {}) is None  # the next number: fine
    client_create(actor=cast.clinician, name="Noor New-Client", email="noor@client.test", channel=Channel.CLI)
    assert _pending(cast, {client: Head(client, seq - 1, 0)}, {}) is None  # a new client's first number


def test_a_pending_sealed_number_its_seal_already_holds_is_named(cast: Cast) -> None:
    sealed_seq = _read(cast, seal=SEAL).sealed_seq
    assert sealed_seq is not None
    key = (cast.client.id, SEAL)
    problem = _pending(cast, {}, {key: sealed_seq})
    assert problem is not None and REUSED.match(problem), problem
    assert _pending(cast, {}, {key: sealed_seq - 1}) is None
    assert _pending(cast, {}, {}) is None  # the seal's first entry, nothing of it logged


def test_pending_next_numbers_and_first_entries_are_no_alarm(cast: Cast) -> None:
    _read(cast)
    _read(cast, seal=SEAL)
    _log(cast)
    _read(cast)  # the next visible number
    _read(cast, seal=SEAL)  # the seal's next number
    _read(cast, seal="disclosure:first")  # a seal's first entry, nothing of it logged yet
    fresh = Client.objects.exclude(pk=cast.client.id).filter(practice_id=cast.client.practice_id).first()
    assert fresh is not None
    _read(cast, fresh)  # (the clinician need not see them: the event alone is what verify reads)
    report = log_verify(practice_id=cast.owner.practice_id)
    assert (report.problem, report.pending) == (None, 4)


# ---------------------------------------------------------------- the stored state beside the log


def _tampered(cast: Cast) -> str | None:
    return log_verify(practice_id=cast.owner.practice_id).problem


def test_each_stored_number_set_wrong_is_named(cast: Cast) -> None:
    _read(cast)
    _read(cast, seal=SEAL)
    _log(cast)
    assert _tampered(cast) is None
    drop_append_only_triggers()  # an administrator edits the tables beside the log
    heads = LogHead.objects.filter(client_id=cast.client.id)
    heads.update(seq=F("seq") + 1)
    assert _tampered(cast) == "the stored client heads differ from the log's"
    heads.update(seq=F("seq") - 1)
    sealed = SealCounter.objects.filter(client_id=cast.client.id, seal=SEAL)
    sealed.update(logged=F("logged") + 1)
    assert _tampered(cast) == "the stored numbers of sealed entries differ from the log's"
    sealed.update(logged=F("logged") - 1)
    SealCounter.objects.create(
        practice_id=cast.owner.practice_id, client_id=cast.client.id, seal="disclosure:x", last=2
    )
    assert _tampered(cast) == "a seal's counter has numbers but the seal holds no entries"
    SealCounter.objects.filter(seal="disclosure:x").delete()
    counters = ClientCounter.objects.filter(client_id=cast.client.id)
    counters.update(last_seq=F("last_seq") - 1)
    assert _tampered(cast) == "a client's sequence counter was set back"
    counters.update(last_seq=F("last_seq") + 1)
    LogState.objects.filter(practice_id=cast.owner.practice_id).update(size=F("size") + 1)
    assert re.fullmatch(r"the log should hold (\d+) entries but holds (\d+)", _tampered(cast) or "")
