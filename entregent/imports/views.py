"""Importing a contact file: upload, preview, confirm, progress, result, undo.

Every import is fetched through ``_get_import``, which answers 404 for anyone else's. The
writes are in ``imports/actions.py``; what takes long runs on the worker (``imports/tasks.py``)
while the pages poll, with a meta refresh when JavaScript is off.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from entregent.imports import actions, tasks
from entregent.imports.forms import AUTO, ReadAsForm, UploadForm, too_big_message
from entregent.imports.models import ImportChange, ImportJob
from entregent.imports.parsers import HEAD_SIZE, detect_format
from entregent.lib.http import AuthenticatedHttpRequest
from entregent.network.models import Contact, ContactPoint

# Multipart framing around the file (boundaries, the other fields): what CONTENT_LENGTH may
# exceed the file's size by before the request is refused unread.
MULTIPART_SLACK = 64 * 1024
# Undo runs in the request up to this many recorded changes, on the worker beyond.
UNDO_INLINE_CHANGES = 2000
# Contacts listed by name on the result page; the rest are counted.
LISTED_CONTACTS = 50
POLL_SECONDS = 2

Status = ImportJob.Status


def _get_import(request: AuthenticatedHttpRequest, pk: int) -> ImportJob:
    return get_object_or_404(ImportJob.objects.owned_by(request.user), pk=pk)


def _enqueue(task: Any, job: ImportJob) -> None:
    # After the commit: the worker must see the job in the state this request left it.
    transaction.on_commit(lambda: task.enqueue(job.pk))


# /network/import/


@csrf_exempt  # the size is checked before anything reads the body; CSRF right after (_upload)
@login_required
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        length = _content_length(request)
        if length > actions.max_bytes() + MULTIPART_SLACK:
            # Refused from the header alone: reading 2 GB to say "too big" helps nobody.
            return _start_page(request, UploadForm(), status=413, refused=too_big_message(length))
        return _upload(request)
    return _start_page(request, UploadForm())


def _content_length(request: AuthenticatedHttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@csrf_protect
def _upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _start_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    job = actions.create_job(
        request.user, upload, upload.name or "contacts", form.cleaned_data["format"]
    )
    _read(job)
    return redirect("imports:preview", job.pk)


def _read(job: ImportJob) -> None:
    """Preview a job now if its file is small, else on the worker."""
    if job.size <= actions.INLINE_PREVIEW_BYTES:
        actions.preview_import(job)
    else:
        actions.start_preview(job)
        _enqueue(tasks.preview_import_task, job)


def _start_page(
    request: AuthenticatedHttpRequest, form: UploadForm, status: int = 200, refused: str = ""
) -> HttpResponse:
    jobs = ImportJob.objects.owned_by(request.user).order_by("-created_at", "-pk")[:20]
    context = {
        "form": form,
        "jobs": jobs,
        "max_size": filesizeformat(actions.max_bytes()),
        "refused": refused,
    }
    return render(request, "imports/start.html", context, status=status)


# /network/import/<id>/


@login_required
def preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _get_import(request, pk)
    if job.status in (Status.RUNNING, Status.UNDOING, Status.DONE, Status.UNDONE):
        return redirect(job.get_absolute_url())
    if job.status == Status.PREVIEWING:
        return render(request, "imports/reading.html", _poll_context(job))
    form = ReadAsForm(request.POST or None, job=job)
    if request.method == "POST" and form.is_valid():
        _read_as(job, form)
        return redirect("imports:preview", job.pk)
    counts = job.preview.get("counts") or {}
    context = {
        "job": job,
        "form": form,
        "counts": counts,
        "rows": [_sample_row(row) for row in job.preview.get("rows", [])],
        **_unlisted(counts),
        "already": actions.previously_imported(job),
        "busy": ImportJob.objects.owned_by(request.user).in_progress().exclude(pk=job.pk).first(),
    }
    return render(request, "imports/preview.html", context)


def _read_as(job: ImportJob, form: ReadAsForm) -> None:
    fmt = form.cleaned_data["format"]
    mapping = form.mapping()
    if fmt == AUTO:
        job.format_chosen = False
        if mapping is not None and job.is_generic_csv:
            job.format = ImportJob.Format.CSV
        else:
            job.format = detect_format(actions.job_data(job)[:HEAD_SIZE], job.file_name)
    else:
        job.format, job.format_chosen = fmt, True
    job.mapping = mapping if job.format == ImportJob.Format.CSV else None
    job.save(update_fields=["format", "format_chosen", "mapping"])
    _read(job)


def _unlisted(counts: dict[str, Any]) -> dict[str, int]:
    """How many errors and skipped rows the lists leave out (see actions.MAX_LISTED)."""
    return {
        "error_more": counts.get("error_count", 0) - len(counts.get("errors", [])),
        "skipped_more": counts.get("skipped", 0) - len(counts.get("skipped_rows", [])),
    }


KIND_LABELS = dict(ContactPoint.Kind.choices)


def _sample_row(row: dict[str, Any]) -> dict[str, Any]:
    """A preview row as the page shows it: kinds and dates in words, the name's split only when
    it says more than the name itself."""
    given, family = row.get("given_name", ""), row.get("family_name", "")
    connected = row.get("connected_on") or ""
    return {
        **row,
        "points": [(KIND_LABELS.get(kind, kind), raw) for kind, raw in row.get("points", [])],
        "show_split": bool(given or family) and row.get("name") != f"{given} {family}".strip(),
        "connected_on": dt.date.fromisoformat(connected) if connected else None,
        "birthday": _birthday(row.get("birthday") or ""),
    }


def _birthday(text: str) -> str:
    """A preview's birthday ("1979-03-05", or "--03-05" without a year) in the page's language."""
    try:
        if text.startswith("--"):
            month, day = (int(part) for part in text[2:].split("-"))
            # A leap year, so that 29 February is a date.
            return date_format(dt.date(2000, month, day), "MONTH_DAY_FORMAT")
        if text:
            return date_format(dt.date.fromisoformat(text), "DATE_FORMAT")
    except ValueError:
        pass
    return text


# /network/import/<id>/confirm/


@require_POST
@login_required
def confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _get_import(request, pk)
    if not job.can_confirm:
        messages.error(request, _("This import cannot be started from where it is."))
        return redirect(job.get_absolute_url())
    if not actions.confirm_import(job):
        messages.error(
            request, _("Another of your imports is running: wait for it to finish, then confirm.")
        )
        return redirect("imports:preview", job.pk)
    _enqueue(tasks.run_import_task, job)
    return redirect("imports:progress", job.pk)


# /network/import/<id>/progress/ and status.json


def _poll_context(job: ImportJob) -> dict[str, Any]:
    return {
        "job": job,
        "poll_seconds": POLL_SECONDS,
        "status_url": reverse("imports:status", args=[job.pk]),
    }


@login_required
def progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _get_import(request, pk)
    if job.status not in (Status.RUNNING, Status.UNDOING):
        return redirect(job.get_absolute_url())
    return render(request, "imports/progress.html", _poll_context(job))


@require_GET
@login_required
def status(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    job = _get_import(request, pk)
    waiting = job.status in (Status.PREVIEWING, Status.RUNNING, Status.UNDOING)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "percent": job.percent,
            "started": bool(job.runner),
            "finishing": job.committed_at is not None and job.status == Status.RUNNING,
            # Where the page goes once the worker is done with it.
            "next": "" if waiting else job.get_absolute_url(),
        }
    )


# /network/import/<id>/result/


@login_required
def result(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _get_import(request, pk)
    if job.status not in (Status.DONE, Status.UNDONE):
        return redirect(job.get_absolute_url())
    created = merged = []
    created_count = merged_count = 0
    if job.status == Status.DONE:
        changes = ImportChange.objects.filter(job=job).select_related(None)
        created_changes = changes.filter(kind=ImportChange.Kind.CREATED)
        merged_changes = changes.filter(kind=ImportChange.Kind.MERGED)
        created_count, merged_count = created_changes.count(), merged_changes.count()
        created = _listed(created_changes)
        merged = _listed(merged_changes)
    context = {
        **_unlisted(job.result),
        "job": job,
        "result": job.result,
        "undo": _with_field_names(job.result.get("undo")),
        "created": created,
        "merged": merged,
        "created_count": created_count,
        "merged_count": merged_count,
        "created_more": created_count - len(created),
        "merged_more": merged_count - len(merged),
    }
    return render(request, "imports/result.html", context)


def _with_field_names(undo: dict[str, Any] | None) -> dict[str, Any] | None:
    """The undo's kept fields named as the contact form names them ("job title"), not by code."""
    if not undo:
        return undo
    kept = []
    for entry in undo.get("kept", []):
        entry = dict(entry)
        if entry.get("field"):
            try:
                field = Contact._meta.get_field(entry["field"])
            except FieldDoesNotExist:
                label = entry["field"]
            else:
                label = getattr(field, "verbose_name", entry["field"])
            entry["field_label"] = capfirst(str(label))
        kept.append(entry)
    return {**undo, "kept": kept}


