from __future__ import annotations

from django import forms

from confide.careteams.models import CareTeamMember
from confide.practices.permissions import Role

STAFF_ROLES = [(r.value, r.label) for r in Role if r is not Role.CLIENT]


class MemberInviteForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(label="E-mail", max_length=254)
    role = forms.ChoiceField(choices=STAFF_ROLES)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=[*STAFF_ROLES, ("inactive", "Deactivated")])


class CareTeamAddForm(forms.Form):
    member = forms.UUIDField()
    team_role = forms.ChoiceField(choices=CareTeamMember.TeamRole.choices)
