"""One client's history at 100, 10,000 and 100,000 events: what recording one more event costs (the
next sequence number comes from a counter row), and the server time of the history page and of its
proof bundle. Ratios are against the 100-event history, measured in the same run.

Sizes come from CONFIDE_BENCH_HISTORY_SIZES (default "100,10000,100000").
"""

from __future__ import annotations

import os
import uuid

from bench._django import setup
from bench._timing import median_ms as _ms

setup()

from django.db import connection, transaction  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402

from confide.accounts.models import User  # noqa: E402
from confide.audit.actions import AuditAction, Channel  # noqa: E402
from confide.audit.generate import events_generate  # noqa: E402
from confide.audit.history import KINDS, history_page  # noqa: E402
from confide.audit.integrate import log_integrate  # noqa: E402
from confide.audit.models import ClientCounter  # noqa: E402
from confide.audit.proofs import proof_bundle  # noqa: E402
from confide.audit.services import event_record  # noqa: E402
from confide.practices.models import Member, Practice  # noqa: E402
from confide.practices.permissions import Role  # noqa: E402

SIZES = [int(s) for s in os.environ.get("CONFIDE_BENCH_HISTORY_SIZES", "100,10000,100000").split(",") if s]


def _one(size: int) -> dict[str, float]:
    practice = Practice.objects.create(name=f"History {size}", slug=f"history-{size}")
    user = User.objects.create_user(f"chris-{size}@bench.test", "unused password for the bench", full_name="Chris")
    actor = Member.objects.create(practice=practice, user=user, role=Role.CLINICIAN)
    viewer = Member.objects.create(
        practice=practice, user=User.objects.create_user(f"jordan-{size}@bench.test", "unused"), role=Role.CLIENT
    )
    client_id = uuid.uuid4()
    events_generate(practice=practice, count=size, actor=actor, client_id=client_id, action=AuditAction.NOTE_READ)

    def record() -> None:
        with transaction.atomic():
            event_record(actor=actor, action=AuditAction.NOTE_READ, channel=Channel.WEB, client_id=client_id)

    def page() -> None:
        shown = history_page(practice_id=practice.id, client_id=client_id, viewer=viewer)
        kinds = [(value, label) for value, (label, _) in KINDS.items()]
        render_to_string("portal/history.html", {"page": shown, "kinds": kinds, "kind": "", "client_id": client_id})

    newest = size

    def bundle() -> None:
        proof_bundle(practice=practice, client_id=client_id, since=None, first=max(1, newest - 49))

    _ms(record, 20)
    results = {"record": _ms(record, 300)}
    while log_integrate(practice_id=practice.id):
        pass
    newest = ClientCounter.objects.get(client_id=client_id).last_seq
    results["page"] = _ms(page, 50)
    results["bundle"] = _ms(bundle, 30)
    return results


def run() -> list[str]:
    results = {size: _one(size) for size in SIZES}
    base = results[SIZES[0]]
    rows = [
        f"Database: {connection.vendor}, one client; medians in ms, ratio against {SIZES[0]:,} events in this run.",
        "",
        "| events in the history | record one event | ratio | history page (newest 50) | ratio "
        "| its proof bundle | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for size, r in results.items():
        rows.append(
            f"| {size:,} | {r['record']:.3f} | {r['record'] / base['record']:.2f}× | {r['page']:.2f} | "
            f"{r['page'] / base['page']:.2f}× | {r['bundle']:.2f} | {r['bundle'] / base['bundle']:.2f}× |"
        )
    return rows