def _listed(changes: Any) -> list[dict[str, Any]]:
    """The first contacts of some changes, with their names, in the file's order."""
    rows = list(
        changes.order_by("line", "pk").values("line", "contact_id", "field")[:LISTED_CONTACTS]
    )
    names = dict(
        Contact.objects.filter(pk__in={r["contact_id"] for r in rows}).values_list(
            "pk", "display_name"
        )
    )
    return [
        {**row, "name": names.get(row["contact_id"], ""), "by": _MATCHED_BY.get(row["field"], "")}
        for row in rows
        if row["contact_id"] in names
    ]


_MATCHED_BY = {
    # Spelt gettext_lazy, not an alias, so that makemessages finds these strings.
    "email": gettext_lazy("same email address"),
    "phone": gettext_lazy("same phone number"),
    "linkedin": gettext_lazy("same LinkedIn profile"),
    "name": gettext_lazy("same name, organisation or connection date"),
}


# /network/import/<id>/undo/


@login_required
def undo(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _get_import(request, pk)
    if request.method == "POST":
        if ImportJob.objects.owned_by(request.user).in_progress().exists():
            messages.error(request, _("Another of your imports is running: undo this one after."))
            return redirect(job.get_absolute_url())
        if not job.can_undo or not actions.start_undo(job):
            messages.error(request, _("This import cannot be undone."))
            return redirect(job.get_absolute_url())
        job.refresh_from_db()
        if ImportChange.objects.filter(job=job).count() <= UNDO_INLINE_CHANGES:
            actions.undo_import(job)
            messages.success(request, _("The import was undone."))
            return redirect("imports:result", job.pk)
        _enqueue(tasks.undo_import_task, job)
        return redirect("imports:progress", job.pk)
    if not job.can_undo:
        return redirect(job.get_absolute_url())
    changes = ImportChange.objects.filter(job=job)
    context = {
        "job": job,
        "created": changes.filter(kind=ImportChange.Kind.CREATED).count(),
        "enriched": changes.exclude(
            kind__in=(
                ImportChange.Kind.CREATED,
                ImportChange.Kind.MERGED,
                ImportChange.Kind.NEW_TAG,
            )
        )
        .exclude(contact__in=changes.filter(kind=ImportChange.Kind.CREATED).values("contact"))
        .values("contact")
        .distinct()
        .count(),
    }
    return render(request, "imports/undo.html", context)


# /network/import/<id>/discard/


@require_POST
@login_required
def discard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _get_import(request, pk)
    if job.status not in (Status.UPLOADED, Status.READY, Status.FAILED):
        messages.error(request, _("Only an import that has not run can be discarded."))
        return redirect(job.get_absolute_url())
    job.delete()
    messages.success(request, _("The file was deleted; nothing was imported."))
    return redirect("imports:start")
