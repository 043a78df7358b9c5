"""Input rules for client fields (pure): one place shared by forms, API and CLI."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

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


PHONE_DIGITS = (6, 15)
PHONE_MAX = 40
DIAGNOSES_MAX = 2000


def clean_phone(value: object) -> str:
    """Normalise to + and digits (E.164 style); blank is allowed."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or len(value) > PHONE_MAX or not re.fullmatch(r"[+\d\s().-]*", value):
        raise ValueError("Enter a phone number using digits, spaces and + ( ) - only.")
    digits = re.sub(r"\D", "", value)
    if not PHONE_DIGITS[0] <= len(digits) <= PHONE_DIGITS[1]:
        raise ValueError("Enter a phone number of 6 to 15 digits.")
    return ("+" if value.strip().startswith("+") else "") + digits


def clean_date_of_birth(value: object, *, today: date) -> str:
    """Return an ISO date, or blank; refuse the future and the implausible past."""
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        born = value
    elif isinstance(value, str):
        try:
            born = date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("Enter the date of birth as YYYY-MM-DD.") from None
    else:
        raise ValueError("Enter the date of birth as YYYY-MM-DD.")
    if born > today or born.year < 1900:
        raise ValueError("Enter a date of birth between 1900 and today.")
    return born.isoformat()


def clean_diagnoses(value: object) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise ValueError("Enter diagnoses as text.")
    text = value.strip().replace("\r\n", "\n")
    if len(text) > DIAGNOSES_MAX or "\x00" in text:
        raise ValueError(f"Keep diagnoses to {DIAGNOSES_MAX} characters of ordinary text.")
    return text
