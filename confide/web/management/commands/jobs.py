"""``confide jobs run``: every periodic job in one command — run it from cron every 15 minutes.

Session reminders (24 h ahead), delayed disclosure notices and deadline reminders, agreement
re-affirmation reminders (at most weekly per client), "a secure message is waiting" (at most weekly per
person), transparency-log integration, and e-mail that
the mail server refused earlier (tried again with backoff).
Each job is idempotent: running it more often only finds less to do.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from confide.audit.tasks import checkpoint_witness_all, log_integrate_all
from confide.consent.reminders import reminders_task
from confide.disclosures.reminders import disclosures_task
from confide.messaging.attachments import unsent_task
from confide.messaging.notify import notices_task
from confide.outbox.services import mail_retry_task
from confide.scheduling.reminders import appointment_reminders_task


class Command(BaseCommand):
    help = "Run Confide's periodic jobs once."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("run", help="run every periodic job now")

    def handle(self, *args: Any, **options: Any) -> None:
        results = {
            "session reminders": appointment_reminders_task.call(),
            "disclosure notices and deadline reminders": disclosures_task.call(),
            "agreement reminders": reminders_task.call(),
            "notices that a secure message is waiting": notices_task.call(),
            "files attached but never sent, deleted": unsent_task.call(),
            "log entries integrated": log_integrate_all(),
            "checkpoints cosigned by witnesses": checkpoint_witness_all(),
            "e-mails sent that had waited": mail_retry_task.call(),
        }
        for name, count in results.items():
            self.stdout.write(f"{name}: {count}")
