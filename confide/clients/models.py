"""The client record. Every PHI column is ciphertext under the client's own data key.

The wrapped data key lives beside the row; the master key that unwraps it never
enters the database. Associated data binds each ciphertext to practice, table,
column, row and client (see ``confide.vault.sealing.field_ad``).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from confide.vault.keyring import DataKey
from confide.vault.sealing import field_ad, unwrap_key

TABLE = "clients_client"
ENCRYPTED_COLUMNS = ("name", "email", "phone", "number", "dob", "diagnoses")
INDEXED_COLUMNS = ("email", "phone", "number")


class Client(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        DISCHARGED = "discharged", "Discharged"
        SHREDDED = "shredded", "Shredded"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="clients")
    wrapped_key = models.BinaryField()
    name_ct = models.BinaryField()
    name_dir_ct = models.BinaryField(null=True)  # the name under the practice directory key (search)
    email_ct = models.BinaryField(null=True)
    email_bidx = models.BinaryField(max_length=16, null=True)
    phone_ct = models.BinaryField(null=True)
    phone_bidx = models.BinaryField(max_length=16, null=True)
    number_ct = models.BinaryField(null=True)  # the practice's client number, e.g. C-00042
    number_bidx = models.BinaryField(max_length=16, null=True)
    dob_ct = models.BinaryField(null=True)
    diagnoses_ct = models.BinaryField(null=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    # Where the client lives (a rule-pack id such as us-tx): its law layers on the practice's.
    # A state or country is not an identifier under HIPAA's safe harbour, so it is stored plain.
    jurisdiction = models.CharField(max_length=16, blank=True)
    portal_member = models.OneToOneField(
        "practices.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="client_record"
    )
    created_by = models.ForeignKey("practices.Member", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    shredded_at = models.DateTimeField(null=True)
    needs_reencryption = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["practice", "email_bidx"], name="client_email_bidx"),
            models.Index(fields=["practice", "phone_bidx"], name="client_phone_bidx"),
            models.Index(fields=["practice", "number_bidx"], name="client_number_bidx"),
        ]

    def __str__(self) -> str:
        return f"client {self.pk}"  # never the name: str() reaches logs and error pages

    def data_key(self) -> DataKey:
        return unwrap_key(wrapped=bytes(self.wrapped_key), practice_id=self.practice_id, client_id=self.id)

    def _ad(self, column: str) -> bytes:
        return field_ad(practice_id=self.practice_id, table=TABLE, column=column, row_id=self.id, client_id=self.id)

    def seal(self, column: str, value: str, *, key: DataKey | None = None) -> bytes:
        return (key or self.data_key()).encrypt(value.encode(), associated_data=self._ad(column))

    def open(self, column: str, *, key: DataKey | None = None) -> str:
        ciphertext = getattr(self, f"{column}_ct")
        if ciphertext is None:
            return ""
        return (key or self.data_key()).decrypt(bytes(ciphertext), associated_data=self._ad(column)).decode()
