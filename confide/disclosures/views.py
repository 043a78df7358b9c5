"""Clinician pages: pick the situation, see the law, choose the minimum, get approval, release."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_POST

from confide.audit.actions import AuditAction, Channel
from confide.audit.seals import SealBrokenError
from confide.audit.services import event_record
from confide.clients.selectors import client_get_for_member
from confide.disclosures.forms import DecisionForm, ReleaseForm, RequestForm
from confide.disclosures.items import items_available
from confide.disclosures.models import AccountingEntry, DeadlineTask, DisclosureRequest
from confide.disclosures.package import summary_pdf
from confide.disclosures.sealing import seal_of, withholding_end
from confide.disclosures.selectors import request_for_member
from confide.disclosures.services import (
    RequestInput,
    accounting_suspend,
    disclosure_decide,
    disclosure_release,
    disclosure_request_create,
    requirements_for,
    situations_for,
    summary_of,
)
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission
from confide.records.author_keys import author_key_current
from confide.records.private_notes import private_notes_for
from confide.records.unlock import unlocked_private
from confide.web.forms import apply_errors
from confide.web.responses import attachment


@member_required(Permission.RECORDS_DISCLOSURE_CREATE)
def disclosure_new(request: HttpRequest, member: Member, client_id: str) -> HttpResponse:
    client, _ = client_get_for_member(
        member=member, client_id=client_id, permission=Permission.RECORDS_DISCLOSURE_CREATE, channel=Channel.WEB
    )
    situation = request.GET.get("situation", "")
    if not situation:
        return render(
            request, "disclosures/situations.html", {"client": client, "situations": situations_for(client=client)}
        )
    try:
        requirements = requirements_for(client=client, situation=situation)
    except ValidationError:
        return redirect("disclosure_new", client_id=client.id)
    items = [(i.key, i.label) for i in items_available(client=client, member=member)]
    form = RequestForm(request.POST or None, items=items, initial={"notice": "immediate"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = disclosure_request_create(
                member=member,
                client=client,
                data=RequestInput(
                    situation=situation,
                    recipient_name=data["recipient_name"],
                    recipient_address=data["recipient_address"],
                    purpose=data["purpose"],
                    justification=data["justification"],
                    items=data["items"],
                    emergency=data["emergency"],
                    notice=data["notice"],
                    notice_on=data["notice_on"],
                    notice_reason=data["notice_reason"],
                    suspended_until=data["suspended_until"],
                    suspension_statement=data["suspension_statement"],
                ),
                channel=Channel.WEB,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("disclosure_detail", request_id=created.id)
    context = {"client": client, "requirements": requirements, "form": form}
    return render(request, "disclosures/new.html", context, status=422 if form.errors else 200)


def _private_bodies(request: HttpRequest, member: Member, disclosure: DisclosureRequest) -> dict[str, str]:
    wanted = {k.split(":", 1)[1] for k in disclosure.items if k.startswith("private:")}
    key = author_key_current(member=member)
    if not wanted or key is None:
        return {}
    private = unlocked_private(request, key=key)
    views = private_notes_for(
        actor=member,
        client=disclosure.client,
        key=key,
        private=private,
        channel=Channel.WEB,
        only=wanted,  # only the notes going into the package are opened (and their read sealed with it)
        seal=seal_of(disclosure),
    )
    return {str(v.id): v.body for v in views if v.body is not None}


@member_required(Permission.PRACTICE_DASHBOARD_VIEW)
def disclosure_detail(request: HttpRequest, member: Member, request_id: str) -> HttpResponse:
    disclosure = request_for_member(member=member, request_id=request_id)
    client = disclosure.client
    decision = DecisionForm(request.POST if request.POST.get("form") == "decide" else None)
    release = ReleaseForm(request.POST if request.POST.get("form") == "release" else None)
    if request.method == "POST" and request.POST.get("form") == "release" and release.is_valid():
        try:
            package = disclosure_release(
                member=member,
                request=disclosure,
                recipient_key=release.cleaned_data["recipient_key"],
                passphrase=release.cleaned_data["passphrase"],
                private_bodies=_private_bodies(request, member, disclosure),
                channel=Channel.WEB,
            )
        except ValidationError as exc:
            apply_errors(release, exc)
        else:
            return attachment(
                package, content_type="application/octet-stream", filename=f"disclosure-{disclosure.id}.age"
            )
    if request.method == "POST" and request.POST.get("form") == "decide" and decision.is_valid():
        try:
            disclosure_decide(
                member=member,
                request=disclosure,
                approve=decision.cleaned_data["approve"],
                note=decision.cleaned_data["note"],
                channel=Channel.WEB,
            )
        except ValidationError as exc:
            apply_errors(decision, exc)
        else:
            messages.success(request, "Decision recorded.")
            return redirect("disclosure_detail", request_id=disclosure.id)
    with transaction.atomic():
        event_record(
            actor=member,
            action=AuditAction.DISCLOSURE_READ,
            channel=Channel.WEB,
            client_id=client.id,
            object_type="disclosure",
            object_id=str(disclosure.id),
            seal=seal_of(disclosure),
        )
    key = client.data_key()
    labels = {i.key: i.label for i in items_available(client=client, member=disclosure.created_by)}
    context = {
        "d": disclosure,
        "requirements": requirements_for(client=client, situation=disclosure.situation),
        "recipient": disclosure.open("recipient_name", key=key),
        "address": disclosure.open("recipient_address", key=key),
        "purpose": disclosure.open("purpose", key=key),
        "justification": disclosure.open("justification", key=key),
        "notice_reason": disclosure.open("notice_reason", key=key),
        "review_note": disclosure.open("review_note", key=key),
        "items": [labels.get(k, "an item no longer available") for k in disclosure.items],
        "decision": decision,
        "release": release,
        "is_author": disclosure.created_by_id == member.id,
        "held_back": bool(seal_of(disclosure)),
        "suspended_until": disclosure.suspended_until,
        "can_end_withholding": disclosure.notice == "withheld"
        and disclosure.withholding_ended_at is None
        and (disclosure.created_by_id == member.id or member.has(Permission.PRACTICE_BREAKGLASS_REVIEW)),
        "tasks": disclosure.tasks.order_by("due_at"),
    }
    status = 422 if decision.errors or release.errors else 200
    return render(request, "disclosures/detail.html", context, status=status)


@require_POST
@member_required(Permission.RECORDS_DISCLOSURE_CREATE)
def task_done(request: HttpRequest, member: Member, task_id: int) -> HttpResponse:
    task = get_object_or_404(DeadlineTask, practice_id=member.practice_id, owner=member, pk=task_id)
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        messages.success(request, "Marked done.")
    return redirect("dashboard")


@member_required(Permission.PRACTICE_DASHBOARD_VIEW)
def disclosure_summary_pdf(request: HttpRequest, member: Member, request_id: str) -> HttpResponse:
    disclosure = request_for_member(member=member, request_id=request_id)
    summary = summary_of(request=disclosure)
    with transaction.atomic():
        event_record(
            actor=member,
            action=AuditAction.DISCLOSURE_READ,
            channel=Channel.WEB,
            client_id=disclosure.client_id,
            object_type="disclosure-summary",
            object_id=str(disclosure.id),
            seal=seal_of(disclosure),
        )
    filename = f"disclosure-{disclosure.id}-summary.pdf"
    return attachment(summary_pdf(summary), content_type="application/pdf", filename=filename)


@require_POST
@member_required(Permission.PRACTICE_DASHBOARD_VIEW)
def accounting_suspend_view(request: HttpRequest, member: Member, request_id: str) -> HttpResponse:
    """Record an agency's request (after release) to suspend this disclosure from the client's accounting."""
    disclosure = request_for_member(member=member, request_id=request_id)
    entry = AccountingEntry.objects.filter(request=disclosure, corrects=None).first()
    until = parse_date(request.POST.get("until", "") or "")
    if entry is None or until is None:
        messages.error(request, "Give the date the suspension ends.")
        return redirect("disclosure_detail", request_id=disclosure.id)
    try:
        accounting_suspend(
            member=member,
            entry_id=entry.id,
            until=until,
            statement=request.POST.get("statement", ""),
            oral=request.POST.get("oral") == "on",
            channel=Channel.WEB,
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, "Suspension recorded: the client will not see this entry until then.")
    return redirect("disclosure_detail", request_id=disclosure.id)


@require_POST
@member_required(Permission.PRACTICE_DASHBOARD_VIEW)
def withholding_end_view(request: HttpRequest, member: Member, request_id: str) -> HttpResponse:
    """The clinician decides the client can now be told of a withheld disclosure."""
    disclosure = request_for_member(member=member, request_id=request_id)
    try:
        lifted = withholding_end(member=member, request=disclosure, channel=Channel.WEB)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    except SealBrokenError:
        messages.error(
            request,
            "Nothing was changed: an entry of this client's audit log is missing, so the client cannot be shown "
            "a complete account. Ask the practice's administrator to run `confide audit verify`.",
        )
    else:
        messages.success(
            request,
            "The client has been told: the disclosure now shows in their history and accounting."
            if lifted
            else "Recorded. The client will be told once the disclosure is released or declined "
            "and any suspension ends.",
        )
    return redirect("disclosure_detail", request_id=disclosure.id)
