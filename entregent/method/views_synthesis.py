"""The synthesis of the feedback on a version: the facilitators' workspace, the disposition
of each suggestion and criticism, and the synthesis text.

Everything here is for the method's facilitators: the method, step and version come from
``access`` (404 for what the user may not read), then ``require_facilitator`` answers 403 to
anyone else who can read them; visitors are sent to the login page. What the workspace shows
is ``synthesis.workspace``'s: a fixed number of queries, and the opinion analysis read from
its cache, never computed here. Validating goes through the versions' own lifecycle
(``views_steps.version_transition``) and writing a revision through ``version_new``.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from entregent.lib.http import AuthenticatedHttpRequest, safe_next
from entregent.method import polis_rules, synthesis
from entregent.method.access import get_method, get_step, get_version, require_facilitator
from entregent.method.forms_synthesis import DispositionForm, SynthesisForm, TableForm
from entregent.method.models import Comment, Disposition, Method, Step, StepVersion
from entregent.method.views_steps import actions_for, heading

State = StepVersion.State


def _chosen(request: HttpRequest, step: Step) -> StepVersion | None:
    """The version asked for (``?v=<k>``, 404 unless published: a draft has no feedback),
    else the one the facilitator most likely synthesises."""
    asked = request.GET.get("v", "")
    if not asked:
        return synthesis.default_version(step)
    if not asked.isdigit():
        raise Http404
    version = get_version(request, step, int(asked))
    if not version.is_published:
        raise Http404
    return version


def _page(
    request: HttpRequest,
    method: Method,
    step: Step,
    version: StepVersion | None,
    *,
    bound: DispositionForm | None = None,
    bound_pk: int | None = None,
    synthesis_form: SynthesisForm | None = None,
    next_url: str = "",
    status: int = 200,
) -> HttpResponse:
    """The workspace; also sent back by a form with errors, from the form's own address, so
    every link and form on it names the workspace's address in full."""
    versions = [v for v in step.versions.all() if v.is_published]
    table = TableForm(request.GET)
    sort, show = table.choices()
    context: dict[str, Any] = {
        "method": method,
        "step": step,
        "version": version,
        "versions": versions,
        "table_form": table,
        "base": reverse("methods:synthesis", args=[method.slug, step.number]),
        "title": _("Synthesis of step %(step)d") % {"step": step.number},
    }
    lessons = synthesis.lessons(step)
    if lessons is not None:
        context["lessons"] = lessons
        context["lessons_groups"] = [
            (_("Problems met"), lessons.problems),
            (_("Solutions adopted"), lessons.solutions),
            (_("What they obtained"), lessons.obtained),
        ]
    if version is not None:
        version.step = step
        pending = next((v for v in step.versions.all() if v.is_editable), None)
        validated = [v for v in versions if v.validated_at is not None]
        work = synthesis.workspace(
            step, version, sort=sort, show=show, bound=bound, bound_pk=bound_pk
        )
        # Where a disposition comes back to: this page as sorted and filtered.
        next_url = next_url or request.get_full_path()
        writer = synthesis.TableHTML(request, next_url, method.language)
        numbers = {v.pk: v.number for v in step.versions.all()}
        context.update(
            {
                "heading": heading(step, version),
                "work": work,
                "tables": [
                    (kind, label, rows, writer.rows(rows, numbers))
                    for kind, label, rows in work.tables
                ],
                "synthesis_form": synthesis_form or SynthesisForm(instance=version),
                "can_validate": "validate" in actions_for(version),
                "pending": pending,
                "pending_validates": pending is not None and "validate" in actions_for(pending),
                # Each validated version with the one validated before it: what changed.
                "validated_pairs": list(itertools.pairwise(validated)),
                "revisions": [v for v in versions if v.based_on_id == version.pk],
                "thresholds": {
                    "participants": polis_rules.MIN_CLUSTERED_FOR_GROUPS,
                    "votes": polis_rules.MIN_VOTES_TO_CLUSTER,
                    "min_votes": synthesis.MIN_VOTES,
                    "share": round(synthesis.DIVISIVE_SHARE * 100),
                },
            }
        )
    return render(request, "method/synthesis.html", context, status=status)


# /methods/<slug>/steps/<n>/synthesis/


@login_required
@require_GET
def workspace(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    method = get_method(request, slug)
    step = get_step(request, method, number)
    require_facilitator(method, request.user)
    return _page(request, method, step, _chosen(request, step))


# /methods/<slug>/steps/<n>/synthesis/v<k>/text/


@login_required
@require_POST
def synthesis_text(
    request: AuthenticatedHttpRequest, slug: str, number: int, version: int
) -> HttpResponse:
    method = get_method(request, slug)
    step = get_step(request, method, number)
    target = get_version(request, step, version)
    require_facilitator(method, request.user)
    if not target.is_published:
        raise Http404
    form = SynthesisForm(request.POST, instance=target)
    if not form.is_valid():
        messages.error(request, _("The synthesis was not saved: see below."))
        return _page(
            request,
            method,
            step,
            target,
            synthesis_form=form,
            next_url=synthesis.workspace_url(step, target),
            status=400,
        )
    # Only the text: the version's state may have moved meanwhile (validated by another
    # facilitator), and a save of the whole row would move it back.
    StepVersion.objects.filter(pk=target.pk).update(
        synthesis=form.cleaned_data["synthesis"], updated_at=timezone.now()
    )
    target.refresh_from_db(fields=["synthesis_published_at"])
    if target.synthesis_published_at is not None:
        messages.success(request, _("The synthesis is saved; it is public, as changed."))
    else:
        messages.success(
            request,
            _(
                "The synthesis is saved. It will be public once version %(number)d, or a "
                "revision of it, is validated."
            )
            % {"number": target.number},
        )
    return redirect(synthesis.workspace_url(step, target) + "#synthesis-text")


# /methods/<slug>/comments/<pk>/disposition/


@login_required
@require_POST
def comment_disposition(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    method = get_method(request, slug)
    comment = get_object_or_404(
        Comment.objects.select_related("version", "step"),
        pk=pk,
        step__method=method,
        status=Comment.Status.PUBLISHED,
        kind__in=Comment.VOTABLE_KINDS,
    )
    step = get_step(request, method, comment.step.number)
    version = get_version(request, step, comment.version.number)
    require_facilitator(method, request.user)
    back = safe_next(request, synthesis.workspace_url(step, version))
    form = DispositionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("The decision was not recorded: see the suggestion or criticism marked below."),
        )
        return _page(
            request,
            method,
            step,
            version,
            bound=form,
            bound_pk=comment.pk,
            next_url=back,
            status=400,
        )
    with transaction.atomic():
        disposition = Disposition.record(
            comment, form.cleaned_data["decision"], form.cleaned_data["reason"], request.user
        )
    messages.success(
        request,
        _("Recorded for %(kind)s #%(pk)d: %(decision)s.")
        % {
            "kind": comment.get_kind_display().lower(),
            "pk": comment.pk,
            "decision": disposition.get_decision_display(),
        },
    )
    return redirect(f"{back.split('#')[0]}#row-{comment.pk}")
