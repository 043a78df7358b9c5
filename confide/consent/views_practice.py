"""The owner's agreement settings: jurisdictions, re-affirmation interval, wording, licences."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date

from confide.audit.actions import Channel
from confide.consent.forms import JurisdictionForm, WordingForm
from confide.consent.models import AgreementKind, AgreementVersion
from confide.consent.selectors import document_for, resolution_for, rule_library, version_current
from confide.consent.services import Licence, agreement_publish, member_set_licence, practice_set_jurisdictions
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission, Role
from confide.practices.selectors import member_get_for_manager, member_list
from confide.web.forms import apply_errors


def _choices() -> list[tuple[str, str]]:
    library = rule_library()
    return [(pack_id, library.versions(pack_id)[-1].name) for pack_id in library.ids()]


@member_required(Permission.PRACTICE_AGREEMENT_MANAGE)
def practice_agreements(request: HttpRequest, member: Member) -> HttpResponse:
    practice = member.practice
    current = version_current(practice_id=practice.id)
    which = request.POST.get("form")
    law = JurisdictionForm(
        request.POST if which == "law" else None,
        choices=_choices(),
        initial={"jurisdictions": practice.jurisdictions, "reaffirm_months": practice.reaffirm_months},
    )
    wording = WordingForm(
        request.POST if which == "wording" else None,
        initial={"kind": AgreementKind.CONFIDENTIALITY, "wording": current.wording if current else ""},
    )
    tele_current = version_current(practice_id=practice.id, kind=AgreementKind.TELEHEALTH)
    telehealth = WordingForm(
        request.POST if which == "telehealth" else None,
        prefix="tele",
        initial={"kind": AgreementKind.TELEHEALTH, "wording": tele_current.wording if tele_current else ""},
    )
    form = {"law": law, "telehealth": telehealth}.get(which or "", wording)
    if request.method == "POST" and form.is_valid():
        try:
            if which == "law":
                practice_set_jurisdictions(
                    actor=member,
                    jurisdictions=form.cleaned_data["jurisdictions"],
                    reaffirm_months=form.cleaned_data["reaffirm_months"],
                    channel=Channel.WEB,
                )
                messages.success(request, "Jurisdictions saved. Clients whose law changed will be asked to re-affirm.")
            else:
                version = agreement_publish(
                    actor=member,
                    kind=form.cleaned_data["kind"],
                    wording=form.cleaned_data["wording"],
                    channel=Channel.WEB,
                )
                messages.success(request, f"Version {version.number} published. Clients will be asked to sign it.")
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("practice_agreements")
    resolution = resolution_for(practice=practice)
    context = {
        "law": law,
        "wording": wording,
        "telehealth": telehealth,
        "versions": AgreementVersion.objects.filter(practice_id=practice.id).order_by("-number")[:10],
        "preview": document_for(version=current, resolution=resolution, practice=practice)
        if current and resolution
        else None,
        "decisions": list(resolution.decisions.values()) if resolution else [],
        "clinicians": member_list(practice=practice)
        .exclude(role__in=[Role.CLIENT, Role.STAFF])
        .exclude(joined_at=None),
        "licence_choices": _choices(),
    }
    return render(request, "consent/practice_agreements.html", context, status=422 if form.errors else 200)


@member_required(Permission.PRACTICE_MEMBER_MANAGE)
def member_licence(request: HttpRequest, member: Member, member_id: str) -> HttpResponse:
    if request.method != "POST":
        return redirect("practice_agreements")
    target = member_get_for_manager(manager=member, member_id=member_id)
    expires = parse_date(request.POST.get("licence_expires", "") or "")
    licence = Licence(
        jurisdiction=request.POST.get("licence_jurisdiction", ""),
        number=request.POST.get("licence_number", ""),
        expires=expires,
        credentials=request.POST.get("credentials", ""),
    )
    try:
        member_set_licence(actor=member, member=target, licence=licence, channel=Channel.WEB)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, "Licence and credentials saved.")
    return redirect("practice_agreements")
