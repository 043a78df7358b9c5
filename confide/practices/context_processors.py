from __future__ import annotations

from django.http import HttpRequest

from confide.practices.permissions import ROLE_PERMISSIONS
from confide.practices.selectors import current_member


def membership(request: HttpRequest) -> dict[str, object]:
    """Expose the membership and its permission strings (for showing links, never for access)."""
    member = current_member(request)
    perms = {p.value for p in ROLE_PERMISSIONS[member.role_enum]} if member and member.is_active else set()
    return {"member": member, "member_perms": perms}
