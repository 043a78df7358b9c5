"""Site-wide guards in the middleware stack: forms refuse cross-site posts, and PHI pages are never cached."""

from __future__ import annotations

import re

from django.test import Client as HttpClient

from confide.accounts.identity import login_key
from confide.audit.actions import Channel
from confide.clients.models import Client
from confide.practices.models import Member
from confide.tokens.services import token_create
from tests.cast import Cast

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _strict(member: Member) -> HttpClient:
    """A browser that, like a real one, gets no free pass on the CSRF check."""
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(member.user)
    return http


def _form_token(http: HttpClient, path: str) -> str:
    response = http.get(path)
    assert response.status_code == 200
    found = TOKEN.search(response.content.decode())
    assert found, f"no CSRF token in the form at {path}"
    return found.group(1)


def test_adding_a_client_without_the_forms_token_is_refused(cast: Cast) -> None:
    http = _strict(cast.clinician)
    before = Client.objects.count()
    response = http.post("/clients/new/", {"name": "Cross Site", "email": ""})
    assert response.status_code == 403
    assert Client.objects.count() == before


def test_adding_a_client_with_the_pages_token_is_accepted(cast: Cast) -> None:
    http = _strict(cast.clinician)
    before = Client.objects.count()
    token = _form_token(http, "/clients/new/")
    response = http.post("/clients/new/", {"name": "Same Site", "email": "", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Client.objects.count() == before + 1


def test_adding_a_member_without_the_forms_token_is_refused(cast: Cast) -> None:
    http = _strict(cast.owner)
    data = {"full_name": "Cross Site", "email": "cross@harbor.test", "role": "clinician"}
    response = http.post("/practice/", data)
    assert response.status_code == 403
    assert not Member.objects.filter(user__email=login_key("cross@harbor.test")).exists()


def test_adding_a_member_with_the_pages_token_is_accepted(cast: Cast) -> None:
    http = _strict(cast.owner)
    token = _form_token(http, "/practice/")
    data = {"full_name": "Same Site", "email": "same@harbor.test", "role": "clinician", "csrfmiddlewaretoken": token}
    response = http.post("/practice/", data)
    assert response.status_code == 302
    assert Member.objects.filter(practice_id=cast.owner.practice_id, user__email=login_key("same@harbor.test")).exists()


def test_changing_a_role_without_the_forms_token_is_refused(cast: Cast) -> None:
    http = _strict(cast.owner)
    response = http.post(f"/practice/members/{cast.staff.id}/role/", {"role": "inactive"})
    assert response.status_code == 403
    cast.staff.refresh_from_db()
    assert cast.staff.is_active


def _assert_no_store(cache_control: str) -> None:
    directives = {part.strip() for part in cache_control.split(",")}
    assert "no-store" in directives
    assert "private" in directives


def test_a_client_record_page_is_never_stored(cast: Cast) -> None:
    http = HttpClient()
    http.force_login(cast.clinician.user)
    response = http.get(f"/clients/{cast.client.id}/")
    assert response.status_code == 200
    _assert_no_store(response["Cache-Control"])


def test_a_portal_page_is_never_stored(cast: Cast) -> None:
    http = HttpClient()
    http.force_login(cast.client_member.user)
    response = http.get("/portal/")
    assert response.status_code == 200
    _assert_no_store(response["Cache-Control"])


def test_an_api_response_is_never_stored(cast: Cast) -> None:
    _, plaintext = token_create(
        actor=cast.clinician, name="cache", scopes=["clients:client:read"], days=30, channel=Channel.CLI
    )
    response = HttpClient(headers={"Authorization": f"Bearer {plaintext}"}).get("/api/v1/clients")
    assert response.status_code == 200
    _assert_no_store(response["Cache-Control"])
