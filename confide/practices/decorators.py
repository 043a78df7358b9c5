"""The one way a page obtains the caller's membership and checks a role permission."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from confide.practices.models import Member
from confide.practices.permissions import Permission
from confide.practices.selectors import current_member

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, Member, P], HttpResponseBase]


def member_required(
    permission: Permission, *others: Permission
) -> Callable[[View[P]], Callable[Concatenate[HttpRequest, P], HttpResponseBase]]:
    """Pass the caller's membership to the view; 404 when the role lacks ``permission`` (or each of
    ``others``, when a page serves several roles: a client's thread and a clinician's are one page).

    404 rather than 403 so that a page's existence tells nothing to someone who may not see it.
    """

    def decorator(view: View[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
        def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            member = current_member(request)
            if member is None or not any(member.has(p) for p in (permission, *others)):
                raise Http404
            return view(request, member, *args, **kwargs)

        functools.update_wrapper(wrapper, view)
        return wrapper

    return decorator
