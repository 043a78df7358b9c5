from __future__ import annotations

from django.core import mail
from django.test import Client as HttpClient
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks

from confide.accounts.identity import login_key
from confide.practices.models import Member
from tests.cast import Cast


def test_an_added_member_chooses_a_password_and_must_set_up_mfa(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    owner = HttpClient()
    owner.force_login(cast.owner.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post("/practice/", {"full_name": "Nia New", "email": "nia@harbor.test", "role": "clinician"})
    assert response.status_code == 302
    member = Member.objects.get(user__email=login_key("nia@harbor.test"))
    assert member.role == "clinician" and not member.user.has_usable_password()
    token = mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]

    newcomer = HttpClient()
    response = newcomer.post(
        f"/invitations/{token}/", {"password1": "nia's long passphrase", "password2": "nia's long passphrase"}
    )
    assert response.status_code == 302
    response = newcomer.get("/dashboard/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/"


def test_a_deactivated_member_loses_access(cast: Cast) -> None:
    owner = HttpClient()
    owner.force_login(cast.owner.user)
    owner.post(f"/practice/members/{cast.clinician.id}/role/", {"role": "inactive"})
    clinician = HttpClient()
    clinician.force_login(cast.clinician.user)
    assert clinician.get(f"/clients/{cast.client.id}/").status_code == 404
    assert clinician.get("/").status_code == 403  # "your account is not part of a practice"
