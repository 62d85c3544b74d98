"""Steps and their versions: the step's page, one version's page, writing versions, their
lifecycle (schedule, publish, close, reopen, validate) and the differences between two.

Objects come from ``access`` (404 for what the user may not read); writing and the lifecycle
are for the method's facilitators (403 for anyone else who can read the page). The step and
version pages read a fixed number of queries whatever the number of versions; the feedback
below them is ``feedback.thread_context``'s.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from entregent.lib import weekly
from entregent.lib.http import AuthenticatedHttpRequest
from entregent.method import diffs, feedback, publication, synthesis, views_apply
from entregent.method.access import get_method, get_step, get_version, require_facilitator
from entregent.method.forms import PublishForm, ScheduleForm, VersionForm
from entregent.method.models import (
    Comment,
    Disposition,
    Method,
    Step,
    StepVersion,
    TransitionError,
)
from entregent.method.templatetags.methods import moment
from entregent.method.views import public_page_context

State = StepVersion.State

# What a facilitator can do to a version in each state, in the order the page offers it.
ACTIONS_BY_STATE: dict[str, tuple[str, ...]] = {
    State.DRAFT: ("schedule", "publish"),
    State.SCHEDULED: ("schedule", "unschedule", "publish"),
    State.OPEN: ("close", "validate"),
    State.SYNTHESIS: ("reopen", "validate"),
    State.VALIDATED: (),
    State.SUPERSEDED: (),
}
ACTIONS = frozenset(a for actions in ACTIONS_BY_STATE.values() for a in actions)


def actions_for(version: StepVersion) -> tuple[str, ...]:
    """What a facilitator can do to ``version`` now. A draft that revises an earlier version
    (written after its synthesis) may also be validated directly: its feedback was given on
    the version it revises."""
    actions = ACTIONS_BY_STATE[version.state]
    if version.state == State.DRAFT and version.is_revision:
        actions = (*actions, "validate")
    return actions


# The fields of a version its form writes (the checklist beside them).
TEXT_FIELDS = (
    "title",
    "reasoning",
    "recommendation",
    "checklist",
    "expected_kind",
    "expected_count",
    "expected_share",
    "expected_window_days",
    "expectation_text",
)


def heading(step: Step, version: StepVersion) -> str:
    return _("Step %(step)d, version %(version)d: %(title)s") % {
        "step": step.number,
        "version": version.number,
        "title": version.title,
    }


def _pending(step: Step) -> StepVersion | None:
    """The step's draft or scheduled version (one at a time), from the prefetched versions."""
    return next((v for v in step.versions.all() if v.is_editable), None)


