"""An abstract row bound to one client whose ``<column>_ct`` fields are sealed under that client's key."""

from __future__ import annotations

import uuid

from django.db import models

from confide.vault.keyring import DataKey
from confide.vault.sealing import field_ad


class SealedRow(models.Model):
    """Associated data binds each ciphertext to practice, table, column, row and client."""

    SEALED: tuple[str, ...] = ()

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    def _ad(self, column: str) -> bytes:
        return field_ad(
            practice_id=self.practice_id,
            table=self._meta.db_table,
            column=column,
            row_id=self.id,
            client_id=self.client_id,
        )

    def seal(self, column: str, value: str, *, key: DataKey) -> None:
        setattr(self, f"{column}_ct", key.encrypt(value.encode(), associated_data=self._ad(column)))

    def open(self, column: str, *, key: DataKey) -> str:
        ciphertext = getattr(self, f"{column}_ct")
        if ciphertext is None:
            return ""
        return key.decrypt(bytes(ciphertext), associated_data=self._ad(column)).decode()

    def reseal(self, *, key: DataKey) -> None:
        """Re-encrypt every sealed column under the key's primary (client-key rotation)."""
        for column in self.SEALED:
            if getattr(self, f"{column}_ct") is not None:
                self.seal(column, self.open(column, key=key), key=key)
