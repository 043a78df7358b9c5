"""The thread page and the small JSON endpoints its script (static/confide/messages.js) talks to. Every
body in and out is public keys and ciphertext; a refusal is an RFC 9457 problem document."""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from confide.api.problems import problem
from confide.audit.actions import Channel
from confide.messaging.models import Device
from confide.messaging.pairing import pairing_offer, pairing_offer_live
from confide.messaging.selectors import current_mailbox, recipients_recorded, thread_for_member, thread_read
from confide.messaging.services import (
    DeviceUpload,
    MessagingError,
    device_add,
    envelope_from,
    mailbox_publish,
    message_send,
)
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission

USE = (Permission.PORTAL_MESSAGES_USE, Permission.MESSAGING_THREAD_USE)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # the oldest ?after= a page can have been given
WEB = Channel.WEB


def _b64(data: bytes | memoryview) -> str:
    return base64.b64encode(bytes(data)).decode()


def _unb64(value: object) -> bytes:
    if not isinstance(value, str):
        raise MessagingError("That is not a sealed upload.")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise MessagingError("That is not a sealed upload.") from None


def json_problems(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A JSON endpoint answers every refusal as a problem document: not found (as an outsider is told, so a
    thread's existence tells them nothing), too large."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return problem(404, "Not found.")
        except RequestDataTooBig:
            return problem(413, "That upload is too large.")

    return wrapper


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise MessagingError("That is not a sealed upload.") from None
    if not isinstance(data, dict):
        raise MessagingError("That is not a sealed upload.")
    return data


def _device(data: object) -> DeviceUpload:
    if not isinstance(data, dict):
        raise MessagingError("That is not a sealed upload.")
    return DeviceUpload(public=_unb64(data.get("public")), sealed=_unb64(data.get("sealed")))


def _name(member: Member) -> str:
    """How the thread names a person: a member by name, the client as the client (their name is in their
    record, read only through its own audited funnel)."""
    return "the client" if member.role == "client" else str(member.user)


@require_GET
@member_required(*USE)
def thread_page(request: HttpRequest, member: Member, client_id: str) -> HttpResponse:
    client = thread_for_member(member=member, client_id=client_id)
    return render(request, "messaging/thread.html", {"client_id": client.id, "is_client": member.role == "client"})


@json_problems
@require_GET
@member_required(*USE)
def mailbox_json(request: HttpRequest, member: Member) -> JsonResponse:
    """The member's current mailbox (public keys, devices); with ``?recovery=1`` also the recovery
    sheet's sealed secret, which only the code on the sheet opens."""
    mailbox = current_mailbox(member)
    if mailbox is None:
        return JsonResponse({"mailbox": None})
    devices = mailbox.devices.filter(removed_at=None).order_by("created_at")
    data: dict[str, Any] = {
        "mailbox": {"id": mailbox.key_id, "receive": _b64(mailbox.receive), "verify": _b64(mailbox.verify)},
        "devices": [{"id": d.device_id, "added": d.created_at.isoformat()} for d in devices],
    }
    if request.GET.get("recovery") == "1" and mailbox.recovery is not None:
        data["recovery"] = _b64(mailbox.recovery)
    return JsonResponse(data)


@json_problems
@require_GET
@member_required(*USE)
def device_json(request: HttpRequest, member: Member, device_id: str) -> HttpResponse:
    """The mailbox secret sealed to one device of the member's current mailbox (opened only there)."""
    mailbox = current_mailbox(member)
    device = (
        None
        if mailbox is None
        else Device.objects.filter(mailbox=mailbox, device_id=device_id, removed_at=None).first()
    )
    if device is None or device.sealed is None:
        return problem(404, "This device does not hold your messages.")
    return JsonResponse({"mailbox": mailbox.key_id if mailbox else "", "sealed": _b64(device.sealed)})


def _replaces(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise MessagingError("That is not a sealed upload.")


@json_problems
@require_POST
@member_required(*USE)
def mailbox_publish_view(request: HttpRequest, member: Member) -> HttpResponse:
    try:
        data = _body(request)
        mailbox = mailbox_publish(
            member=member,
            receive=_unb64(data.get("receive")),
            verify=_unb64(data.get("verify")),
            device=_device(data.get("device")),
            recovery=_unb64(data.get("recovery")),
            replaces=_replaces(data.get("replaces")),
            channel=WEB,
        )
    except MessagingError as error:
        return problem(400, str(error))
    return JsonResponse({"id": mailbox.key_id}, status=201)


@json_problems
@require_POST
@member_required(*USE)
def device_add_view(request: HttpRequest, member: Member) -> HttpResponse:
    try:
        device = device_add(member=member, device=_device(_body(request)), channel=WEB)
    except MessagingError as error:
        return problem(400, str(error))
    return JsonResponse({"id": device.device_id}, status=201)


@json_problems
@require_GET
@member_required(*USE)
def recipients_json(request: HttpRequest, member: Member, client_id: str) -> JsonResponse:
    client = thread_for_member(member=member, client_id=client_id)
    boxes = recipients_recorded(client=client, actor=member, channel=WEB)
    people = [
        {
            "id": b.key_id,
            "receive": _b64(b.receive),
            "verify": _b64(b.verify),
            "name": _name(b.member),
            "member": str(b.member_id),
        }
        for b in boxes
    ]
    return JsonResponse({"practice": str(member.practice_id), "thread": str(client.id), "recipients": people})


@json_problems
@require_POST
@member_required(*USE)
def message_send_view(request: HttpRequest, member: Member, client_id: str) -> HttpResponse:
    thread_for_member(member=member, client_id=client_id)  # 404 first: nothing is parsed for an outsider
    try:
        message = message_send(member=member, client_id=client_id, envelope=envelope_from(_body(request)), channel=WEB)
    except MessagingError as error:
        return problem(400, str(error))
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
            "envelope": m.envelope | {"key": _b64(m.sealed_key) if m.sealed_key else None},
            "senderKey": m.sender_key_id,
            "senderReceive": _b64(m.sender_receive),
            "senderVerify": _b64(m.sender_verify),
        }
        for m in shown
    ]
    return JsonResponse({"messages": rows})


@json_problems
@require_POST
@member_required(*USE)
def pairing_offer_view(request: HttpRequest, member: Member) -> HttpResponse:
    """An existing device leaves the mailbox sealed under the pairing code it shows."""
    try:
        pairing_offer(member=member, sealed=_unb64(_body(request).get("sealed")))
    except MessagingError as error:
        return problem(400, str(error))
    return JsonResponse({"expires_in": 600}, status=201)


@json_problems
@require_GET
@member_required(*USE)
def pairing_json(request: HttpRequest, member: Member) -> HttpResponse:
    """The offer a new device opens with the code typed from the other screen."""
    offer = pairing_offer_live(member=member)
    if offer is None:
        return problem(404, "No device is offering your messages now: start again on your other device.")
    return JsonResponse({"mailbox": offer.mailbox.key_id, "sealed": _b64(offer.sealed)})
