"""``confide disclosures notify``: send due client notices and deadline reminders (run it hourly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from confide.disclosures.reminders import disclosures_task


class Command(BaseCommand):
    help = "Disclosure housekeeping."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("notify", help="send delayed client notices whose date has come, and deadline reminders")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{disclosures_task.call()} messages sent.")
