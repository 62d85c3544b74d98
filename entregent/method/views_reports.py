"""Progress reports (compte rendu): the method's facilitators write them, publish them, and
anyone who may read the method reads the published ones (``reports.py`` publishes and freezes
their figures).

A report is fetched through ``_get_report``: a draft is a 404 for anyone but the method's
facilitators, as a draft version is; what is seen but may not be done (editing a published
report as a member) is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entregent.lib.http import AuthenticatedHttpRequest
from entregent.method import reports, results
from entregent.method.access import get_method, require_facilitator
from entregent.method.forms_reports import ReportForm
from entregent.method.models import Method, ProgressReport
from entregent.method.templatetags.methods import plain_text
from entregent.method.views import public_page_context


def _get_report(request: HttpRequest, method: Method, pk: int) -> ProgressReport:
    """Report ``pk`` of ``method`` (fetched with ``get_method``): a draft is 404 unless the
    user facilitates the method."""
    report = get_object_or_404(
        ProgressReport.objects.select_related("author"), method=method, pk=pk
    )
    report.method = method
    if report.published_at is None and not method.is_facilitator(request.user):
        raise Http404
    return report


# /methods/<slug>/reports/


def report_list(request: HttpRequest, slug: str) -> HttpResponse:
    method = get_method(request, slug)
    is_facilitator = method.is_facilitator(request.user)
    title = _("Progress reports: %(title)s") % {"title": method.title}
    context = {
        "method": method,
        "reports": reports.listed(method),
        "drafts": list(reports.drafts(method)) if is_facilitator else [],
        "is_facilitator": is_facilitator,
        "title": title,
        **public_page_context(
            method,
            request.path,
            title,
            _("What the facilitators say of the method as it is built, with the results."),
        ),
    }
    return render(request, "method/report_list.html", context)


# /methods/<slug>/reports/new/


@login_required
def report_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    method = get_method(request, slug)
    require_facilitator(method, request.user)
    form = ReportForm(
        request.POST or None, instance=ProgressReport(method=method, author=request.user)
    )
    if request.method == "POST":
        if form.is_valid():
            report = form.save()
            messages.success(
                request,
                _("The draft is saved: only the facilitators see it until you publish it."),
            )
            return redirect("methods:report-detail", method.slug, report.pk)
        messages.error(request, _("Please correct the errors below."))
    return render(request, "method/report_form.html", {"method": method, "form": form})


# /methods/<slug>/reports/<pk>/


def report_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    method = get_method(request, slug)
    report = _get_report(request, method, pk)
    is_facilitator = method.is_facilitator(request.user)
    context = {
        "method": method,
        "report": report,
        "steps": reports.quoted([report], method, live=True)[report.pk],
        "edited": reports.was_edited(report),
        "is_facilitator": is_facilitator,
        "minimum": results.MIN_MEMBERS,
    }
    if report.published_at is not None:
        context.update(
            public_page_context(method, request.path, report.title, plain_text(report.body))
        )
    return render(request, "method/report_detail.html", context)


# /methods/<slug>/reports/<pk>/edit/


@login_required
def report_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    method = get_method(request, slug)
    report = _get_report(request, method, pk)
    require_facilitator(method, request.user)
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            if report.published_at is None:
                messages.success(request, _("The draft is saved."))
            else:
                messages.success(
                    request, _("The report’s text is saved; its figures stay as published.")
                )
            return redirect("methods:report-detail", method.slug, report.pk)
        messages.error(request, _("Please correct the errors below."))
    return render(
        request, "method/report_form.html", {"method": method, "form": form, "report": report}
    )


# /methods/<slug>/reports/<pk>/publish/


@login_required
@require_POST
def report_publish(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    method = get_method(request, slug)
    report = _get_report(request, method, pk)
    require_facilitator(method, request.user)
    if reports.publish(report):
        messages.success(
            request,
            _(
                "The report is published, with the figures released today: on the method’s "
                "page and in its feed."
            ),
        )
    else:
        messages.info(request, _("This report was already published: nothing was changed."))
    return redirect("methods:report-detail", method.slug, report.pk)


# /methods/<slug>/reports/<pk>/delete/


@login_required
@require_POST
def report_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    method = get_method(request, slug)
    report = _get_report(request, method, pk)
    require_facilitator(method, request.user)
    # A published report is part of the method's public record (feed readers have it):
    # only drafts go.
    deleted, _rows = ProgressReport.objects.filter(
        pk=report.pk, published_at__isnull=True
    ).delete()
    if not deleted:
        raise PermissionDenied
    messages.success(request, _("The draft “%(title)s” is deleted.") % {"title": report.title})
    return redirect("methods:reports", method.slug)
