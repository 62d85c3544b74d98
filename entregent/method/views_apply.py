"""Applying a step and debriefing it: the member's own pages.

Applying starts from a version the member may read (``access``); everything after that is
private to them. Adoptions, their checklists and debriefs are fetched through one helper per
model (``_get_adoption``, ``_get_item``, ``_get_debrief``) that goes through the owner-scoped
queryset and answers 404 for anyone else's: a facilitator sees no one's adoption here, only
what members chose to share with them, elsewhere. Visitors are sent to the login page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from entregent.lib.http import AuthenticatedHttpRequest
from entregent.method import adoptions, measure
from entregent.method.access import get_method, get_step, get_version
from entregent.method.forms_apply import AdoptionForm, DebriefForm, ItemForm, TickForm
from entregent.method.models import Adoption, ChecklistItem, Debrief, Step, StepVersion


def _adoptions(request: AuthenticatedHttpRequest) -> Any:
    return Adoption.objects.owned_by(request.user).select_related(
        "version__step__method", "objective"
    )


def _get_adoption(request: AuthenticatedHttpRequest, pk: int) -> Adoption:
    return get_object_or_404(_adoptions(request), pk=pk)


def _get_item(request: AuthenticatedHttpRequest, adoption: Adoption, pk: int) -> ChecklistItem:
    # The adoption is already the member's: its items are too.
    return get_object_or_404(ChecklistItem.objects.filter(adoption=adoption), pk=pk)


def _get_debrief(request: AuthenticatedHttpRequest, adoption: Adoption, pk: int) -> Debrief:
    return get_object_or_404(
        Debrief.objects.owned_by(request.user).filter(adoption=adoption), pk=pk
    )


def adoption_url(adoption: Adoption, anchor: str = "") -> str:
    return reverse("methods:adoption", args=[adoption.pk]) + (f"#{anchor}" if anchor else "")


def _newer_validated(version: StepVersion) -> StepVersion | None:
    """The version of the same step validated after ``version``, if any."""
    return (
        StepVersion.objects.filter(
            step_id=version.step_id, state=StepVersion.State.VALIDATED, number__gt=version.number
        )
        .order_by("-number")
        .first()
    )


# /methods/<slug>/steps/<n>/v<k>/apply/


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: AuthenticatedHttpRequest, slug: str, number: int, version: int) -> HttpResponse:
    method = get_method(request, slug)
    step = get_step(request, method, number)
    applied = get_version(request, step, version)
    existing = _adoptions(request).filter(version=applied).first()
    if existing is not None:
        messages.info(request, _("You already apply this step: here is your checklist."))
        return redirect(adoption_url(existing))
    form = AdoptionForm(request.POST or None, owner=request.user, version=applied)
    if request.method == "POST" and form.is_valid():
        adoption, created = adoptions.apply(
            request.user,
            applied,
            adopted_on=form.cleaned_data["adopted_on"],
            objective=form.cleaned_data["objective"],
        )
        if created:
            messages.success(
                request, _("You apply this step. Its checklist is yours: tick it as you go.")
            )
        return redirect(adoption_url(adoption))
    reason = adoptions.why_not_applicable(applied)
    context = {
        "method": method,
        "step": step,
        "version": applied,
        "form": form,
        "reason": reason,
        "newer": _newer_validated(applied)
        if applied.state == StepVersion.State.SUPERSEDED
        else None,
        "title": _("Apply step %(step)d") % {"step": step.number},
    }
    return render(request, "method/adoption_form.html", context)


# /methods/applied/


@login_required
def adoption_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = list(
        _adoptions(request).annotate(
            item_count=Count("items", distinct=True),
            done_count=Count("items", filter=Q(items__done_at__isnull=False), distinct=True),
            debrief_count=Count("debriefs", distinct=True),
            last_debrief=Max("debriefs__written_on"),
        )
    )
    today = timezone.localdate()
    for adoption in rows:
        adoption.window_end = measure.window_end(adoption)
    context = {
        "active": [a for a in rows if a.status == Adoption.Status.ACTIVE],
        "abandoned": [a for a in rows if a.status == Adoption.Status.ABANDONED],
        "today": today,
    }
    return render(request, "method/adoption_list.html", context)


# /methods/applied/<pk>/


@login_required
def adoption_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    adoption = _get_adoption(request, pk)
    return _adoption_page(request, adoption)


def _adoption_page(
    request: AuthenticatedHttpRequest,
    adoption: Adoption,
    *,
    item_form: ItemForm | None = None,
    status: int = 200,
) -> HttpResponse:
    items = list(adoption.items.all())
    version = adoption.version
    end = measure.window_end(adoption)
    today = timezone.localdate()
    context = {
        "adoption": adoption,
        "version": version,
        "step": version.step,
        "method": version.step.method,
        "items": items,
        "done": sum(1 for item in items if item.done_at is not None),
        "item_form": item_form or ItemForm(adoption=adoption),
        "debriefs": list(adoption.debriefs.all()),
        "window_end": end,
        "window_last_day": end - dt.timedelta(days=1) if end else None,
        "window_ended": end is not None and end <= today,
        "newer": _newer_validated(version),
        "can_add": len(items) < adoptions.MAX_ITEMS,
    }
    return render(request, "method/adoption_detail.html", context, status=status)


# /methods/applied/<pk>/edit/


@login_required
@require_http_methods(["GET", "POST"])
def adoption_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    adoption = _get_adoption(request, pk)
    form = AdoptionForm(request.POST or None, owner=request.user, instance=adoption)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect(adoption_url(adoption))
    context = {
        "adoption": adoption,
        "version": adoption.version,
        "step": adoption.version.step,
        "method": adoption.version.step.method,
        "form": form,
        "title": _("Change the date or the objective"),
    }
    return render(request, "method/adoption_form.html", context)


# /methods/applied/<pk>/abandon/ and /resume/


@login_required
@require_POST
def adoption_abandon(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    adoption = _get_adoption(request, pk)
    if adoptions.abandon(adoption):
        messages.success(
            request,
            _(
                "You stopped applying this step. A debrief still helps others: what did not "
                "work is a result too."
            ),
        )
    return redirect(adoption_url(adoption))


@login_required
@require_POST
def adoption_resume(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    adoption = _get_adoption(request, pk)
    if adoptions.resume(adoption):
        messages.success(request, _("You apply this step again, since the same date."))
    return redirect(adoption_url(adoption))


# /methods/applied/<pk>/items/...


@login_required
@require_POST
def item_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    adoption = _get_adoption(request, pk)
    form = ItemForm(request.POST, adoption=adoption)
    if not form.is_valid():
        return _adoption_page(request, adoption, item_form=form)
    item = adoptions.add_item(adoption, form.cleaned_data["text"])
    return redirect(adoption_url(adoption, f"item-{item.pk}"))


@login_required
@require_POST
def item_tick(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    adoption = _get_adoption(request, pk)
    line = _get_item(request, adoption, item)
    form = TickForm(request.POST)
    if form.is_valid():
        adoptions.tick(line, bool(form.cleaned_data["done"]))
    return redirect(adoption_url(adoption, f"item-{line.pk}"))


@login_required
@require_POST
def item_delete(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    adoption = _get_adoption(request, pk)
    line = _get_item(request, adoption, item)
    if line.from_step:
        # The step's own items stay: leave them unticked instead.
        messages.error(request, _("This item comes from the step: it stays on the list."))
    else:
        line.delete()
        messages.success(request, _("Item removed."))
    return redirect(adoption_url(adoption, "checklist"))


# /methods/applied/<pk>/debriefs/...


@login_required
@require_http_methods(["GET", "POST"])
def debrief_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    adoption = _get_adoption(request, pk)
    prefill = adoptions.prefill(adoption)
    form = DebriefForm(request.POST or None, adoption=adoption, prefill=prefill)
    if request.method == "POST" and form.is_valid():
        debrief = form.save()
        messages.success(request, _("Your debrief is saved. Thank you."))
        return redirect(reverse("methods:debrief", args=[adoption.pk, debrief.pk]))
    return _debrief_form(request, adoption, form, prefill.window_last_day)


@login_required
@require_http_methods(["GET", "POST"])
def debrief_edit(request: AuthenticatedHttpRequest, pk: int, debrief: int) -> HttpResponse:
    adoption = _get_adoption(request, pk)
    written = _get_debrief(request, adoption, debrief)
    form = DebriefForm(request.POST or None, adoption=adoption, instance=written)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your debrief is saved."))
        return redirect(reverse("methods:debrief", args=[adoption.pk, written.pk]))
    end = form.window_end
    return _debrief_form(request, adoption, form, end - dt.timedelta(days=1) if end else None)


def _debrief_form(
    request: HttpRequest, adoption: Adoption, form: DebriefForm, window_last_day: Any
) -> HttpResponse:
    version = adoption.version
    debrief: Debrief = form.instance
    context = {
        "adoption": adoption,
        "version": version,
        "step": version.step,
        "method": version.step.method,
        "form": form,
        "debrief": debrief if debrief.pk else None,
        "until": debrief.written_on if debrief.pk else timezone.localdate(),
        "window_last_day": window_last_day,
        "expected_kind": version.get_expected_kind_display() if version.expected_kind else "",
    }
    return render(request, "method/debrief_form.html", context)


@login_required
def debrief_detail(request: AuthenticatedHttpRequest, pk: int, debrief: int) -> HttpResponse:
    adoption = _get_adoption(request, pk)
    written = _get_debrief(request, adoption, debrief)
    version = adoption.version
    numbers = [
        (label, written.measured.get(key, 0), written.corrected.get(key))
        for key, label in _labels(written)
    ]
    context = {
        "adoption": adoption,
        "version": version,
        "step": version.step,
        "method": version.step.method,
        "debrief": written,
        "numbers": numbers,
        "corrected_count": len(written.corrected)
        + (1 if written.window_corrected is not None else 0),
        "expected_kind": version.get_expected_kind_display() if version.expected_kind else "",
    }
    return render(request, "method/debrief_detail.html", context)


def _labels(debrief: Debrief) -> list[tuple[str, str]]:
    from entregent.method.forms_apply import number_label

    keys = [k for k in measure.KEYS if k in debrief.measured] + [
        k for k in debrief.measured if k not in measure.KEYS
    ]
    return [(key, number_label(key)) for key in keys]


@login_required
@require_http_methods(["GET", "POST"])
def debrief_delete(request: AuthenticatedHttpRequest, pk: int, debrief: int) -> HttpResponse:
    adoption = _get_adoption(request, pk)
    written = _get_debrief(request, adoption, debrief)
    if request.method == "POST":
        adoptions.delete_debrief(written)
        messages.success(request, _("Your debrief is deleted."))
        return redirect(adoption_url(adoption, "debriefs"))
    context = {
        "adoption": adoption,
        "version": adoption.version,
        "step": adoption.version.step,
        "method": adoption.version.step.method,
        "debrief": written,
    }
    return render(request, "method/debrief_confirm_delete.html", context)


# The step's page: what the member does with the version shown (views_steps includes it).


def step_context(request: HttpRequest, step: Step, version: StepVersion) -> dict[str, Any]:
    """What ``method/_adoption.html`` needs on the step's page: one query for a member (their
    adoptions of this step's versions, with their progress), none for a visitor."""
    mine: Adoption | None = None
    other: Adoption | None = None
    user = request.user
    if user.is_authenticated:
        for adoption in (
            Adoption.objects.owned_by(user)
            .filter(version__step=step)
            .select_related("version")
            .annotate(
                item_count=Count("items"),
                done_count=Count("items", filter=Q(items__done_at__isnull=False)),
            )
            .order_by("-version__number")
        ):
            if adoption.version_id == version.pk:
                mine = adoption
            elif other is None:
                other = adoption
    return {
        "adoption": mine,
        "other_adoption": other,
        "applicable": version.state == StepVersion.State.VALIDATED,
        "apply_url": reverse(
            "methods:apply", args=[step.method.slug, step.number, version.number]
        ),
    }
