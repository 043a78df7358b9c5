"""Someone who works at two practices switches between them from the header, on a phone and on a laptop."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.practices.models import Member
from confide.practices.permissions import Role
from tests.browser.helpers import sign_in
from tests.cast import Cast


@pytest.mark.parametrize("size", [(390, 844), (1280, 800)], ids=["phone", "laptop"])
def test_a_clinician_at_two_practices_switches_from_the_header(
    page: Page, live_server: LiveServer, live_cast: Cast, size: tuple[int, int]
) -> None:
    Member.objects.create(  # Chris has joined Elsewhere Clinic as its second owner (the invitation is tested apart)
        practice_id=live_cast.outsider.practice_id,
        user=live_cast.clinician.user,
        role=Role.OWNER,
        joined_at=timezone.now(),
        is_active=True,
    )
    page.set_viewport_size({"width": size[0], "height": size[1]})
    sign_in(page, live_server.url, "chris@harbor.test")
    switcher = page.locator("form.switcher")
    expect(switcher).to_contain_text("Working in Harbor")
    expect(page.get_by_role("link", name="Practice", exact=True)).to_have_count(0)  # a clinician at Harbor
    page.get_by_label("switch to").select_option(label="Elsewhere Clinic")
    switcher.get_by_role("button", name="Switch").click()
    expect(page.locator(".messages")).to_contain_text("You are now working in Elsewhere Clinic.")
    expect(page.locator("form.switcher")).to_contain_text("Working in Elsewhere Clinic")
    expect(page.get_by_role("link", name="Practice", exact=True)).to_be_visible()  # an owner there
    page.get_by_role("link", name="Clients", exact=True).click()
    expect(page.locator("main")).not_to_contain_text("Jordan")  # Harbor's clients stay at Harbor
    assert page.evaluate("document.scrollingElement.scrollWidth") <= size[0]  # nothing runs off a phone
