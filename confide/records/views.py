"""Progress notes and documents on the client's chart."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from confide.audit.actions import Channel
from confide.clients.models import Client
from confide.clients.selectors import client_get_for_member
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission
from confide.records.documents import document_open, document_upload
from confide.records.forms import DocumentForm, NoteForm
from confide.records.progress import progress_note_amend, progress_note_create, progress_note_sign, progress_note_update
from confide.web.forms import apply_errors


def _client(member: Member, client_id: str, permission: Permission) -> Client:
    return client_get_for_member(member=member, client_id=client_id, permission=permission, channel=Channel.WEB)[0]


def _note_page(
    request: HttpRequest, member: Member, client_id: str, *, note_id: str | None, amend: bool
) -> HttpResponse:
    client = _client(member, client_id, Permission.RECORDS_NOTE_WRITE)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        body = form.cleaned_data["body"]
        try:
            if note_id is None:
                progress_note_create(actor=member, client=client, body=body, channel=Channel.WEB)
            elif amend:
                progress_note_amend(actor=member, client=client, note_id=note_id, body=body, channel=Channel.WEB)
            else:
                progress_note_update(actor=member, client=client, note_id=note_id, body=body, channel=Channel.WEB)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Note saved." if not amend else "Amendment saved as a draft.")
            return redirect("client_detail", client_id=client.id)
    return render(
        request,
        "records/note_form.html",
        {"form": form, "client_id": client.id, "amend": amend, "editing": note_id},
        status=422 if form.errors else 200,
    )


@member_required(Permission.RECORDS_NOTE_WRITE)
def note_new(request: HttpRequest, member: Member, client_id: str) -> HttpResponse:
    return _note_page(request, member, client_id, note_id=None, amend=False)


@member_required(Permission.RECORDS_NOTE_WRITE)
def note_edit(request: HttpRequest, member: Member, client_id: str, note_id: str) -> HttpResponse:
    return _note_page(request, member, client_id, note_id=note_id, amend=False)


@member_required(Permission.RECORDS_NOTE_WRITE)
def note_amend(request: HttpRequest, member: Member, client_id: str, note_id: str) -> HttpResponse:
    return _note_page(request, member, client_id, note_id=note_id, amend=True)


@require_POST
@member_required(Permission.RECORDS_NOTE_WRITE)
def note_sign(request: HttpRequest, member: Member, client_id: str, note_id: str) -> HttpResponse:
    client = _client(member, client_id, Permission.RECORDS_NOTE_WRITE)
    try:
        progress_note_sign(actor=member, client=client, note_id=note_id, channel=Channel.WEB)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Note signed and sealed.")
    return redirect("client_detail", client_id=client.id)


@member_required(Permission.RECORDS_DOCUMENT_WRITE)
def document_new(request: HttpRequest, member: Member, client_id: str) -> HttpResponse:
    client = _client(member, client_id, Permission.RECORDS_DOCUMENT_WRITE)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document_upload(actor=member, client=client, upload=form.cleaned_data["file"], channel=Channel.WEB)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Document stored, encrypted.")
            return redirect("client_detail", client_id=client.id)
    return render(
        request,
        "records/document_form.html",
        {"form": form, "client_id": client.id},
        status=422 if form.errors else 200,
    )


@member_required(Permission.RECORDS_DOCUMENT_READ)
def document_download(request: HttpRequest, member: Member, client_id: str, document_id: str) -> HttpResponseBase:
    client = _client(member, client_id, Permission.RECORDS_DOCUMENT_READ)
    meta, chunks = document_open(actor=member, client=client, document_id=document_id, channel=Channel.WEB)
    response = StreamingHttpResponse(chunks, content_type=meta.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(meta.name, safe='')}"
    response["Content-Length"] = str(meta.size)
    return response
