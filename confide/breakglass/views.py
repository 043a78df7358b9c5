"""Emergency access: open (any clinician), and the owner's review queue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from confide.audit.actions import Channel
from confide.breakglass.forms import OpenForm, ReviewForm
from confide.breakglass.services import MINUTES, breakglass_open, breakglass_review, reviews_open
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission
from confide.web.forms import apply_errors


@member_required(Permission.CLIENTS_BREAKGLASS_OPEN)
def breakglass_new(request: HttpRequest, member: Member) -> HttpResponse:
    form = OpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = breakglass_open(
                member=member,
                client_number=form.cleaned_data["client_number"],
                reason=form.cleaned_data["reason"],
                channel=Channel.WEB,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.warning(request, f"Emergency access for {MINUTES} minutes. The owner has been alerted.")
            return redirect("client_detail", client_id=client.id)
    return render(
        request, "breakglass/new.html", {"form": form, "minutes": MINUTES}, status=422 if form.errors else 200
    )


@member_required(Permission.PRACTICE_BREAKGLASS_REVIEW)
def breakglass_reviews(request: HttpRequest, member: Member) -> HttpResponse:
    grants = reviews_open(actor=member)
    rows = [(g, g.open("reason", key=g.client.data_key())) for g in grants]
    return render(request, "breakglass/reviews.html", {"rows": rows, "form": ReviewForm()})


@require_POST
@member_required(Permission.PRACTICE_BREAKGLASS_REVIEW)
def breakglass_review_view(request: HttpRequest, member: Member, grant_id: str) -> HttpResponse:
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a decision and give reasons.")
        return redirect("breakglass_reviews")
    try:
        breakglass_review(
            actor=member,
            grant_id=grant_id,
            justified=form.cleaned_data["justified"],
            note=form.cleaned_data["note"],
            channel=Channel.WEB,
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, "Review closed.")
    return redirect("breakglass_reviews")
