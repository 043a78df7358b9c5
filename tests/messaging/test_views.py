"""The messaging endpoints answer every refusal as an RFC 9457 problem document, never a 500 or an HTML
page: outsiders, malformed bodies, times at the ends of the calendar, uploads that are too large."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.cast import Cast

PROBLEM = "application/problem+json"


def _signed_in(cast: Cast, who: str) -> HttpClient:
    http = HttpClient()
    http.force_login(getattr(cast, who).user)
    return http


@pytest.mark.parametrize("name", ["messaging_recipients", "messaging_list", "messaging_send"])
def test_an_outsider_is_told_not_found_as_a_problem_document(cast: Cast, name: str) -> None:
    http = _signed_in(cast, "colleague")
    url = reverse(name, args=[cast.client.id])
    response = http.post(url, "{}", content_type="application/json") if name == "messaging_send" else http.get(url)
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    "after", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2026-01-01T00:00:00", "yesterday"]
)
def test_a_time_the_page_never_gave_is_a_clear_refusal(cast: Cast, after: str) -> None:
    response = _signed_in(cast, "clinician").get(reverse("messaging_list", args=[cast.client.id]), {"after": after})
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "after must be a time as this page gave it."


@pytest.mark.parametrize("name", ["messaging_publish", "messaging_device_add", "messaging_pairing_offer"])
def test_json_nested_beyond_reason_is_a_clear_refusal(cast: Cast, name: str) -> None:
    body = "[" * 100_000 + "]" * 100_000
    response = _signed_in(cast, "client_member").post(reverse(name), body, content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM


def test_an_upload_beyond_the_limit_is_a_problem_document(cast: Cast, settings: SettingsWrapper) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _signed_in(cast, "client_member").post(
        reverse("messaging_send", args=[cast.client.id]), "x" * 2000, content_type="application/json"
    )
    assert response.status_code == 413 and response["Content-Type"] == PROBLEM


def test_a_sealed_file_goes_up_raw_and_comes_back_as_sent(cast: Cast) -> None:
    from confide.messaging.payload import seal_file  # noqa: PLC0415
    from tests.messaging.test_services import publish  # noqa: PLC0415

    publish(cast.client_member)
    file_id = "5f0f1e7e-0a8c-4b8e-9d6b-2f6e5b1a7c3d"
    blob = seal_file(b"%PDF-1.7 my sleep diary", file_id).blob
    http = _signed_in(cast, "client_member")
    up = reverse("messaging_file_upload", args=[cast.client.id, file_id])
    response = http.post(up, blob, content_type="application/octet-stream")
    assert response.status_code == 201 and response.json() == {"id": file_id}
    down = http.get(reverse("messaging_file", args=[cast.client.id, file_id]))
    assert down.content == blob and down["Content-Type"] == "application/octet-stream"
    assert down["Content-Disposition"] == "attachment" and "no-store" in down["Cache-Control"]
    again = http.post(up, blob, content_type="application/octet-stream")
    assert again.status_code == 400 and again["Content-Type"] == PROBLEM
    assert again.json()["detail"] == "That file was uploaded already."


def test_a_file_beyond_the_limit_is_a_problem_document(cast: Cast) -> None:
    from confide.messaging.attachments import SEALED_MAX  # noqa: PLC0415

    url = reverse("messaging_file_upload", args=[cast.client.id, "5f0f1e7e-0a8c-4b8e-9d6b-2f6e5b1a7c3d"])
    response = _signed_in(cast, "client_member").post(
        url, b"\1" * (SEALED_MAX + 1), content_type="application/octet-stream"
    )
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "A file can be at most 2 MB."


@pytest.mark.parametrize("name", ["journal_write", "journal_delete"])
def test_the_journal_refuses_as_problem_documents(cast: Cast, name: str) -> None:
    args = ["5f0f1e7e-0a8c-4b8e-9d6b-2f6e5b1a7c3d"] if name == "journal_delete" else []
    response = _signed_in(cast, "client_member").post(reverse(name, args=args), "[1]", content_type="application/json")
    assert response["Content-Type"] == PROBLEM and response.status_code == (404 if args else 400)


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("get", "/messages/{c}/send/", "POST"),
        ("post", "/messages/{c}/messages.json", "GET"),
        ("get", "/messages/mailbox/", "POST"),
        ("get", "/portal/journal/entries/", "POST"),
        ("get", "/portal/journal/entries/{e}/delete/", "POST"),
        ("get", "/messages/{c}/{e}/file/", "POST"),
    ],
)
def test_a_wrong_method_is_a_problem_document(cast: Cast, method: str, path: str, allow: str) -> None:
    http = _signed_in(cast, "client_member")
    url = path.format(c=cast.client.id, e="5f0f1e7e-0a8c-4b8e-9d6b-2f6e5b1a7c3d")
    response = http.post(url, "{}", content_type="application/json") if method == "post" else http.get(url)
    assert response.status_code == 405 and response["Content-Type"] == PROBLEM
    assert response["Allow"] == allow and response.json()["detail"] == f"Use {allow}."


def test_a_signed_out_poll_is_told_so_as_a_problem_document(cast: Cast) -> None:
    response = HttpClient().get(reverse("messaging_list", args=[cast.client.id]))
    assert response.status_code == 401 and response["Content-Type"] == PROBLEM
    assert "signed out" in response.json()["detail"]


@pytest.mark.parametrize("content_type", ["application/json", "application/octet-stream"])
def test_an_upload_without_its_csrf_token_is_a_problem_document(cast: Cast, content_type: str) -> None:
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(cast.client_member.user)
    response = http.post(reverse("messaging_send", args=[cast.client.id]), "{}", content_type=content_type)
    assert response.status_code == 403 and response["Content-Type"] == PROBLEM
    assert "reload it" in response.json()["detail"]


def test_a_form_without_its_csrf_token_still_gets_the_page_that_explains(cast: Cast) -> None:
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(cast.clinician.user)
    response = http.post(reverse("client_new"), {"name": "x"})
    assert response.status_code == 403 and response["Content-Type"].startswith("text/html")
