"""``confide consent remind``: e-mail due clients a link to their portal (run it daily, e.g. from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from confide.consent.reminders import reminders_task


class Command(BaseCommand):
    help = "Consent housekeeping."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser("remind", help="e-mail every client whose agreement is due (at most weekly)")
        remind.add_argument("--enqueue", action="store_true", help="hand the job to the background worker")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = reminders_task.enqueue()
            self.stdout.write(f"Reminder job queued ({result.id}).")
            return
        self.stdout.write(f"{reminders_task.call()} reminders sent.")
