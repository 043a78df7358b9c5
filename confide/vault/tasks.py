"""Background jobs of the vault (run by `confide db_worker`)."""

from __future__ import annotations

import uuid

from django.tasks import task

from confide.vault.sealing import request_key_cache


@task()
def client_reencrypt_task(client_id: str) -> int:
    from confide.vault.operations import client_reencrypt

    with request_key_cache():
        return client_reencrypt(client_id=uuid.UUID(client_id))
