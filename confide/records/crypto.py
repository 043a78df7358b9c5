"""Associated data for records ciphertexts: each binds practice, table, column, row and client."""

from __future__ import annotations

import uuid

from confide.vault.sealing import field_ad


def progress_note_ad(*, practice_id: uuid.UUID, note_id: uuid.UUID, client_id: uuid.UUID) -> bytes:
    return field_ad(
        practice_id=practice_id, table="records_progressnote", column="body", row_id=note_id, client_id=client_id
    )


def document_ad(*, practice_id: uuid.UUID, document_id: uuid.UUID, client_id: uuid.UUID, column: str) -> bytes:
    return field_ad(
        practice_id=practice_id, table="records_document", column=column, row_id=document_id, client_id=client_id
    )


def private_note_context(
    *, practice_id: uuid.UUID, note_id: uuid.UUID, author_id: uuid.UUID, client_id: uuid.UUID
) -> bytes:
    return f"confide:v1:psychotherapy-note|{practice_id}|{note_id}|{author_id}|{client_id}".encode()


def author_wrap_ad(*, practice_id: uuid.UUID, key_id: uuid.UUID, member_id: uuid.UUID, kind: str) -> bytes:
    return f"confide:v1:author-key|{practice_id}|{key_id}|{member_id}|{kind}".encode()
