"""The endpoints a browser uses to hold a person's mailbox (decision 19): publish it with its first device,
fetch it sealed to a device, add a device, offer it to a new device under a one-time pairing code."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from confide.api.problems import problem
from confide.messaging.http import USE, WEB, b64, body_of, json_problems, unb64
from confide.messaging.mailboxes import DeviceUpload, device_add, mailbox_publish
from confide.messaging.models import Device
from confide.messaging.pairing import pairing_offer, pairing_offer_live
from confide.messaging.selectors import current_mailbox
from confide.messaging.services import MessagingError
from confide.practices.decorators import member_required
from confide.practices.models import Member


def _device(data: object) -> DeviceUpload:
    if not isinstance(data, dict):
        raise MessagingError("That is not a sealed upload.")
    return DeviceUpload(public=unb64(data.get("public")), sealed=unb64(data.get("sealed")))


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
        "mailbox": {"id": mailbox.key_id, "receive": b64(mailbox.receive), "verify": b64(mailbox.verify)},
        "devices": [{"id": d.device_id, "added": d.created_at.isoformat()} for d in devices],
    }
    if request.GET.get("recovery") == "1" and mailbox.recovery is not None:
        data["recovery"] = b64(mailbox.recovery)
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
    return JsonResponse({"mailbox": mailbox.key_id if mailbox else "", "sealed": b64(device.sealed)})


def _replaces(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise MessagingError("That is not a sealed upload.")


@json_problems
@require_POST
@member_required(*USE)
def mailbox_publish_view(request: HttpRequest, member: Member) -> HttpResponse:
    data = body_of(request)
    mailbox = mailbox_publish(
        member=member,
        receive=unb64(data.get("receive")),
        verify=unb64(data.get("verify")),
        device=_device(data.get("device")),
        recovery=unb64(data.get("recovery")),
        replaces=_replaces(data.get("replaces")),
        channel=WEB,
    )
    return JsonResponse({"id": mailbox.key_id}, status=201)


@json_problems
@require_POST
@member_required(*USE)
def device_add_view(request: HttpRequest, member: Member) -> HttpResponse:
    device = device_add(member=member, device=_device(body_of(request)), channel=WEB)
    return JsonResponse({"id": device.device_id}, status=201)


@json_problems
@require_POST
@member_required(*USE)
def pairing_offer_view(request: HttpRequest, member: Member) -> HttpResponse:
    """An existing device leaves the mailbox sealed under the pairing code it shows."""
    pairing_offer(member=member, sealed=unb64(body_of(request).get("sealed")))
    return JsonResponse({"expires_in": 600}, status=201)


@json_problems
@require_GET
@member_required(*USE)
def pairing_json(request: HttpRequest, member: Member) -> HttpResponse:
    """The offer a new device opens with the code typed from the other screen."""
    offer = pairing_offer_live(member=member)
    if offer is None:
        return problem(404, "No device is offering your messages now: start again on your other device.")
    return JsonResponse({"mailbox": offer.mailbox.key_id, "sealed": b64(offer.sealed)})
