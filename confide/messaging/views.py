"""The thread page and the JSON endpoints its script (static/confide/messages.js) talks to: who a thread's
messages are sealed to, sending, the messages newer than the page has, and sealed files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from confide.api.problems import problem
from confide.audit.log import verifier_key
from confide.messaging import attachments
from confide.messaging.filing import message_file, message_for_filing
from confide.messaging.http import USE, WEB, b64, body_of, json_problems, unb64
from confide.messaging.keylog import keys_logged
from confide.messaging.selectors import recipients_recorded, thread_for_member, thread_read
from confide.messaging.services import envelope_from, files_from, message_send
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission
from confide.rulepacks.selectors import crisis_for_client

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # the oldest ?after= a page can have been given


def _name(member: Member) -> str:
    """How the thread names a person: a member by name, the client as the client (their name is in their
    record, read only through its own audited funnel)."""
    return "the client" if member.role == "client" else str(member.user)


@require_GET
@member_required(*USE)
def thread_page(request: HttpRequest, member: Member, client_id: str) -> HttpResponse:
    client = thread_for_member(member=member, client_id=client_id)
    context = {
        "client_id": client.id,
        "is_client": member.role == "client",
        "file_max": attachments.FILE_MAX,
        "file_mb": attachments.FILE_MAX // (1024 * 1024),
        "files_max": attachments.PER_MESSAGE,
        "crisis": crisis_for_client(client),
        "can_file": member.role != "client" and member.has(Permission.RECORDS_DOCUMENT_WRITE),
        "log_key": verifier_key(member.practice),  # in the page: the answer checked against it does not name it
    }
    return render(request, "messaging/thread.html", context)


@json_problems
@require_GET
@member_required(*USE)
def recipients_json(request: HttpRequest, member: Member, client_id: str) -> JsonResponse:
    client = thread_for_member(member=member, client_id=client_id)
    boxes = recipients_recorded(client=client, actor=member, channel=WEB)
    people = [
        {
            "id": b.key_id,
            "receive": b64(b.receive),
            "verify": b64(b.verify),
            "name": _name(b.member),
            "member": str(b.member_id),
        }
        for b in boxes
    ]
    since = request.GET.get("since", "")  # the log's size when this browser last checked it
    size = int(since) if since.isascii() and since.isdigit() else None
    log = keys_logged(practice=member.practice, mailboxes=boxes, since=size)
    return JsonResponse(
        {"practice": str(member.practice_id), "thread": str(client.id), "recipients": people, "log": log}
    )


@json_problems
@require_POST
@member_required(*USE)
def message_send_view(request: HttpRequest, member: Member, client_id: str) -> HttpResponse:
    thread_for_member(member=member, client_id=client_id)  # 404 first: nothing is parsed for an outsider
    upload = body_of(request)
    message = message_send(
        member=member, client_id=client_id, envelope=envelope_from(upload), files=files_from(upload), channel=WEB
    )
    return JsonResponse({"id": str(message.id), "sent": message.sent_at.isoformat()}, status=201)


@json_problems
@require_GET
@member_required(*USE)
def messages_json(request: HttpRequest, member: Member, client_id: str) -> HttpResponse:
    """Messages newer than ``?after=`` (an ISO time from the last answer); 204 when there are none."""
    after = None
    if request.GET.get("after"):
        try:
            after = datetime.fromisoformat(request.GET["after"])
            if after.tzinfo is None or not EARLIEST <= after <= timezone.now() + timedelta(days=1):
                raise ValueError  # (a time at the ends of the calendar would overflow in the database)
        except ValueError:
            return problem(400, "after must be a time as this page gave it.")
    _, shown = thread_read(member=member, client_id=client_id, channel=WEB, after=after)
    if not shown:
        return HttpResponse(status=204)
    rows = [
        {
            "id": str(m.id),
            "sender": _name(m.sender),
            "mine": m.sender.id == member.id,
            "sent": m.sent_at.isoformat(),
            "envelope": m.envelope | {"key": b64(m.sealed_key) if m.sealed_key else None},
            "senderKey": m.sender_key_id,
            "senderReceive": b64(m.sender_receive),
            "senderVerify": b64(m.sender_verify),
            "filed": m.filed,
            "sharedBy": None
            if m.shared_by is None
            else {
                "id": m.shared_by.key_id,
                "receive": b64(m.shared_by.receive),
                "verify": b64(m.shared_by.verify),
                "signature": b64(m.share_signature or b""),
            },
        }
        for m in shown
    ]
    return JsonResponse({"messages": rows})


@json_problems
@require_POST
@member_required(*USE)
def file_upload_view(request: HttpRequest, member: Member, client_id: str, file_id: str) -> HttpResponse:
    """A file sealed in the browser, as raw bytes, for the message about to be sent."""
    thread_for_member(member=member, client_id=client_id)  # 404 first: nothing is read for an outsider
    if request.content_type != "application/octet-stream":
        return problem(415, "A sealed file is sent as application/octet-stream.")
    row = attachments.attachment_upload(
        member=member, client_id=client_id, file_id=file_id, blob=request.body, channel=WEB
    )
    return JsonResponse({"id": str(row.id)}, status=201)


@json_problems
@require_GET
@member_required(*USE)
def file_view(request: HttpRequest, member: Member, client_id: str, file_id: str) -> HttpResponse:
    """A sealed file of the thread, as the sender's browser sealed it (the reader's browser opens it)."""
    blob = attachments.attachment_download(member=member, client_id=client_id, file_id=file_id, channel=WEB)
    response = HttpResponse(blob, content_type="application/octet-stream")
    response["Content-Disposition"] = "attachment"  # ciphertext: never shown, and its name is sealed inside
    return response


@json_problems
@require_POST
@member_required(Permission.MESSAGING_THREAD_USE)
def message_file_view(request: HttpRequest, member: Member, client_id: str, message_id: str) -> HttpResponse:
    """File a message into the record: the browser gives the message's content key (filing.py)."""
    message_for_filing(member=member, client_id=client_id, message_id=message_id, channel=WEB)  # 404 first
    key = unb64(body_of(request).get("key"))
    document = message_file(member=member, client_id=client_id, message_id=message_id, content_key=key, channel=WEB)
    return JsonResponse({"document": str(document.id)}, status=201)