def _version_page(
    request: HttpRequest,
    method: Method,
    step: Step,
    version: StepVersion,
    *,
    schedule_form: ScheduleForm | None = None,
    publish_form: PublishForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    is_facilitator = method.is_facilitator(user)
    current = step.current_version(user)
    versions = [v for v in step.versions.all() if v.visible_to(user)]
    previous = next((v for v in reversed(versions) if v.number < version.number), None)
    # A newer version in discussion while the validated one stays current: readers are
    # pointed to it, that is where their comments are wanted.
    in_discussion = next(
        (
            v
            for v in reversed(versions)
            if v.number > version.number and v.state in (State.OPEN, State.SYNTHESIS)
        ),
        None,
    )
    actions = actions_for(version) if is_facilitator else ()
    if is_facilitator:
        schedule_form = schedule_form or ScheduleForm(
            user=user, version=version, prefix="schedule"
        )
        publish_form = publish_form or PublishForm(
            user=user, prefix="publish", initial=_zoned_initial(version, user)
        )
    context: dict[str, Any] = {
        "method": method,
        "step": step,
        "version": version,
        "current": current,
        "is_current": current is not None and current.pk == version.pk,
        "versions": versions,
        "previous": previous,
        "in_discussion": in_discussion,
        "is_facilitator": is_facilitator,
        "actions": actions,
        "pending": _pending(step) if is_facilitator else None,
        "schedule_form": schedule_form,
        "publish_form": publish_form,
        "user_zone": getattr(user, "time_zone", ""),
        "heading": heading(step, version),
    }
    if version.is_published:
        # A draft or scheduled version is not for sharing, even on a public method.
        context.update(
            public_page_context(
                method, request.path, heading(step, version), version.recommendation
            )
        )
    # Applying the version shown: the member's own adoption of it, or the way to apply it.
    context["apply_box"] = views_apply.step_context(request, step, version)
    context.update(feedback.thread_context(request, method, step, version))
    return render(request, "method/step.html", context, status=status)


def _zoned_initial(version: StepVersion, user: Any) -> dict[str, Any]:
    """The closing date already set on ``version``, as the facilitator reads it."""
    if version.feedback_closes_at is None:
        return {}
    zone = weekly.zone_named(getattr(user, "time_zone", ""), settings.TIME_ZONE)
    return {"feedback_closes_at": version.feedback_closes_at.astimezone(zone).replace(tzinfo=None)}


# /methods/<slug>/steps/<n>/


def step_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    method = get_method(request, slug)
    step = get_step(request, method, number)
    version = step.current_version(request.user)
    assert version is not None  # get_step answers 404 otherwise
    return _version_page(request, method, step, version)


# /methods/<slug>/steps/<n>/v<k>/


def version_detail(request: HttpRequest, slug: str, number: int, version: int) -> HttpResponse:
    method = get_method(request, slug)
    step = get_step(request, method, number)
    return _version_page(request, method, step, get_version(request, step, version))


# /methods/<slug>/steps/new/


@login_required
def step_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    method = get_method(request, slug)
    require_facilitator(method, request.user)
    form = VersionForm(request.POST or None)
    next_number = (method.steps.aggregate(n=Max("number"))["n"] or 0) + 1
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                number = (method.steps.aggregate(n=Max("number"))["n"] or 0) + 1
                step = Step.objects.create(method=method, number=number)
                version = form.save(commit=False)
                version.step = step
                version.number = 1
                version.created_by = request.user
                version.save()
        except IntegrityError:
            # Another facilitator added a step with this number at the same moment.
            messages.error(request, _("Another step was added at the same moment: save again."))
        else:
            messages.success(
                request,
                _(
                    "Step %(number)d is drafted. Only the facilitators see it until you "
                    "publish or schedule it."
                )
                % {"number": step.number},
            )
            return redirect(version)
    elif request.method == "POST":
        messages.error(request, _("Please correct the errors below."))
    context = {"method": method, "form": form, "step_number": next_number, "mode": "step"}
    return render(request, "method/version_form.html", context)


# /methods/<slug>/steps/<n>/versions/new/


@login_required
def version_new(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    method = get_method(request, slug)
    step = get_step(request, method, number)
    require_facilitator(method, request.user)
    pending = _pending(step)
    if pending is not None:
        messages.info(
            request,
            _(
                "Version %(number)d of this step is not published yet: edit it rather than "
                "starting another one."
            )
            % {"number": pending.number},
        )
        return redirect("methods:version-edit", method.slug, step.number, pending.number)
    latest = _revised(request, step)
    template = StepVersion(
        **{name: getattr(latest, name) for name in TEXT_FIELDS}, based_on=latest
    )
    form = VersionForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                version = form.save(commit=False)
                version.step = step
                version.number = latest.next_number()
                version.created_by = request.user
                version.save()
        except IntegrityError:
            messages.error(
                request, _("Another version was started at the same moment: save again.")
            )
        else:
            messages.success(
                request,
                _("Version %(number)d is drafted, from version %(based_on)d.")
                % {"number": version.number, "based_on": latest.number},
            )
            if request.GET.get("then") == "validate":
                # Written from the synthesis workspace: validated directly, after its
                # confirmation page.
                return redirect(
                    "methods:version-transition",
                    method.slug,
                    step.number,
                    version.number,
                    "validate",
                )
            return redirect(version)
    elif request.method == "POST":
        messages.error(request, _("Please correct the errors below."))
    context = {
        "method": method,
        "step": step,
        "form": form,
        "based_on": latest,
        "mode": "new",
        "then_validate": request.GET.get("then") == "validate",
    }
    return render(request, "method/version_form.html", context)


def _revised(request: HttpRequest, step: Step) -> StepVersion:
    """The version a new one is written from: the one asked for (``?from=<k>``, from the
    synthesis workspace), if published, else the step's latest."""
    versions = list(step.versions.all())
    asked = request.GET.get("from", "")
    chosen = next(
        (v for v in versions if asked.isdigit() and v.number == int(asked) and v.is_published),
        None,
    )
    return chosen or max(versions, key=lambda v: v.number)


# /methods/<slug>/steps/<n>/v<k>/edit/


@login_required
def version_edit(
    request: AuthenticatedHttpRequest, slug: str, number: int, version: int
) -> HttpResponse:
    method = get_method(request, slug)
    step = get_step(request, method, number)
    current = get_version(request, step, version)
    require_facilitator(method, request.user)
    if not current.is_editable:
        messages.error(
            request,
            _(
                "Version %(number)d is published: its text no longer changes. Write a new "
                "version instead."
            )
            % {"number": current.number},
        )
        return redirect(current)
    form = VersionForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        edited = form.save(commit=False)
        # Written only if it is still a draft or scheduled: published meanwhile (by the
        # scheduler, say), its text is what readers have seen and stays as it is.
        saved = StepVersion.objects.filter(
            pk=edited.pk, state__in=StepVersion.EDITABLE_STATES
        ).update(
            updated_at=timezone.now(), **{name: getattr(edited, name) for name in TEXT_FIELDS}
        )
        if saved:
            messages.success(
                request, _("Version %(number)d is saved.") % {"number": edited.number}
            )
        else:
            messages.error(
                request,
                _(
                    "Version %(number)d was published while you were editing it: your changes "
                    "were not saved. Write them into a new version."
                )
                % {"number": edited.number},
            )
        return redirect(edited)
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below."))
    context = {"method": method, "step": step, "version": current, "form": form, "mode": "edit"}
    return render(request, "method/version_form.html", context)


# /methods/<slug>/steps/<n>/v<k>/<action>/


@login_required
@require_http_methods(["GET", "POST"])
def version_transition(
    request: AuthenticatedHttpRequest, slug: str, number: int, version: int, action: str
) -> HttpResponse:
    method = get_method(request, slug)
    step = get_step(request, method, number)
    target = get_version(request, step, version)
    require_facilitator(method, request.user)
    if action not in ACTIONS:
        return redirect(target)
    if request.method == "GET":
        # Validating cannot be undone: a page of its own says what it does before it is done.
        if action != "validate":
            return HttpResponseNotAllowed(["POST"])
        validated = next((v for v in step.versions.all() if v.state == State.VALIDATED), None)
        context = {
            "method": method,
            "step": step,
            "version": target,
            "heading": heading(step, target),
            "supersedes": validated if validated and validated.number < target.number else None,
            "allowed": "validate" in actions_for(target),
            **_validation_context(step, target),
        }
        return render(request, "method/version_validate.html", context)
    if action not in actions_for(target):
        messages.warning(request, _not_applicable(target, action))
        return redirect(target)
    if action == "schedule":
        return _schedule(request, method, step, target)
    if action == "publish":
        return _publish(request, method, step, target)
    integrating = Disposition.objects.waiting_for(target).count() if action == "validate" else 0
    done = {
        "unschedule": target.unschedule,
        "close": target.close_feedback,
        "reopen": target.reopen_feedback,
        "validate": target.validate,
    }[action]()
    if not done:
        target.refresh_from_db(fields=["state"])
        messages.warning(request, _not_applicable(target, action))
    else:
        text = _DONE[action] % {"number": target.number}
        if integrating:
            text += " " + ngettext(
                "%(count)d suggestion or criticism marked “integrated” now points to it.",
                "%(count)d suggestions and criticisms marked “integrated” now point to it.",
                integrating,
            ) % {"count": integrating}
        messages.success(request, text)
    return redirect(target)


def _validation_context(step: Step, target: StepVersion) -> dict[str, Any]:
    """What validating ``target`` will do besides, for its confirmation page: the versions
    it closes, the synthesis it publishes, the dispositions it fulfils and those still
    undecided on the version whose feedback it answers."""
    closes = [
        v
        for v in step.versions.all()
        if v.number < target.number and v.state in (State.OPEN, State.SYNTHESIS)
    ]
    answered = next((v for v in step.versions.all() if v.pk == target.based_on_id), None)
    if target.state in (State.OPEN, State.SYNTHESIS):
        answered = target
    publishes = [
        v
        for v in (target, answered)
        if v is not None and v.synthesis and v.synthesis_published_at is None
    ]
    undecided = 0
    if answered is not None:
        undecided = Comment.objects.filter(
            version=answered,
            status=Comment.Status.PUBLISHED,
            kind__in=Comment.VOTABLE_KINDS,
            disposition__isnull=True,
        ).count()
    return {
        "closes": closes,
        "answered": answered,
        "publishes": publishes,
        "integrating": Disposition.objects.waiting_for(target).count(),
        "undecided": undecided,
    }


_DONE = {
    "unschedule": gettext_lazy(
        "Version %(number)d is no longer scheduled: it is a draft again, seen by the "
        "facilitators only."
    ),
    "close": gettext_lazy("The feedback on version %(number)d is closed: it is in synthesis."),
    "reopen": gettext_lazy("The feedback on version %(number)d is open again."),
    "validate": gettext_lazy(
        "Version %(number)d is validated: members can now apply it. It still takes comments, "
        "for the next version."
    ),
}


def _not_applicable(version: StepVersion, action: str) -> str:
    return _(
        "Nothing was changed: version %(number)d is “%(state)s” now, and “%(action)s” does not "
        "apply to it. Someone else may have changed it in the meantime."
    ) % {
        "number": version.number,
        "state": version.get_state_display(),
        "action": ACTION_LABELS.get(action, action),
    }


ACTION_LABELS = {
    "schedule": gettext_lazy("schedule"),
    "unschedule": gettext_lazy("unschedule"),
    "publish": gettext_lazy("publish now"),
    "close": gettext_lazy("close the feedback"),
    "reopen": gettext_lazy("reopen the feedback"),
    "validate": gettext_lazy("validate"),
}


def _schedule(
    request: AuthenticatedHttpRequest, method: Method, step: Step, version: StepVersion
) -> HttpResponse:
    form = ScheduleForm(request.POST, user=request.user, version=version, prefix="schedule")
    if not form.is_valid():
        messages.error(request, _("The version was not scheduled: see the dates below."))
        return _version_page(request, method, step, version, schedule_form=form, status=400)
    closes_at = form.cleaned_data["feedback_closes_at"]
    try:
        with transaction.atomic():
            done = version.schedule(form.cleaned_data["publish_at"])
            if done:
                StepVersion.objects.filter(pk=version.pk).update(feedback_closes_at=closes_at)
                version.feedback_closes_at = closes_at
    except TransitionError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(version)
    if not done:
        version.refresh_from_db(fields=["state"])
        messages.warning(request, _not_applicable(version, "schedule"))
        return redirect(version)
    text = _("Version %(number)d is scheduled: it will be published on %(when)s.") % {
        "number": version.number,
        "when": moment(version.publish_at),
    }
    if closes_at:
        text += " " + _("Its feedback closes on %(when)s.") % {"when": moment(closes_at)}
    messages.success(request, text)
    return redirect(version)


def _publish(
    request: AuthenticatedHttpRequest, method: Method, step: Step, version: StepVersion
) -> HttpResponse:
    form = PublishForm(request.POST, user=request.user, prefix="publish")
    if not form.is_valid():
        messages.error(request, _("The version was not published: see the date below."))
        return _version_page(request, method, step, version, publish_form=form, status=400)
    closes_at = form.cleaned_data["feedback_closes_at"]
    try:
        with transaction.atomic():
            if closes_at:
                StepVersion.objects.filter(
                    pk=version.pk, state__in=StepVersion.EDITABLE_STATES
                ).update(feedback_closes_at=closes_at)
                version.feedback_closes_at = closes_at
            done = publication.publish(version)
    except TransitionError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(version)
    if not done:
        version.refresh_from_db(fields=["state"])
        messages.warning(request, _not_applicable(version, "publish"))
        return redirect(version)
    told = method.subscriptions.count()
    messages.success(
        request,
        ngettext(
            "Version %(number)d is published and open for feedback; %(count)d subscriber is "
            "being told.",
            "Version %(number)d is published and open for feedback; %(count)d subscribers are "
            "being told.",
            told,
        )
        % {"number": version.number, "count": told},
    )
    return redirect(version)


# /methods/<slug>/steps/<n>/diff/<a>..<b>/


def version_diff(request: HttpRequest, slug: str, number: int, a: int, b: int) -> HttpResponse:
    method = get_method(request, slug)
    step = get_step(request, method, number)
    old, new = get_version(request, step, a), get_version(request, step, b)
    fields = [
        diffs.compare(_("Title"), old.title, new.title),
        diffs.compare(_("Reasoning"), old.reasoning, new.reasoning),
        diffs.compare(_("Recommendation"), old.recommendation, new.recommendation),
        diffs.compare(_("Checklist"), "\n".join(old.checklist), "\n".join(new.checklist)),
        diffs.compare(
            _("Expectation"),
            _expectation(old),
            _expectation(new),
        ),
    ]
    versions = [v for v in step.versions.all() if v.visible_to(request.user)]
    title = _("Step %(step)d: version %(a)d compared with version %(b)d") % {
        "step": step.number,
        "a": old.number,
        "b": new.number,
    }
    context = {
        "method": method,
        "step": step,
        "old": old,
        "new": new,
        "fields": fields,
        # Each version with the one before it, for the links to the other comparisons.
        "pairs": list(itertools.pairwise(versions)),
        "heading": title,
        "unchanged": not any(f.changed for f in fields),
    }
    context["integrated"], context["set_aside"] = synthesis.diff_dispositions(
        step, old.number, new.number
    )
    if old.is_published and new.is_published:
        context.update(public_page_context(method, request.path, title, new.recommendation))
    return render(request, "method/diff.html", context)


def _expectation(version: StepVersion) -> str:
    return "\n".join(t for t in (version.expectation_summary(), version.expectation_text) if t)
