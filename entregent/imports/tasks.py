"""Tasks for the worker (``manage.py db_worker``), and the scheduler's jobs for imports.

Each task first recovers the imports a killed worker left behind: a worker that restarts after
being killed mid-import rolls that import back (or finishes it) before doing anything else.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_tasks import task

from entregent.imports import actions
from entregent.imports.models import ImportJob
from entregent.scheduler.registry import cron, every, scheduled_job


@task()
def preview_import_task(job_id: int) -> str:
    """Read a large file as a dry run, for its preview."""
    actions.recover_interrupted()
    job = ImportJob.objects.defer("data").filter(pk=job_id).first()
    if job is None:
        return "gone"
    return str(actions.run_preview(job).status)


@task()
def run_import_task(job_id: int) -> str:
    """Import a confirmed file, in batches, with its progress on the job."""
    actions.recover_interrupted()
    job = ImportJob.objects.defer("data").filter(pk=job_id).first()
    if job is None:
        return "gone"
    return str(actions.run_import(job).status)


@task()
def undo_import_task(job_id: int) -> str:
    """Take a finished import back."""
    actions.recover_interrupted()
    job = ImportJob.objects.defer("data").filter(pk=job_id).first()
    if job is None:
        return "gone"
    return str(actions.undo_import(job).status)


@scheduled_job(
    "imports.recover_interrupted",
    # A worker that restarts recovers at once (each task starts with it); this catches the
    # rest, without filling the run records every few minutes.
    every(minutes=15),
    retries=1,
    description=_("Roll back (or complete) imports whose worker stopped in the middle."),
)
def recover_interrupted_job() -> str:
    # Ids only: operators read job records, and file names can be personal.
    recovered = actions.recover_interrupted()
    return f"Recovered {len(recovered)} import(s): {recovered}" if recovered else "Nothing to do."


@scheduled_job(
    "imports.discard_stale_uploads",
    cron(hour=4, minute=10),
    retries=3,
    description=_("Delete uploaded files that were never imported, after a week."),
)
def discard_stale_uploads_job() -> str:
    return f"Deleted {actions.discard_stale_uploads()} unfinished import(s)."
