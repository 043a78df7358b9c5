"""Practice settings for owners: members, roles and care teams."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.careteams.models import CareTeamMember
from confide.careteams.services import careteam_add, careteam_remove
from confide.clients.selectors import client_directory, client_for_manager
from confide.invitations.services import invitation_for_member_create
from confide.practices.decorators import member_required
from confide.practices.forms import CareTeamAddForm, MemberInviteForm, MemberRoleForm
from confide.practices.middleware import CHOSEN
from confide.practices.models import Member
from confide.practices.permissions import Permission, Role
from confide.practices.selectors import member_get_for_manager, member_list, membership_of
from confide.practices.services import member_set_role
from confide.web.forms import apply_errors
from confide.web.links import absolute


@member_required(Permission.PRACTICE_MEMBER_MANAGE)
def practice_settings(request: HttpRequest, member: Member) -> HttpResponse:
    form = MemberInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_for_member_create(
                actor=member,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=Role(form.cleaned_data["role"]),
                link_base=absolute("/invitations/"),
                channel=Channel.WEB,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Invitation sent. They join when they accept it.")
            return redirect("practice_settings")
    members = member_list(practice=member.practice).exclude(role=Role.CLIENT)
    return render(
        request,
        "practices/settings.html",
        {"form": form, "members": members, "role_form": MemberRoleForm()},
        status=422 if form.errors else 200,
    )


@require_POST
@member_required(Permission.PRACTICE_MEMBER_MANAGE)
def member_role(request: HttpRequest, member: Member, member_id: str) -> HttpResponse:
    target = member_get_for_manager(manager=member, member_id=member_id)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a valid role.")
        return redirect("practice_settings")
    role = form.cleaned_data["role"]
    try:
        member_set_role(actor=member, member=target, role=None if role == "inactive" else role, channel=Channel.WEB)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, "Role updated.")
    return redirect("practice_settings")


@require_POST
@login_required
def practice_switch(request: HttpRequest) -> HttpResponse:
    """Act in another practice the signed-in person belongs to (the switcher in the header)."""
    chosen = membership_of(getattr(request, "memberships", []), request.POST.get("member"))
    if chosen is None:  # not one of the signed-in person's own active memberships
        raise Http404
    with transaction.atomic():  # the practice's log shows when they began working there, as a sign-in does
        event_record(actor=chosen, action=AuditAction.SIGN_IN, channel=Channel.WEB, object_type="session")
    request.session[CHOSEN] = str(chosen.pk)
    rotate_token(request)  # a form opened before the switch (in another tab) no longer posts, to either practice
    messages.success(request, f"You are now working in {chosen.practice.name}.")
    return redirect("home")


@member_required(Permission.PRACTICE_CARETEAM_MANAGE)
def careteam_index(request: HttpRequest, member: Member) -> HttpResponse:
    search = request.POST.get("q", "")[:200] if request.method == "POST" else ""
    clients = client_directory(manager=member, search=search, channel=Channel.WEB)
    return render(request, "practices/careteams.html", {"clients": clients})


@member_required(Permission.PRACTICE_CARETEAM_MANAGE)
def careteam_client(request: HttpRequest, member: Member, client_id: str) -> HttpResponse:
    client, name = client_for_manager(manager=member, client_id=client_id, channel=Channel.WEB)
    form = CareTeamAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = member_get_for_manager(manager=member, member_id=form.cleaned_data["member"])
        try:
            careteam_add(
                actor=member,
                client=client,
                member=target,
                team_role=form.cleaned_data["team_role"],
                channel=Channel.WEB,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Care team updated.")
            return redirect("careteam_client", client_id=client.id)
    seats = CareTeamMember.objects.filter(client=client).select_related("member__user")
    candidates = (
        member_list(practice=member.practice).filter(is_active=True).exclude(role__in=[Role.CLIENT, Role.STAFF])
    )
    return render(
        request,
        "practices/careteam_client.html",
        {
            "client_id": client.id,
            "client_name": name,
            "seats": seats,
            "candidates": candidates,
            "form": form,
            "roles": CareTeamMember.TeamRole.choices,
        },
        status=422 if form.errors else 200,
    )


@require_POST
@member_required(Permission.PRACTICE_CARETEAM_MANAGE)
def careteam_remove_view(request: HttpRequest, member: Member, seat_id: int) -> HttpResponse:
    seat = CareTeamMember.objects.filter(practice_id=member.practice_id, pk=seat_id).first()
    careteam_remove(actor=member, seat_id=seat_id, channel=Channel.WEB)
    messages.success(request, "Removed from the care team.")
    assert seat is not None
    return redirect("careteam_client", client_id=seat.client_id)
