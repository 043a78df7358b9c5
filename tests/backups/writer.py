"""Run in a process of its own against a real database.

``python -m tests.backups.writer write N [STOP]`` adds N clients (each with a document), or until the
file STOP exists, printing ``ACK <id>`` after each commits, and integrates the log as it goes.
``python -m tests.backups.writer check`` reads ids on stdin and prints ``PRESENT <id> <name>`` for each
client the database holds, opened with the master key.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confide.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402

from confide.audit.actions import Channel  # noqa: E402
from confide.audit.integrate import log_integrate  # noqa: E402
from confide.clients.models import Client  # noqa: E402
from confide.clients.services import client_create  # noqa: E402
from confide.practices.services import practice_create  # noqa: E402
from confide.records.documents import document_upload  # noqa: E402


def write(count: int, stop: Path | None) -> None:
    call_command("migrate", verbosity=0)
    clinician = practice_create(
        name="Backup Practice", owner_email="bea@backup.test", owner_name="Bea Backup", owner_password=None
    )
    print("READY", flush=True)
    for number in range(count):
        if stop is not None and stop.exists():
            break
        client = client_create(actor=clinician, name=f"Backup Client {number}", email=None, channel=Channel.CLI)
        upload = SimpleUploadedFile(f"intake-{number}.txt", f"intake {number}".encode(), content_type="text/plain")
        document_upload(actor=clinician, client=client, upload=upload, channel=Channel.CLI)
        print(f"ACK {client.id.hex}", flush=True)  # both are committed: acknowledged
        if number % 10 == 9:
            log_integrate(practice_id=clinician.practice_id)


def check() -> None:
    for line in sys.stdin.read().split():
        client = Client.objects.filter(id=line).first()
        if client is not None:
            print(f"PRESENT {client.id.hex} {client.open('name')}", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(int(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) > 3 else None)
    else:
        check()
