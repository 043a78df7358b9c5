"""`confide audit …`: integrate, verify, print checkpoints, prove."""

from __future__ import annotations

import base64
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.anchor import anchor_open, anchor_supersede, restore_record
from confide.audit.appendonly import lockdown_sql
from confide.audit.generate import bench_practice, events_generate
from confide.audit.heads import restored_line
from confide.audit.integrate import log_integrate
from confide.audit.log import checkpoint_latest, consistency_proof, inclusion_proof, verifier_key
from confide.audit.models import LogState
from confide.audit.services import event_record
from confide.audit.verify import log_verify
from confide.practices.models import Practice


def _practices(slug: str | None) -> list[Practice]:
    if slug:
        practice = Practice.objects.filter(slug=slug).first()
        if practice is None:
            raise CommandError(f"No practice {slug!r}.")
        return [practice]
    return list(Practice.objects.order_by("slug"))


def _one(slug: str | None) -> Practice:
    practices = _practices(slug)
    if len(practices) != 1:
        raise CommandError("Name the practice with --practice SLUG.")
    return practices[0]


class Command(BaseCommand):
    help = "The transparency log: integrate events, verify everything, print checkpoints and proofs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice", help="practice slug (default: every practice, or the only one)")
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("integrate", help="append recorded events to the log now and sign a checkpoint")
        sub.add_parser("verify", help="recompute everything from stored leaves and events; exit 1 on a problem")
        checkpoint = sub.add_parser("checkpoint", help="print the latest signed checkpoint")
        checkpoint.add_argument("--verifier-key", action="store_true", help="print the signed-note verifier key")
        generate = sub.add_parser("generate", help="benchmarks only: add N synthetic events and integrate them")
        generate.add_argument("--entries", type=int, required=True)
        generate.add_argument("--slug", default="benchmark-log")
        lockdown = sub.add_parser("lockdown", help="PostgreSQL: revoke UPDATE/DELETE on log tables from a role")
        lockdown.add_argument("--role", required=True)
        lockdown.add_argument("--execute", action="store_true", help="run the statements (as the table owner)")
        sub.add_parser(
            "accept-restore",
            help="after restoring a database backup: set the newer anchor aside, record the restore, sign on",
        )
        prove = sub.add_parser("prove", help="print an inclusion or consistency proof (base64 hashes)")
        prove.add_argument("--index", type=int, help="inclusion proof for this leaf")
        prove.add_argument("--old", type=int, help="consistency proof from this size")
        prove.add_argument("--size", type=int, help="tree size (default: the latest checkpoint's)")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"].replace("-", "_"))(options)

    def _integrate(self, options: dict[str, Any]) -> None:
        for practice in _practices(options["practice"]):
            total = 0
            while added := log_integrate(practice_id=practice.id):
                total += added
            self.stdout.write(f"{practice.slug}: {total} events added to the log.")

    def _verify(self, options: dict[str, Any]) -> None:
        failed = False
        for practice in _practices(options["practice"]):
            report = log_verify(practice_id=practice.id)
            if report.problem:
                failed = True
                self.stderr.write(f"{practice.slug}: PROBLEM after {report.size} entries: {report.problem}")
            else:
                pending = f"; {report.pending} recorded events wait to be logged" if report.pending else ""
                self.stdout.write(f"{practice.slug}: intact, {report.size} entries verified{pending}.")
        if failed:
            raise SystemExit(1)

    def _checkpoint(self, options: dict[str, Any]) -> None:
        practice = _one(options["practice"])
        if options["verifier_key"]:
            self.stdout.write(verifier_key(practice))
            return
        checkpoint = checkpoint_latest(practice_id=practice.id)
        if checkpoint is None:
            raise CommandError("No checkpoint yet: run `confide audit integrate`.")
        self.stdout.write(checkpoint.note, ending="")

    def _generate(self, options: dict[str, Any]) -> None:
        practice = bench_practice(options["slug"])
        start = time.perf_counter()
        events_generate(practice=practice, count=options["entries"])
        self.stdout.write(f"{practice.slug}: {options['entries']} events in {time.perf_counter() - start:.1f} s.")

    def _lockdown(self, options: dict[str, Any]) -> None:
        try:
            statements = lockdown_sql(options["role"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if options["execute"]:
            if connection.vendor != "postgresql":
                raise CommandError("Lockdown applies to PostgreSQL; on SQLite the triggers already refuse rewrites.")
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        for statement in statements:
            self.stdout.write(statement + ";")

    def _accept_restore(self, options: dict[str, Any]) -> None:
        practice = _one(options["practice"])
        opened = anchor_open(practice)
        if opened is None:
            raise CommandError("No anchor is kept for this practice: nothing to accept.")
        lost = opened[1]
        with transaction.atomic():
            state = LogState.objects.filter(practice_id=practice.id).first()
            size = state.size if state else 0
            anchor_supersede(practice.id, suffix=timezone.now().strftime("%Y%m%dT%H%M%SZ"))
            restore_record(practice.id, restored_line(size, lost.size, lost.root))
            event_record(
                actor=None,
                practice_id=practice.id,
                action=AuditAction.LOG_RESTORE,
                channel=Channel.CLI,
                purpose=f"restored at {size}; signed up to {lost.size}",
            )
        while log_integrate(practice_id=practice.id):
            pass
        self.stdout.write(f"{practice.slug}: the restore is recorded; the log signs on from {size} entries.")

    def _prove(self, options: dict[str, Any]) -> None:
        practice = _one(options["practice"])
        latest = checkpoint_latest(practice_id=practice.id)
        size = options["size"] or (latest.size if latest else 0)
        try:
            if options["index"] is not None:
                proof = inclusion_proof(practice.id, options["index"], size)
            elif options["old"] is not None:
                proof = consistency_proof(practice.id, options["old"], size)
            else:
                raise CommandError("Give --index N or --old SIZE.")
        except (ValueError, LookupError) as exc:
            raise CommandError(str(exc)) from None
        for value in proof:
            self.stdout.write(base64.b64encode(value).decode())
