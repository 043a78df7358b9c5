from __future__ import annotations

from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from confide.accounts.identity import login_key
from confide.practices.models import Member


def test_it_creates_a_practice_and_its_owner(db: None) -> None:
    out = StringIO()
    with mock.patch("getpass.getpass", return_value="a long owner passphrase"):
        call_command("createpractice", "Harbor Therapy", owner_email="o@harbor.test", owner_name="O", stdout=out)
    member = Member.objects.get(user__email=login_key("o@harbor.test"))
    assert member.role == "owner" and member.practice.slug == "harbor-therapy"
    assert member.user.check_password("a long owner passphrase")


def test_it_refuses_a_weak_password_and_creates_nothing(db: None) -> None:
    with mock.patch("getpass.getpass", return_value="short"), pytest.raises(CommandError, match="too short"):
        call_command("createpractice", "Harbor Therapy", owner_email="o@harbor.test")
    assert not Member.objects.exists()
