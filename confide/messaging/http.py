"""What the messaging endpoints share: who may use them, base64 in and out, and refusals as RFC 9457
problem documents (every body in and out is public keys and ciphertext)."""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponseNotAllowed
from django.http.response import HttpResponseBase

from confide.api.problems import problem
from confide.audit.actions import Channel
from confide.messaging.attachments import AttachmentError
from confide.messaging.services import MessagingError, unb64
from confide.practices.permissions import Permission

USE = (Permission.PORTAL_MESSAGES_USE, Permission.MESSAGING_THREAD_USE)
WEB = Channel.WEB


def b64(data: bytes | memoryview) -> str:
    return base64.b64encode(bytes(data)).decode()


def json_problems(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A JSON endpoint answers every refusal as a problem document: not found (as an outsider is told, so a
    thread's existence tells them nothing), too large, or refused with the service's words."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return problem(404, "Not found.")
        except RequestDataTooBig:
            return problem(413, "That upload is too large.")
        except (MessagingError, AttachmentError) as error:
            return problem(400, str(error))
        except ValidationError:
            return problem(400, "That is not a sealed upload.")
        if isinstance(response, HttpResponseNotAllowed):
            refusal = problem(405, f"Use {response['Allow']}.")
            refusal["Allow"] = response["Allow"]
            return refusal
        if response.status_code == 302 and not request.user.is_authenticated:  # member_required: sign in
            return problem(401, "You are signed out: sign in again and reload this page.")
        return response

    return wrapper


def body_of(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise MessagingError("That is not a sealed upload.") from None
    if not isinstance(data, dict):
        raise MessagingError("That is not a sealed upload.")
    return data


__all__ = ["USE", "WEB", "b64", "body_of", "json_problems", "unb64"]
