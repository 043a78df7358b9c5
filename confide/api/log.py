"""/api/v1/log: the practice's signed checkpoint and proofs, for members' integrations.

The checkpoint is for every token holder; an inclusion proof for an entry needs either the
owner's audit right or the entry to be the caller's own action; consistency proofs reveal
only hashes and are available to every token holder.
"""

from __future__ import annotations

import base64
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from confide.api.auth import member_with_scope
from confide.api.problems import responses
from confide.audit.log import checkpoint_latest, consistency_proof, inclusion_proof, verifier_key
from confide.audit.models import AuditEvent, LogLeaf
from confide.practices.permissions import Permission

router = Router(tags=["transparency log"])


class CheckpointOut(Schema):
    note: str
    verifier_key: str
    size: int
    root: str


class ProofOut(Schema):
    size: int
    proof: list[str]


def _b64(values: list[bytes]) -> list[str]:
    return [base64.b64encode(v).decode() for v in values]


def _latest_size(practice_id: object) -> int:
    checkpoint = checkpoint_latest(practice_id=practice_id)  # type: ignore[arg-type]
    if checkpoint is None:
        raise HttpError(404, "The log has no checkpoint yet.")
    return checkpoint.size


@router.get("/log/checkpoint", response=CheckpointOut, openapi_extra=responses(403, 404))
def log_checkpoint(request: HttpRequest) -> CheckpointOut:
    member = member_with_scope(request, Permission.CLIENTS_CLIENT_READ)
    checkpoint = checkpoint_latest(practice_id=member.practice_id)
    if checkpoint is None:
        raise HttpError(404, "The log has no checkpoint yet.")
    return CheckpointOut(
        note=checkpoint.note,
        verifier_key=verifier_key(member.practice),
        size=checkpoint.size,
        root=base64.b64encode(bytes(checkpoint.root)).decode(),
    )


@router.get("/log/proof/inclusion", response=ProofOut, openapi_extra=responses(403, 404, 422))
def log_inclusion(request: HttpRequest, index: Annotated[int, Query(ge=0)]) -> ProofOut:
    member = member_with_scope(request, Permission.CLIENTS_CLIENT_READ)
    size = _latest_size(member.practice_id)
    leaf = LogLeaf.objects.filter(practice_id=member.practice_id, index=index, index__lt=size).first()
    if leaf is None:
        raise HttpError(404, "No such entry in the signed log.")
    own = AuditEvent.objects.filter(pk=leaf.event_id, actor=member).exists()
    if not own and not member.has(Permission.PRACTICE_AUDIT_READ):
        raise HttpError(404, "No such entry in the signed log.")
    return ProofOut(size=size, proof=_b64(inclusion_proof(member.practice_id, index, size)))


@router.get("/log/proof/consistency", response=ProofOut, openapi_extra=responses(403, 404, 422))
def log_consistency(request: HttpRequest, old: Annotated[int, Query(ge=1)]) -> ProofOut:
    member = member_with_scope(request, Permission.CLIENTS_CLIENT_READ)
    size = _latest_size(member.practice_id)
    if old > size:
        # A well-formed request for a size the log has not reached (yet): nothing to prove, like an index past it.
        raise HttpError(404, f"The signed log has {size} entries; no checkpoint of {old} to prove from.")
    return ProofOut(size=size, proof=_b64(consistency_proof(member.practice_id, old, size)))
