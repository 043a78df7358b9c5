"""Synthetic audit events for benchmarks: real commitments and tags, inserted in bulk, then integrated."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections import Counter
from typing import Any

from django.db import connection, transaction

from confide.audit.actions import AuditAction, Channel
from confide.audit.commitment import commitment
from confide.audit.counters import seqs_take
from confide.audit.integrate import log_integrate
from confide.audit.models import EVENT_COLUMNS, canonical_fields_of
from confide.audit.tags import event_tag, tag_key
from confide.practices.models import Member, Practice

CHUNK = 50_000
_SQL = (
    f"INSERT INTO audit_auditevent ({', '.join(EVENT_COLUMNS)}, salt, commitment, tag) "  # noqa: S608 (column names only)
    f"VALUES ({', '.join(['%s'] * (len(EVENT_COLUMNS) + 3))})"
)


def _param(value: object) -> Any:
    """A value as this database stores it: Django keeps UUIDs as 32 hex digits on SQLite."""
    if isinstance(value, uuid.UUID):
        return value.hex if connection.vendor == "sqlite" else str(value)
    return value


def events_generate(
    *,
    practice: Practice,
    count: int,
    integrate: bool = True,
    actor: Member | None = None,
    client_id: uuid.UUID | None = None,
    action: AuditAction = AuditAction.CLIENT_READ,
) -> int:
    """Insert ``count`` events (the operator's, or ``actor``'s; numbered in ``client_id``'s history when given)
    with real salts, commitments and tags; return how many."""
    now, key = dt.datetime.now(dt.UTC), tag_key(practice.id)
    first = 0
    if client_id is not None:
        with transaction.atomic():
            first = seqs_take(practice_id=practice.id, wanted=Counter({client_id: count}))[client_id]
    done = 0
    while done < count:
        rows = []
        for i in range(done, min(count, done + CHUNK)):
            row = {
                "practice_id": practice.id,
                "actor_id": actor.id if actor else None,
                "actor_role": actor.role if actor else "operator",
                "action": action.value,
                "channel": Channel.CLI.value,
                "client_id": client_id,
                "client_seq": first + i if client_id is not None else None,
                "object_type": "bench",
                "object_id": str(i),
                "purpose": "",
                "outcome": "ok",
                "created_at": now,
                "seal": "",
                "sealed_seq": None,
                "object_ids": "",
            }
            salt = os.urandom(32)
            value = commitment(salt, canonical_fields_of(row))
            rows.append([*(_param(row[c]) for c in EVENT_COLUMNS), salt, value, event_tag(key, value)])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM audit_auditevent")
            (before,) = cursor.fetchone()
            cursor.executemany(_SQL, rows)
            cursor.execute(  # their places in the integrator's queue (the benchmarks are the only writer)
                "INSERT INTO audit_pendingevent (event_id, practice_id) "
                "SELECT id, practice_id FROM audit_auditevent WHERE id > %s AND practice_id = %s",
                [before, _param(practice.id)],
            )
        done += len(rows)
        if integrate:
            while log_integrate(practice_id=practice.id, batch=CHUNK):
                pass
    return done


def bench_practice(slug: str) -> Practice:
    practice, _ = Practice.objects.get_or_create(slug=slug, defaults={"name": f"Benchmark {slug}", "id": uuid.uuid4()})
    return practice
