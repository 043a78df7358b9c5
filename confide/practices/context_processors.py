from __future__ import annotations

from django.http import HttpRequest

from confide.practices.permissions import ROLE_PERMISSIONS
from confide.practices.selectors import current_member


def membership(request: HttpRequest) -> dict[str, object]:
    """Expose the membership and its permission strings (for showing links, never for access), and the
    user's other practices for the switcher."""
    member = current_member(request)
    perms = {p.value for p in ROLE_PERMISSIONS[member.role_enum]} if member and member.is_active else set()
    others = [m for m in getattr(request, "memberships", []) if m != member] if member else []  # the middleware's
    return {"member": member, "member_perms": perms, "other_memberships": others}
