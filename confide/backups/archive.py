"""The backup archive, a pure core (no Django): a tar of named files and a manifest of their hashes,
encrypted to age recipients, and the checked way back out of it.

Layout inside the tar: ``manifest.json`` first, then ``database`` (a SQLite file or a pg_dump archive)
and ``documents/...`` (the document store, whose files are already encrypted per client). The manifest
names the database kind and every file's SHA-256; opening checks each member against it and refuses
any member that would land outside the folder it is unpacked into.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pyrage

FORMAT = 1


class ArchiveError(Exception):
    """The archive cannot be opened or is not what it says; nothing was restored."""


@dataclass(frozen=True)
class Manifest:
    database: str  # "sqlite" or "postgresql"
    created: str  # ISO 8601, UTC
    files: dict[str, str]  # archive name -> SHA-256 hex

    def encoded(self) -> bytes:
        body = {"format": FORMAT, "database": self.database, "created": self.created, "files": self.files}
        return json.dumps(body, indent=2, sort_keys=True).encode()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _members(database: Path, documents: Path | None) -> Iterator[tuple[str, Path]]:
    yield "database", database
    if documents is not None and documents.is_dir():
        for path in sorted(p for p in documents.rglob("*") if p.is_file() and not p.is_symlink()):
            yield f"documents/{path.relative_to(documents).as_posix()}", path


def archive_write(
    *, database: Path, kind: str, documents: Path | None, created: str, recipients: list[str], output: Path, work: Path
) -> Manifest:
    """Pack ``database`` and ``documents`` into ``output``, encrypted to every age recipient."""
    if not recipients:
        raise ArchiveError("A backup needs at least one age recipient (CONFIDE_BACKUP_RECIPIENTS or --recipient).")
    try:
        keys = [pyrage.x25519.Recipient.from_str(r) for r in recipients]
    except pyrage.RecipientError as exc:
        raise ArchiveError(f"Not an age recipient: {exc}") from None
    members = list(_members(database, documents))
    manifest = Manifest(database=kind, created=created, files={name: _sha256(path) for name, path in members})
    plain = work / "backup.tar"
    (work / "manifest.json").write_bytes(manifest.encoded())
    with tarfile.open(plain, "w") as tar:
        tar.add(work / "manifest.json", arcname="manifest.json")
        for name, path in members:
            tar.add(path, arcname=name, recursive=False)
    partial = output.with_name(output.name + ".partial")
    pyrage.encrypt_file(str(plain), str(partial), keys)
    partial.chmod(0o600)
    partial.replace(output)
    plain.unlink()
    return manifest


def _safe(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ArchiveError(f"The archive names a path outside itself: {name!r}.")
    return path


def archive_open(*, archive: Path, identities: list[str], work: Path) -> tuple[Manifest, Path]:
    """Decrypt and unpack ``archive`` into ``work``; returns the manifest and the unpacked folder.
    Every file is checked against the manifest: a missing, extra or altered file refuses the archive."""
    try:
        keys = [pyrage.x25519.Identity.from_str(i) for i in identities]
    except pyrage.IdentityError as exc:
        raise ArchiveError(f"Not an age identity: {exc}") from None
    plain = work / "backup.tar"
    try:
        pyrage.decrypt_file(str(archive), str(plain), keys)
    except pyrage.DecryptError:
        raise ArchiveError("This identity does not open the backup, or the file is not a Confide backup.") from None
    unpacked = work / "unpacked"
    unpacked.mkdir()
    try:
        with tarfile.open(plain, "r") as tar:
            for member in tar.getmembers():
                if not member.isfile():
                    raise ArchiveError(f"The archive holds something other than a file: {member.name!r}.")
                target = unpacked / _safe(member.name)
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None  # a regular file always has content
                with source, target.open("wb") as out:
                    shutil.copyfileobj(source, out)
    except tarfile.TarError as exc:
        raise ArchiveError(f"The archive is damaged: {exc}") from None
    finally:
        plain.unlink(missing_ok=True)
    return _manifest_check(unpacked), unpacked


def _manifest_check(unpacked: Path) -> Manifest:
    try:
        body = json.loads((unpacked / "manifest.json").read_text())
        manifest = Manifest(database=body["database"], created=body["created"], files=dict(body["files"]))
        known = body["format"] == FORMAT
    except (OSError, ValueError, KeyError, TypeError):
        raise ArchiveError("The archive has no readable manifest.") from None
    if not known:
        raise ArchiveError(f"This backup's format ({body['format']}) is not one this version of Confide reads.")
    found = {p.relative_to(unpacked).as_posix(): p for p in unpacked.rglob("*") if p.is_file()}
    found.pop("manifest.json")
    if set(found) != set(manifest.files) or "database" not in found:
        raise ArchiveError("The archive's files do not match its manifest.")
    for name, path in found.items():
        if _sha256(path) != manifest.files[name]:
            raise ArchiveError(f"The archive's file {name!r} does not match its manifest.")
    return manifest
