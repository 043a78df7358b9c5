"""The endpoints of sharing a thread's earlier messages (sharing.py): who could be given them, the keys a
browser re-seals, and the shares it signed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from confide.messaging.http import USE, WEB, b64, body_of, json_problems, unb64
from confide.messaging.selectors import thread_for_member
from confide.messaging.services import MessagingError
from confide.messaging.sharing import history_share, shareable, unshared
from confide.practices.decorators import member_required
from confide.practices.models import Member


@json_problems
@require_GET
@member_required(*USE)
def unshared_json(request: HttpRequest, member: Member, client_id: str) -> JsonResponse:
    """Per person in the thread now (by key id), how many earlier messages the member could share."""
    return JsonResponse({"unshared": unshared(member=member, client_id=client_id)})


@json_problems
@require_GET
@member_required(*USE)
def shareable_json(request: HttpRequest, member: Member, client_id: str, target: str) -> JsonResponse:
    rows = shareable(member=member, client_id=client_id, target=target, channel=WEB)
    return JsonResponse(
        {
            "messages": [
                {"id": str(r.id), "context": b64(r.context), "commitment": b64(r.commitment), "key": b64(r.sealed)}
                for r in rows
            ]
        }
    )


@json_problems
@require_POST
@member_required(*USE)
def share_view(request: HttpRequest, member: Member, client_id: str, target: str) -> HttpResponse:
    thread_for_member(member=member, client_id=client_id)  # 404 first: nothing is parsed for an outsider
    shares = body_of(request).get("shares")
    if not isinstance(shares, dict) or not all(isinstance(v, dict) for v in shares.values()):
        raise MessagingError("That is not a sealed upload.")
    parsed = {str(k): (unb64(v.get("sealed")), unb64(v.get("signature"))) for k, v in shares.items()}
    kept = history_share(member=member, client_id=client_id, target=target, shares=parsed, channel=WEB)
    return JsonResponse({"shared": kept}, status=201)
