"""`confide backup`: an age-encrypted, consistent snapshot of the database and the document store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from confide.backups.archive import ArchiveError
from confide.backups.services import backup_create


class Command(BaseCommand):
    help = "Write an age-encrypted snapshot of the database and documents (never the master key or anchors)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="the file to write (default: confide-backup-<UTC time>.age)")
        parser.add_argument(
            "--recipient", action="append", default=[], help="an age recipient (default: CONFIDE_BACKUP_RECIPIENTS)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        output: Path = options["output"] or Path(f"confide-backup-{stamp}.age")
        recipients = options["recipient"] or list(settings.CONFIDE_BACKUP_RECIPIENTS)
        try:
            manifest = backup_create(output=output, recipients=recipients)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from None
        documents = sum(1 for name in manifest.files if name.startswith("documents/"))
        self.stdout.write(
            f"Wrote {output}: the {manifest.database} database and {documents} documents, encrypted to "
            f"{len(recipients)} recipient(s). Keep the master key file and the log anchors in a separate backup."
        )
