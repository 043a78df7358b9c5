from __future__ import annotations

from django.http import HttpRequest

from confide.practices.permissions import ROLE_PERMISSIONS
from confide.practices.selectors import current_member, memberships_for_user


def membership(request: HttpRequest) -> dict[str, object]:
    """Expose the membership and its permission strings (for showing links, never for access), and the
    user's other practices for the switcher."""
    member = current_member(request)
    perms = {p.value for p in ROLE_PERMISSIONS[member.role_enum]} if member and member.is_active else set()
    others = [m for m in memberships_for_user(user=request.user) if m != member] if member else []
    return {"member": member, "member_perms": perms, "other_memberships": others}
