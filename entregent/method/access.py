"""Who may see and do what in a method: the one place every method view fetches its objects.

Reading: a public method is readable by anyone, a members-only one by members only; a step
and a version are readable once published (open, in synthesis, validated, superseded).
Drafts and scheduled versions exist only for the method's facilitators. Anything a user may
not see is a 404, never a 403, so that a members-only method or an unpublished draft does not
even reveal that it exists.

Doing: facilitators draft, edit, schedule, publish and validate; moderators (and
facilitators) moderate the feedback. Someone who can see the page but not do the action gets
a 403 (``PermissionDenied``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from entregent.method.models import Method, Step, StepVersion


def get_method(request: HttpRequest, slug: str) -> Method:
    """The method ``slug`` if the request's user may read it, else 404."""
    return get_object_or_404(Method.objects.visible_to(request.user), slug=slug)


def get_step(request: HttpRequest, method: Method, number: int) -> Step:
    """Step ``number`` of ``method`` (already fetched with ``get_method``), with its versions
    prefetched. A step with nothing published yet is 404 for everyone but the facilitators."""
    step = get_object_or_404(
        Step.objects.prefetch_related(
            Prefetch("versions", queryset=StepVersion.objects.order_by("number"))
        ),
        method=method,
        number=number,
    )
    # The method is the one already fetched (and its roles cache with it).
    step.method = method
    if step.current_version(request.user) is None:
        raise Http404
    return step


def get_version(request: HttpRequest, step: Step, number: int) -> StepVersion:
    """Version ``number`` of ``step`` (from ``get_step``), 404 unless the user may read it:
    drafts and scheduled versions are for the facilitators only."""
    for version in step.versions.all():
        if version.number == number:
            version.step = step
            if not version.visible_to(request.user):
                raise Http404
            return version
    raise Http404


def require_facilitator(method: Method, user: Any) -> None:
    """403 unless ``user`` facilitates ``method``."""
    if not method.is_facilitator(user):
        raise PermissionDenied


def require_moderator(method: Method, user: Any) -> None:
    """403 unless ``user`` moderates ``method`` (its facilitators moderate it too)."""
    if not method.is_moderator(user):
        raise PermissionDenied
