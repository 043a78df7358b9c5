"""`confide restore`: bring back a `confide backup` archive into this server's database and document store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from confide.backups.archive import ArchiveError
from confide.backups.services import RestoreRefused, backup_restore


class Command(BaseCommand):
    help = "Restore a backup (stop the server first). Then run `confide audit verify`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="the file `confide backup` wrote")
        parser.add_argument("--identity", type=Path, required=True, help="a file holding the age identity")
        parser.add_argument(
            "--replace", action="store_true", help="SQLite: set the current database and documents aside first"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            lines = options["identity"].read_text().splitlines()
        except OSError as exc:
            raise CommandError(f"Cannot read the identity file: {exc.strerror}.") from None
        identities = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
        try:
            manifest = backup_restore(archive=options["archive"], identities=identities, replace=options["replace"])
        except (ArchiveError, RestoreRefused) as exc:
            raise CommandError(f"{exc} Nothing was restored.") from None
        self.stdout.write(
            f"Restored the {manifest.database} backup of {manifest.created}. Next: `confide audit verify`; if it "
            "says the log's anchor is newer than the database, `confide audit accept-restore` records the restore."
        )
