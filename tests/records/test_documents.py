"""Encrypted documents: streamed through Tink, limited in size and type, names encrypted."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from pytest_django.fixtures import Settings

from confide.records.models import Document
from tests.cast import Cast

PDF = b"%PDF-1.7\n" + b"canary-pdf-body " * 200_000  # about 3 MB: several streaming segments


def _clinician(cast: Cast) -> HttpClient:
    http = HttpClient()
    http.force_login(cast.clinician.user)
    return http


def test_a_document_round_trips_and_is_encrypted_on_disk(cast: Cast) -> None:
    http = _clinician(cast)
    response = http.post(f"/clients/{cast.client.id}/documents/new/", {"file": SimpleUploadedFile("scan.pdf", PDF)})
    assert response.status_code == 302
    doc = Document.objects.exclude(pk=cast.document.pk).get()
    stored = (Path(settings.CONFIDE_DOCUMENTS_DIR) / str(doc.practice_id) / f"{doc.id}.bin").read_bytes()
    assert b"canary-pdf-body" not in stored and b"scan.pdf" not in bytes(doc.meta_ct)
    download = http.get(f"/clients/{cast.client.id}/documents/{doc.id}/")
    assert download["Content-Type"] == "application/pdf"
    assert "scan.pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "The submitted file is empty."),
        ("program.exe", b"MZ\x90\x00\x03\x00\x00\x00", "Upload a PDF, PNG, JPEG or plain-text file."),
        ("binary.bin", bytes(range(256)), "Upload a PDF, PNG, JPEG or plain-text file."),
    ],
)
def test_bad_files_are_refused_with_a_clear_error(cast: Cast, name: str, content: bytes, message: str) -> None:
    response = _clinician(cast).post(
        f"/clients/{cast.client.id}/documents/new/", {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Document.objects.count() == 1


def test_a_file_over_the_limit_is_refused(cast: Cast, settings: Settings) -> None:
    settings.CONFIDE_DOCUMENT_MAX_BYTES = 1024
    response = _clinician(cast).post(
        f"/clients/{cast.client.id}/documents/new/", {"file": SimpleUploadedFile("big.txt", b"a" * 2048)}
    )
    assert response.status_code == 422
    assert "Files can be at most 1.0\xa0KB." in response.content.decode()
    assert Document.objects.count() == 1


def test_another_clients_document_id_is_not_found(cast: Cast) -> None:
    response = _clinician(cast).get(f"/clients/{cast.client.id}/documents/{cast.outsider_client.id}/")
    assert response.status_code == 404
