from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from confide.vault.keyring import MasterKey


class Command(BaseCommand):
    help = "Write a new master key file (mode 0600). Back it up offline: without it no client record decrypts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if path.exists():
            raise CommandError(f"{path} exists; refusing to overwrite a master key.")
        MasterKey.load(path, create=True)
        self.stdout.write(f"Wrote a new master key to {path}. Set CONFIDE_MASTER_KEY_FILE={path}.")
