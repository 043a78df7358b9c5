"""The payload inside an envelope and the sealed files it names (payload.py, envelope.js's twin)."""

from __future__ import annotations

import dataclasses

import pytest

from confide.messaging.payload import File, Payload, PayloadError, open_file, seal_file


def _file(data: bytes, file_id: str = "0b6f8c52-3a0e-4c35-9a54-1f4b6f1d8e21") -> tuple[File, bytes]:
    sealed = seal_file(data, file_id)
    return File(file_id, "worksheet.pdf", "application/pdf", len(data), sealed.key, sealed.sha256), sealed.blob


def test_a_payload_reads_back_as_written_with_its_files_and_signed_time() -> None:
    file, _ = _file(b"%PDF-1.7 thought record")
    payload = Payload("message", "Here is the worksheet — ünïcode too.", (file,))
    assert Payload.parse(payload.to_bytes(), "message") == payload
    assert payload.sent.endswith("Z") and payload.sent_at.tzinfo is not None


def test_a_journal_entry_is_not_a_message_nor_the_other_way_round() -> None:
    entry = Payload("journal", "only for me").to_bytes()
    with pytest.raises(PayloadError, match="not a message"):
        Payload.parse(entry, "message")
    with pytest.raises(PayloadError, match="not a journal"):
        Payload.parse(Payload("message", "to the team").to_bytes(), "journal")


@pytest.mark.parametrize(
    "raw",
    [
        b"plain text, not JSON",
        b'{"kind": "message", "text": 5, "files": []}',
        b'{"kind": "message", "text": "x"}',
        b'{"kind": "message", "text": "x", "files": {}}',
        b'{"kind": "message", "text": "x", "files": [{"id": "a"}]}',
        b'{"kind": "message", "text": "x", "files": [{"id": "a", "name": "n", "type": "t", "size": 1, '
        b'"key": "AAAA", "sha256": "not-a-digest"}]}',
        b"\xff\xfe",
        b'{"kind": "message", "text": "x", "files": []}',  # no time
        b'{"kind": "message", "text": "x", "files": [], "sent": "yesterday"}',
        b'{"kind": "message", "text": "\\ud800", "files": [], "sent": "2026-12-04T05:00:00.000Z"}',  # lone surrogate
        b'{"kind": "message", "text": "x", "sent": "2026-12-04T05:00:00.000Z", "files": '
        b'[{"id": "../../x/messages.json?", "name": "n", "type": "t", "size": 1, "key": "AAAA", '
        b'"sha256": "' + b"0" * 64 + b'"}]}',
    ],
)
def test_anything_else_is_refused(raw: bytes) -> None:
    with pytest.raises(PayloadError):
        Payload.parse(raw, "message")


def test_a_sealed_file_opens_with_its_key_and_hash() -> None:
    file, blob = _file(b"%PDF-1.7 thought record")
    assert open_file(blob, file) == b"%PDF-1.7 thought record"
    assert b"thought record" not in blob and len(blob) == 12 + len(b"%PDF-1.7 thought record") + 16


def test_a_file_altered_or_moved_to_another_id_does_not_open() -> None:
    file, blob = _file(b"the real file")
    altered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(PayloadError, match="altered"):
        open_file(altered, file)
    other = dataclasses.replace(file, id="4b1bd2a6-7b8e-4df1-9d7e-3d0a4f0a9c11")  # hash kept, id changed
    with pytest.raises(PayloadError, match="does not open"):
        open_file(blob, other)
    wrong_key = dataclasses.replace(file, key=bytes(32))
    with pytest.raises(PayloadError, match="does not open"):
        open_file(blob, wrong_key)


@pytest.mark.parametrize(
    "sent", ["2026-13-45T99:99:99Z", "2026-02-30T10:00:00Z", "0001-01-01T00:00:00Z", "1999-12-31T23:59:59Z"]
)
def test_a_signed_time_that_is_no_date_or_off_the_calendar_is_refused(sent: str) -> None:
    with pytest.raises(PayloadError, match="^not a message$"):
        Payload.parse(Payload("message", "hello", sent=sent).to_bytes(), "message")
    assert (
        Payload.parse(Payload("message", "hello", sent="2026-02-28T10:00:00Z").to_bytes(), "message").sent_at.day == 28
    )


@pytest.mark.parametrize("files", [b"{}", b'""', b'{"0b6f8c52-3a0e-4c35-9a54-1f4b6f1d8e21": 1}'])
def test_files_that_are_not_a_list_are_refused_even_when_all_else_is_right(files: bytes) -> None:
    raw = b'{"kind": "message", "text": "x", "files": ' + files + b', "sent": "2026-12-04T05:00:00.000Z"}'
    with pytest.raises(PayloadError, match="^not a message$"):
        Payload.parse(raw, "message")


def test_a_payload_is_written_as_envelope_js_writes_it_in_utf_8_not_escaped() -> None:
    payload = Payload("journal", "Café — 🙂", sent="2026-12-04T05:00:00.000Z")
    assert payload.to_bytes() == (
        '{"kind":"journal","text":"Café — 🙂","files":[],"sent":"2026-12-04T05:00:00.000Z"}'.encode()
    )
