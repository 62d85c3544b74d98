"""The results of a method, in the open: for each published version of each step, what the
members who applied it obtained and its verdict, as a page and as open data (JSON).

Visible as the method is (``access.get_method``). The figures are the versions' latest
releases (``method/releases.py``), never computed live; the published debriefs are read live,
so that a text withdrawn or erased leaves at once.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from entregent.method import releases, results
from entregent.method.access import get_method
from entregent.method.feedback import public_name
from entregent.method.models import Debrief, Method
from entregent.method.templatetags.method_results import outcome_labels
from entregent.method.views import absolute, public_page_context

# /methods/<slug>/results/


def results_page(request: HttpRequest, slug: str) -> HttpResponse:
    method = get_method(request, slug)
    # ?all=<version id>: every published debrief of that version rather than the newest.
    requested = request.GET.get("all", "")
    all_of = int(requested) if requested.isdigit() else None
    steps = releases.method_results(method, all_debriefs_of=all_of)
    title = _("Results: %(title)s") % {"title": method.title}
    description = _(
        "What the members who applied each step obtained, measured from their own log, and "
        "each version's verdict against what it said it would bring."
    )
    context = {
        "method": method,
        "steps": steps,
        "title": title,
        "all_of": all_of,
        "minimum": results.MIN_MEMBERS,
        "minimum_changed": results.MIN_CHANGED,
        **public_page_context(method, request.path, title, description),
    }
    return render(request, "method/results.html", context)


# /methods/<slug>/results.json


def results_json(request: HttpRequest, slug: str) -> JsonResponse:
    """Open data: every published version's released figures and published debriefs. The
    keys are documented in docs/results.md and ``method/results.py``; they stay stable."""
    method = get_method(request, slug)
    steps = releases.method_results(method, debriefs_shown=None)
    labels = outcome_labels()
    versions = [version_json(row, labels) for step in steps for row in reversed(step.versions)]
    data = {
        "schema": results.SCHEMA,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "language": translation.get_language(),
        "method": method_json(method),
        "rule": {
            "minimum_members": results.MIN_MEMBERS,
            "minimum_bucket": results.MIN_BUCKET,
            "minimum_changed": results.MIN_CHANGED,
            "confidence": results.CONFIDENCE,
            "interval": "wilson",
            "text": results.general_rule_text(),
        },
        "outcome_kinds": labels,
        "versions": versions,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    if method.is_public:
        # Open data: any site may read a public method's results (no cookie is sent).
        response["Access-Control-Allow-Origin"] = "*"
    return response


def method_json(method: Method) -> dict[str, Any]:
    return {
        "title": method.title,
        "slug": method.slug,
        "language": method.language,
        "url": absolute(method.get_absolute_url()),
        "results_url": absolute(reverse("methods:results", args=[method.slug])),
    }


def version_json(row: releases.VersionResults, labels: dict[str, str]) -> dict[str, Any]:
    version = row.version
    expectation = results.Expectation.of(version)
    return {
        "step": version.step.number,
        "version": version.number,
        "title": version.title,
        "state": version.state,
        "url": absolute(version.get_absolute_url()),
        "validated_at": version.validated_at.isoformat() if version.validated_at else None,
        "expectation": expectation.to_json() if expectation else None,
        "rule": results.rule_text(expectation, labels.get(expectation.kind, ""))
        if expectation
        else results.rule_text(None),
        "results": row.figures or {"schema": results.SCHEMA, "enough": False},
        "published_debriefs": [debrief_json(d) for d in row.debriefs],
    }


def debrief_json(debrief: Debrief) -> dict[str, Any]:
    """A published debrief: its texts and date, and its author only if signed. Never its
    numbers, nor its self-assessment."""
    signed = debrief.visibility == Debrief.Visibility.SIGNED
    return {
        "written_on": debrief.written_on.isoformat(),
        "author": public_name(debrief.owner) if signed else None,
        "obtained": debrief.obtained,
        "problems": debrief.problems,
        "solutions": debrief.solutions,
    }
