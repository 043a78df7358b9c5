"""Input rules for client fields (pure): one place shared by forms, API and CLI."""

from __future__ import annotations

import re
import unicodedata

NAME_MAX = 200
EMAIL_MAX = 254
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def clean_name(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("Enter the client's name as text.")
    name = unicodedata.normalize("NFC", value).strip()
    if not name:
        raise ValueError("Enter the client's name.")
    if len(name) > NAME_MAX:
        raise ValueError(f"Keep the name to {NAME_MAX} characters or fewer.")
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} for ch in name):
        raise ValueError("The name contains characters that cannot be stored.")
    return name


def clean_email(value: object, *, required: bool = False) -> str:
    if value is None or value == "":
        if required:
            raise ValueError("Enter an e-mail address.")
        return ""
    if not isinstance(value, str):
        raise ValueError("Enter the e-mail address as text.")
    email = value.strip()
    if len(email) > EMAIL_MAX or not _EMAIL.match(email) or any(ord(ch) < 32 for ch in email):
        raise ValueError("Enter a valid e-mail address.")
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"
