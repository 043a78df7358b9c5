"""``confide-witness``: run a witness on a machine of its own (pure: no Django, no database).

    confide-witness init FOLDER --name witness.example/w1   # a new key; prints the witness's verifier key
    confide-witness trust FOLDER '<the log's verifier key>'  # confide audit --practice SLUG checkpoint --verifier-key
    confide-witness show FOLDER                              # its key, the logs it trusts, what it cosigned
    confide-witness serve FOLDER --host 127.0.0.1 --port 8100
    confide-witness forget FOLDER ORIGIN --why '…'           # after the practice restored a backup

Serves ``POST /add-checkpoint`` (C2SP tlog-witness) and, at ``GET /``, its verifier key. Bodies over 16 KiB
are refused by waitress before they are stored; put TLS (e.g. nginx) in front of the loopback port.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from confide.audit import note
from confide.witness.cosign import Cosigner
from confide.witness.witness import Reply, Witness

MAX_REQUEST = 16 * 1024  # an old size, 63 hashes and a checkpoint with a few extension lines fit easily
REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed"}
REASONS |= {409: "Conflict", 413: "Content Too Large", 422: "Unprocessable Content"}

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def load(folder: Path) -> Witness:
    """The witness kept in ``folder``: its name, key and the log keys it trusts."""
    key = serialization.load_pem_private_key((folder / "witness.key").read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SystemExit(f"{folder / 'witness.key'} is not an Ed25519 key")
    logs: dict[str, list[str]] = {}
    trusted = folder / "logs"
    for line in trusted.read_text().splitlines() if trusted.exists() else []:
        if line.strip():
            logs.setdefault(note.parse_verifier_key(line.strip())[0], []).append(line.strip())
    return Witness(name=(folder / "name").read_text().strip(), key=key, logs=logs, folder=folder)


def application(witness: Witness) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/" and method in ("GET", "HEAD"):
            reply = Reply(200, Cosigner(witness.name, witness.key.public_key()).verifier_key() + "\n")
        elif path != "/add-checkpoint":
            reply = Reply(404, "not found\n")
        elif method != "POST":
            reply = Reply(405, "POST a checkpoint here\n")
        else:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if length > MAX_REQUEST:
                reply = Reply(413, "too large for a checkpoint\n")
            else:
                reply = witness.add_checkpoint(environ["wsgi.input"].read(length))
        data = reply.body.encode()
        headers = [("Content-Type", reply.content_type), ("Content-Length", str(len(data)))]
        start_response(f"{reply.status} {REASONS[reply.status]}", headers)
        return [data]

    return app


def _init(folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "witness.key").exists():
        raise SystemExit(f"{folder} already holds a witness key")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    descriptor = os.open(folder / "witness.key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    (folder / "name").write_text(name + "\n")
    print(Cosigner(name, key.public_key()).verifier_key())


def _trust(folder: Path, vkey: str) -> None:
    try:
        origin = note.parse_verifier_key(vkey.strip())[0]
    except ValueError as error:
        raise SystemExit(f"not a log's verifier key: {error}") from None
    with (folder / "logs").open("a") as handle:
        handle.write(vkey.strip() + "\n")
    print(f"trusting {origin}")


def _show(folder: Path) -> None:
    witness = load(folder)
    print(Cosigner(witness.name, witness.key.public_key()).verifier_key())
    for origin in sorted(witness.logs):
        print(f"{origin}: cosigned up to size {witness.latest(origin)[0]}")


def main(argv: list[str] | None = None) -> None:
    os.umask(0o077)
    parser = argparse.ArgumentParser(prog="confide-witness", description="An independent witness for Confide logs")
    commands = parser.add_subparsers(dest="command", required=True)
    helps = {
        "init": "make a new witness key in FOLDER",
        "trust": "trust a practice's log (its verifier key)",
        "show": "the witness's key and what it cosigned",
        "serve": "answer add-checkpoint requests",
        "forget": "start a log afresh after its practice restored a backup (the old state is kept as evidence)",
    }
    sub = {name: commands.add_parser(name, help=text) for name, text in helps.items()}
    for command in sub.values():
        command.add_argument("folder", type=Path)
    sub["init"].add_argument("--name", required=True, help="the witness's name, e.g. witness.example/w1")
    sub["trust"].add_argument("vkey")
    sub["serve"].add_argument("--host", default="127.0.0.1")
    sub["serve"].add_argument("--port", type=int, default=8100)
    sub["forget"].add_argument("origin")
    sub["forget"].add_argument("--why", required=True, help="what the practice said, kept with the evidence")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "init":
        _init(args.folder, args.name)
    elif args.command == "trust":
        _trust(args.folder, args.vkey)
    elif args.command == "show":
        _show(args.folder)
    elif args.command == "forget":
        if not load(args.folder).forget(args.origin, why=args.why):
            raise SystemExit(f"this witness holds nothing for {args.origin}")
        print(f"forgot {args.origin}; the checkpoint it had cosigned is kept in {args.folder / 'evidence'}")
    else:
        import waitress

        waitress.serve(
            application(load(args.folder)),
            host=args.host,
            port=args.port,
            threads=4,
            max_request_body_size=MAX_REQUEST,  # refused while reading, not after spooling a gigabyte to disk
            max_request_header_size=8192,
            connection_limit=50,
            channel_timeout=30,
        )


if __name__ == "__main__":
    main()
