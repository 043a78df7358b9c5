"""Psychotherapy notes pages: set-up (recovery key shown once), unlock, lock, reset, and the notes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from confide.audit.actions import Channel
from confide.clients.selectors import client_get_for_member
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission
from confide.records.author_keys import (
    Enrolment,
    author_key_current,
    author_key_enrol,
    author_key_reset,
    author_key_unlock,
)
from confide.records.forms import NoteForm, ResetForm, SetupForm, UnlockForm
from confide.records.private_notes import private_note_create, private_notes_for
from confide.records.unlock import unlock_forget, unlock_remember, unlocked_private
from confide.web.forms import apply_errors

WRITE = Permission.RECORDS_PRIVATE_NOTE_WRITE


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return target if ok else "/dashboard/"


def _show_recovery_key(request: HttpRequest, enrolment: Enrolment, *, next_url: str) -> HttpResponse:
    """Show the new recovery key once, and leave the new key unlocked for this session."""
    context = {"recovery_key": enrolment.recovery_key, "next": next_url}
    response = render(request, "records/private_recovery_key.html", context)
    unlock_remember(request, response, key=enrolment.key, private=enrolment.private)
    return response


@member_required(WRITE)
def private_setup(request: HttpRequest, member: Member) -> HttpResponse:
    if author_key_current(member=member) is not None:
        return redirect("private_unlock")
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = author_key_enrol(member=member, password=form.cleaned_data["password"], channel=Channel.WEB)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _show_recovery_key(request, enrolment, next_url=_next(request))
    has_password = member.user.has_usable_password()
    return render(
        request,
        "records/private_setup.html",
        {"form": form, "has_password": has_password, "next": _next(request)},
        status=422 if form.errors else 200,
    )


@member_required(WRITE)
def private_unlock(request: HttpRequest, member: Member) -> HttpResponse:
    key = author_key_current(member=member)
    if key is None:
        return redirect("private_setup")
    form = UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            private = author_key_unlock(
                member=member,
                password=form.cleaned_data["password"],
                recovery_key=form.cleaned_data["recovery_key"],
                channel=Channel.WEB,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            response = redirect(_next(request))
            unlock_remember(request, response, key=key, private=private)
            return response
    return render(
        request,
        "records/private_unlock.html",
        {"form": form, "next": _next(request)},
        status=422 if form.errors else 200,
    )


@require_POST
@member_required(WRITE)
def private_lock(request: HttpRequest, member: Member) -> HttpResponse:
    response = redirect("dashboard")
    unlock_forget(request, response)
    messages.info(request, "Private notes locked.")
    return response


@member_required(WRITE)
def private_reset(request: HttpRequest, member: Member) -> HttpResponse:
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = author_key_reset(member=member, password=form.cleaned_data["password"], channel=Channel.WEB)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _show_recovery_key(request, enrolment, next_url="/dashboard/")
    return render(request, "records/private_reset.html", {"form": form}, status=422 if form.errors else 200)


@member_required(WRITE)
def private_notes(request: HttpRequest, member: Member, client_id: str) -> HttpResponse:
    client, _ = client_get_for_member(member=member, client_id=client_id, permission=WRITE, channel=Channel.WEB)
    key = author_key_current(member=member)
    if key is None:
        return redirect(f"/account/private-notes/setup/?next={request.path}")
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            private_note_create(actor=member, client=client, body=form.cleaned_data["body"], channel=Channel.WEB)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Private note saved, sealed to your key alone.")
            return redirect("private_notes", client_id=client.id)
    private = unlocked_private(request, key=key)
    notes = private_notes_for(actor=member, client=client, key=key, private=private, channel=Channel.WEB)
    context = {
        "form": form,
        "notes": notes,
        "unlocked": private is not None,
        "client_id": client.id,
        "client_name": client.open("name"),
    }
    return render(request, "records/private_notes.html", context, status=422 if form.errors else 200)
