"""Which of a client's seals are lifted: decided by the lifting events alone (confide.audit.seals)."""

from __future__ import annotations

import uuid

from confide.audit.actions import AuditAction
from confide.audit.commitment import commitment
from confide.audit.models import AuditEvent
from confide.audit.tags import tag_key, tag_valid


def seals_lifted(*, practice_id: uuid.UUID, client_id: uuid.UUID) -> dict[str, int]:
    """The client's lifted seals and, for each, the visible event that lifted it: only lifting events that
    Confide recorded (salt, commitment and master-key tag check), never the lift rows, so a row deleted or
    written by hand changes nothing. Both the history and the accounting decide by this."""
    lifts = AuditEvent.objects.filter(practice_id=practice_id, client_id=client_id, action=AuditAction.SEAL_LIFT)
    key, found = tag_key(practice_id), dict[str, int]()
    for event in lifts.order_by("id"):
        salt = event.salt
        fields_ok = salt is not None and commitment(bytes(salt), event.canonical_fields()) == bytes(event.commitment)
        if fields_ok and tag_valid(key, bytes(event.commitment), bytes(event.tag)):
            found.setdefault(event.object_id, event.id)
    return found
