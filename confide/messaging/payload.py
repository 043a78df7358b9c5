"""What an envelope's body holds (decision 19), as envelope.js writes it: UTF-8 JSON ``{kind, text, files,
sent}``, ``kind`` "message" in a thread and "journal" in the journal, so that neither can be shown as the
other, and ``sent`` the writer's own clock (ISO 8601 in UTC), signed with the words; and
the attachments, each sealed on its own under a fresh AES-256-GCM key bound to its id, the key and the
SHA-256 of the sealed file carried in the signed payload. The server never opens either: this is for the
tests and for clients that are not browsers.

No Django import: a pure core.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ATTACHMENT = "confide attachment v1\n"
KINDS = ("message", "journal")
NONCE = 12
SHA256 = re.compile(r"[0-9a-f]{64}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")  # a file id goes into a URL
TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z")


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class PayloadError(ValueError):
    """Not a payload of the kind expected, or a file that does not open."""


@dataclass(frozen=True)
class File:
    id: str
    name: str
    type: str
    size: int
    key: bytes
    sha256: str


@dataclass(frozen=True)
class Payload:
    kind: str
    text: str
    files: tuple[File, ...] = field(default=())
    sent: str = field(default_factory=now)

    @property
    def sent_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.sent)

    def to_bytes(self) -> bytes:
        files = [
            {"id": f.id, "name": f.name, "type": f.type, "size": f.size, "key": base64.b64encode(f.key).decode(),
             "sha256": f.sha256}
            for f in self.files
        ]  # fmt: skip
        data = {"kind": self.kind, "text": self.text, "files": files, "sent": self.sent}
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def parse(cls, raw: bytes, kind: str) -> Payload:
        try:
            data = json.loads(raw.decode("utf-8"))
            text, sent = data["text"], data["sent"]
            if data["kind"] != kind or not isinstance(text, str) or not isinstance(data["files"], list):
                raise TypeError
            if not isinstance(sent, str) or not TIME.fullmatch(sent):
                raise ValueError("not a time")
            if not 2000 <= dt.datetime.fromisoformat(sent).year <= 9998:  # a real date (month 13 is not), that
                raise ValueError("not a time")  # any time zone can show without running off the calendar
            text.encode("utf-8")  # a lone surrogate, which JSON can spell, is no text
            files = tuple(
                File(_match(UUID, f["id"]), str(f["name"]), str(f["type"]), int(f["size"]), base64.b64decode(f["key"]),
                     _match(SHA256, f["sha256"]))
                for f in data["files"]
            )  # fmt: skip
        except (KeyError, TypeError, ValueError) as error:
            raise PayloadError(f"not a {kind}") from error
        return cls(kind, text, files, sent)


def _match(pattern: re.Pattern[str], value: object) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise ValueError("not the form expected")
    return value


@dataclass(frozen=True)
class SealedFile:
    key: bytes
    blob: bytes  # nonce ‖ AES-256-GCM ciphertext: what the server stores
    sha256: str


def seal_file(data: bytes, file_id: str) -> SealedFile:
    key, nonce = AESGCM.generate_key(bit_length=256), os.urandom(NONCE)
    blob = nonce + AESGCM(key).encrypt(nonce, data, (ATTACHMENT + file_id).encode())
    return SealedFile(key, blob, hashlib.sha256(blob).hexdigest())


def open_file(blob: bytes, file: File) -> bytes:
    if hashlib.sha256(blob).hexdigest() != file.sha256:
        raise PayloadError("the file was altered")
    try:
        return AESGCM(file.key).decrypt(blob[:NONCE], blob[NONCE:], (ATTACHMENT + file.id).encode())
    except (InvalidTag, ValueError) as error:
        raise PayloadError("the file does not open") from error
