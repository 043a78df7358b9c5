"""/api/v1/clients/{id}/disclosures: the accounting of disclosures as FHIR R5 AuditEvents (read-only).

There is deliberately no route to change or delete an entry: the API answers 405 to any such attempt.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Router

from confide.api.auth import member_with_scope
from confide.api.problems import responses
from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.clients.selectors import client_get_for_member
from confide.disclosures.fhir import audit_event_resource
from confide.disclosures.models import AccountingEntry
from confide.practices.permissions import Permission

router = Router(tags=["disclosures"])


@router.get("/clients/{client_id}/disclosures", response=list[dict[str, Any]], openapi_extra=responses(403, 404))
def disclosures_list(request: HttpRequest, client_id: str) -> list[dict[str, Any]]:
    member = member_with_scope(request, Permission.CLIENTS_CLIENT_READ)
    client, _ = client_get_for_member(member=member, client_id=client_id, channel=Channel.API)
    entries = AccountingEntry.objects.filter(practice_id=client.practice_id, client=client).select_related(
        "client", "practice"
    )
    with transaction.atomic():
        event_record(
            actor=member,
            action=AuditAction.ACCOUNTING_READ,
            channel=Channel.API,
            client_id=client.id,
            object_type="accounting",
        )
    return [audit_event_resource(e) for e in entries.order_by("-disclosed_at")]
