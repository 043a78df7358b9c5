"""`confide keys …`: master-key rotation, client-key rotation and re-encryption, crypto-shredding."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from confide.clients.models import Client
from confide.holds.services import UnderLegalHoldError
from confide.records.escrow import escrow_export
from confide.vault.keyring import MasterKey, VaultError, read_age_identity
from confide.vault.operations import client_key_rotate, client_reencrypt, client_shred, master_key_rotate
from confide.vault.sealing import request_key_cache


def _identity(path: Path) -> str:
    try:
        return read_age_identity(path)
    except VaultError as exc:
        raise CommandError(str(exc)) from None


def _client_id(text: str) -> uuid.UUID:
    try:
        client_id = uuid.UUID(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a client id.") from None
    if not Client.objects.filter(pk=client_id).exists():
        raise CommandError(f"No client {client_id}.")
    return client_id


class Command(BaseCommand):
    help = "Rotate keys and crypto-shred clients. Every operation is audited."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        init = sub.add_parser("init", help="write a new master key file (0600); back it up offline")
        init.add_argument("path", type=Path)
        sub.add_parser("rotate-master", help="rewrap every client key under a new master key (no data re-encrypted)")
        rotate = sub.add_parser(
            "rotate-client", help="new key version for clients; re-encryption runs in the background"
        )
        rotate.add_argument("client_ids", nargs="*")
        rotate.add_argument("--all", action="store_true")
        sub.add_parser("reencrypt", help="re-encrypt now every client whose key was rotated")
        shred = sub.add_parser("shred", help="destroy one client's key: nothing of the client decrypts afterwards")
        shred.add_argument("client_id")
        shred.add_argument("--confirm", required=True, help="the client id again")
        shred.add_argument("--reason", required=True)
        escrow = sub.add_parser("escrow-open", help="emergency access to one author's notes about one client")
        escrow.add_argument("--author", required=True, help="the author's member id")
        escrow.add_argument("--client", required=True)
        escrow.add_argument("--identity-a", required=True, type=Path, help="first escrow holder's age identity file")
        escrow.add_argument("--identity-b", required=True, type=Path, help="second escrow holder's age identity file")
        escrow.add_argument("--to", required=True, help="age recipient who receives the export")
        escrow.add_argument("--out", required=True, type=Path)
        escrow.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        with request_key_cache():
            getattr(self, "_" + options["action"].replace("-", "_"))(options)

    def _init(self, options: dict[str, Any]) -> None:
        path: Path = options["path"]
        if path.exists():
            raise CommandError(f"{path} exists; refusing to overwrite a master key.")
        MasterKey.load(path, create=True)
        self.stdout.write(f"Wrote a new master key to {path}. Set CONFIDE_MASTER_KEY_FILE={path}.")

    def _rotate_master(self, options: dict[str, Any]) -> None:
        start = time.perf_counter()
        report = master_key_rotate()
        self.stdout.write(
            f"Rewrapped {report.clients} client keys, {report.mfa_secrets} MFA secrets, {report.addresses} sign-in "
            f"addresses, {report.waiting_mail} waiting e-mails and {report.sessions} sessions "
            f"in {time.perf_counter() - start:.1f} s. Back up the new master key file now."
        )

    def _rotate_client(self, options: dict[str, Any]) -> None:
        if options["all"]:
            ids = list(Client.objects.filter(shredded_at=None).values_list("id", flat=True))
        elif options["client_ids"]:
            ids = [_client_id(text) for text in options["client_ids"]]
        else:
            raise CommandError("Name client ids, or pass --all.")
        for client_id in ids:
            client_key_rotate(client_id=client_id)
        self.stdout.write(f"Rotated {len(ids)} client keys; re-encryption is queued (confide db_worker runs it).")

    def _reencrypt(self, options: dict[str, Any]) -> None:
        pending = list(Client.objects.filter(needs_reencryption=True, shredded_at=None).values_list("id", flat=True))
        total = sum(client_reencrypt(client_id=client_id) for client_id in pending)
        self.stdout.write(f"Re-encrypted {total} ciphertexts of {len(pending)} clients.")

    def _escrow_open(self, options: dict[str, Any]) -> None:
        identities = tuple(_identity(options[f"identity_{x}"]) for x in ("a", "b"))
        try:
            count = escrow_export(
                member_id=uuid.UUID(options["author"]),
                client_id=_client_id(options["client"]),
                identities=(identities[0], identities[1]),
                recipient=options["to"],
                out=options["out"],
                reason=options["reason"],
            )
        except (VaultError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Exported {count} notes to {options['out']} (age-encrypted). This access was recorded.")

    def _shred(self, options: dict[str, Any]) -> None:
        client_id = _client_id(options["client_id"])
        if options["confirm"] != str(client_id):
            raise CommandError("--confirm must repeat the client id exactly.")
        if not options["reason"].strip():
            raise CommandError("Give a reason; it is recorded.")
        try:
            client_shred(client_id=client_id, reason=options["reason"])
        except UnderLegalHoldError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Client {client_id} shredded. Backups taken before now still hold its key: see docs/operations.md."
        )
