"""The client's agreement pages in the portal: read, answer, sign, download PDF and receipt."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.clients.models import Client
from confide.clients.selectors import client_for_portal
from confide.consent.forms import SignForm
from confide.consent.markdown import render_markdown
from confide.consent.models import AgreementKind, Signature
from confide.consent.receipts import receipt_of, receipt_pdf_of, signed_pdf
from confide.consent.selectors import (
    client_due_reasons,
    document_for,
    kind_due,
    resolution_for,
    signature_for_portal,
    signatures_of,
    version_current,
)
from confide.consent.services import agreement_sign
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission
from confide.web.forms import apply_errors
from confide.web.responses import attachment


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


@member_required(Permission.PORTAL_AGREEMENT_SIGN)
def portal_agreements(request: HttpRequest, member: Member) -> HttpResponse:
    client = client_for_portal(member=member)
    return render(
        request,
        "consent/portal_agreements.html",
        {
            "due": (due := client_due_reasons(client=client)),
            "kinds": kind_due(due),
            "signatures": signatures_of(client=client),
        },
    )


@member_required(Permission.PORTAL_AGREEMENT_SIGN)
def portal_agreement_sign(request: HttpRequest, member: Member) -> HttpResponse:
    client = client_for_portal(member=member)
    kind = request.GET.get("kind", AgreementKind.CONFIDENTIALITY)
    if kind not in AgreementKind.values:
        kind = AgreementKind.CONFIDENTIALITY
    version = version_current(practice_id=client.practice_id, kind=kind)
    resolution = resolution_for(practice=client.practice, client=client)
    if version is None or resolution is None:
        return render(request, "consent/portal_not_ready.html", status=409)
    document = document_for(version=version, resolution=resolution, practice=client.practice)
    form = SignForm(request.POST or None, initial={"document_sha256": document.sha256})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            signature = agreement_sign(
                member=member,
                client=client,
                version=version,
                document_sha256=data["document_sha256"],
                typed_name=data["typed_name"],
                answers={k: v for k, v in data.items() if k not in ("typed_name", "document_sha256")},
                ip=_client_ip(request),
                user_agent=request.headers.get("user-agent", ""),
                channel=Channel.WEB,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("portal_agreement_done", signature_id=signature.id)
    elif request.method == "GET":
        with transaction.atomic():
            event_record(
                actor=member,
                action=AuditAction.AGREEMENT_READ,
                channel=Channel.WEB,
                client_id=client.id,
                object_type="agreement",
                object_id=str(version.id),
            )
    context = {"document": document, "wording_html": render_markdown(document.wording), "form": form}
    return render(request, "consent/portal_sign.html", context, status=422 if form.errors else 200)


@member_required(Permission.PORTAL_AGREEMENT_SIGN)
def portal_agreement_done(request: HttpRequest, member: Member, signature_id: str) -> HttpResponse:
    client = client_for_portal(member=member)
    signature = signature_for_portal(client=client, signature_id=signature_id)
    return render(request, "consent/portal_done.html", {"signature": signature})


def _download(member: Member, signature_id: str, what: str) -> tuple[Client, Signature]:
    client = client_for_portal(member=member)
    signature = signature_for_portal(client=client, signature_id=signature_id)
    with transaction.atomic():
        event_record(
            actor=member,
            action=AuditAction.AGREEMENT_DOWNLOAD,
            channel=Channel.WEB,
            client_id=client.id,
            object_type=what,
            object_id=str(signature.id),
        )
    return client, signature


@member_required(Permission.PORTAL_AGREEMENT_SIGN)
def portal_signature_pdf(request: HttpRequest, member: Member, signature_id: str) -> HttpResponse:
    client, signature = _download(member, signature_id, "agreement-pdf")
    _, body = signed_pdf(signature=signature, client=client)
    return attachment(
        body,
        content_type="application/pdf",
        filename=f"agreement-v{signature.version.number}-{signature.receipt_id}.pdf",
    )


@member_required(Permission.PORTAL_AGREEMENT_SIGN)
def portal_receipt_json(request: HttpRequest, member: Member, signature_id: str) -> HttpResponse:
    client, signature = _download(member, signature_id, "receipt-json")
    body = json.dumps(receipt_of(signature=signature, client=client), indent=2).encode()
    return attachment(body, content_type="application/json", filename=f"consent-receipt-{signature.receipt_id}.json")


@member_required(Permission.PORTAL_AGREEMENT_SIGN)
def portal_receipt_pdf(request: HttpRequest, member: Member, signature_id: str) -> HttpResponse:
    client, signature = _download(member, signature_id, "receipt-pdf")
    body = receipt_pdf_of(signature=signature, client=client)
    return attachment(body, content_type="application/pdf", filename=f"consent-receipt-{signature.receipt_id}.pdf")
