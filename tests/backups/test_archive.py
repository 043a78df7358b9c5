"""The archive core: what it packs comes back byte for byte, and anything else is refused."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pyrage
import pytest

from confide.backups.archive import ArchiveError, archive_open, archive_write

CREATED = "2026-12-02T12:00:00+00:00"


@pytest.fixture
def identity() -> pyrage.x25519.Identity:
    return pyrage.x25519.Identity.generate()


def _packed(tmp_path: Path, identity: pyrage.x25519.Identity) -> Path:
    (tmp_path / "db").write_bytes(b"database bytes")
    documents = tmp_path / "documents"
    (documents / "ab").mkdir(parents=True)
    (documents / "ab" / "one.bin").write_bytes(b"ciphertext one")
    (documents / "manifest.json").write_bytes(b"a document that happens to have this name")
    output = tmp_path / "out.age"
    (tmp_path / "work").mkdir()
    archive_write(
        database=tmp_path / "db",
        kind="sqlite",
        documents=documents,
        created=CREATED,
        recipients=[str(identity.to_public())],
        output=output,
        work=tmp_path / "work",
    )
    return output


def _open(tmp_path: Path, archive: Path, identity: pyrage.x25519.Identity) -> tuple[object, Path]:
    work = tmp_path / "open"
    work.mkdir(exist_ok=True)
    return archive_open(archive=archive, identities=[str(identity)], work=work)


def _forged(tmp_path: Path, identity: pyrage.x25519.Identity, members: dict[str, bytes], files: dict[str, str]) -> Path:
    buffer = io.BytesIO()
    manifest = {"format": 1, "database": "sqlite", "created": CREATED, "files": files}
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in {"manifest.json": json.dumps(manifest).encode(), **members}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    path = tmp_path / "forged.age"
    path.write_bytes(pyrage.encrypt(buffer.getvalue(), [identity.to_public()]))
    return path


def test_what_is_packed_comes_back_byte_for_byte(tmp_path: Path, identity: pyrage.x25519.Identity) -> None:
    archive = _packed(tmp_path, identity)
    assert b"database bytes" not in archive.read_bytes() and archive.stat().st_mode & 0o777 == 0o600
    manifest, unpacked = _open(tmp_path, archive, identity)
    assert (unpacked / "database").read_bytes() == b"database bytes"
    assert (unpacked / "documents" / "ab" / "one.bin").read_bytes() == b"ciphertext one"
    assert (unpacked / "documents" / "manifest.json").exists()
    assert not (tmp_path / "work" / "backup.tar").exists()  # the unencrypted tar is gone


def test_a_backup_needs_a_recipient_and_a_real_one(tmp_path: Path) -> None:
    (tmp_path / "db").write_bytes(b"x")
    for recipients, message in (([], "at least one age recipient"), (["age1nonsense"], "Not an age recipient")):
        with pytest.raises(ArchiveError, match=message):
            archive_write(
                database=tmp_path / "db",
                kind="sqlite",
                documents=None,
                created=CREATED,
                recipients=recipients,
                output=tmp_path / "out.age",
                work=tmp_path,
            )
        assert not (tmp_path / "out.age").exists()


def test_another_identity_opens_nothing(tmp_path: Path, identity: pyrage.x25519.Identity) -> None:
    archive = _packed(tmp_path, identity)
    with pytest.raises(ArchiveError, match="This identity does not open the backup"):
        _open(tmp_path, archive, pyrage.x25519.Identity.generate())


def test_a_member_that_climbs_out_of_the_folder_is_refused(tmp_path: Path, identity: pyrage.x25519.Identity) -> None:
    forged = _forged(tmp_path, identity, {"database": b"d", "../escaped": b"e"}, {"database": "0"})
    with pytest.raises(ArchiveError, match="names a path outside itself"):
        _open(tmp_path, forged, identity)
    assert not (tmp_path / "open" / "escaped").exists() and not (tmp_path / "escaped").exists()


def test_an_absolute_member_is_refused(tmp_path: Path, identity: pyrage.x25519.Identity) -> None:
    forged = _forged(tmp_path, identity, {"/var/confide-absolute": b"e"}, {})
    with pytest.raises(ArchiveError, match="names a path outside itself"):
        _open(tmp_path, forged, identity)


def test_an_altered_file_is_refused(tmp_path: Path, identity: pyrage.x25519.Identity) -> None:
    forged = _forged(tmp_path, identity, {"database": b"changed"}, {"database": "00" * 32})
    with pytest.raises(ArchiveError, match="'database' does not match its manifest"):
        _open(tmp_path, forged, identity)


def test_a_file_the_manifest_does_not_name_is_refused(tmp_path: Path, identity: pyrage.x25519.Identity) -> None:
    import hashlib

    files = {"database": hashlib.sha256(b"d").hexdigest()}
    forged = _forged(tmp_path, identity, {"database": b"d", "documents/extra": b"x"}, files)
    with pytest.raises(ArchiveError, match="files do not match its manifest"):
        _open(tmp_path, forged, identity)


def test_an_archive_without_a_database_is_refused(tmp_path: Path, identity: pyrage.x25519.Identity) -> None:
    forged = _forged(tmp_path, identity, {}, {})
    with pytest.raises(ArchiveError, match="files do not match its manifest"):
        _open(tmp_path, forged, identity)
