"""Synthetic audit events for benchmarks: real commitments, inserted in bulk, then integrated."""

from __future__ import annotations

import datetime as dt
import os
import uuid

from django.db import connection, transaction

from confide.audit.commitment import commitment
from confide.audit.integrate import log_integrate
from confide.audit.tags import event_tag, tag_key
from confide.practices.models import Practice

CHUNK = 50_000


def events_generate(*, practice: Practice, count: int, integrate: bool = True) -> int:
    """Insert ``count`` operator events with real salts and commitments; return the log size."""
    pid = practice.id.hex if connection.vendor == "sqlite" else str(practice.id)
    now = dt.datetime.now(dt.UTC)
    sql = (
        "INSERT INTO audit_auditevent (practice_id, actor_id, actor_role, action, channel, client_id, client_seq, "
        "object_type, object_id, purpose, outcome, created_at, salt, commitment, tag) "
        "VALUES (%s, NULL, 'operator', 'clients:client:read', 'cli', NULL, NULL, 'bench', %s, '', 'ok', %s, %s, %s, %s)"
    )
    done, key = 0, tag_key(practice.id)
    while done < count:
        rows = []
        for i in range(done, min(count, done + CHUNK)):
            salt = os.urandom(32)
            fields = {
                "practice": str(practice.id),
                "actor": None,
                "role": "operator",
                "action": "clients:client:read",
                "channel": "cli",
                "client": None,
                "seq": None,
                "object_type": "bench",
                "object_id": str(i),
                "purpose": "",
                "outcome": "ok",
                "time": now.isoformat(),
            }
            value = commitment(salt, fields)
            rows.append((pid, str(i), now, salt, value, event_tag(key, value)))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        done += len(rows)
        if integrate:
            while log_integrate(practice_id=practice.id, batch=CHUNK):
                pass
    return done


def bench_practice(slug: str) -> Practice:
    practice, _ = Practice.objects.get_or_create(slug=slug, defaults={"name": f"Benchmark {slug}", "id": uuid.uuid4()})
    return practice
