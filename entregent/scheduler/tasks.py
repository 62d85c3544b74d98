"""Tasks for the worker (``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task

from entregent.scheduler.models import Reason
from entregent.scheduler.registry import get_job
from entregent.scheduler.runner import run_job


@task()
def run_job_now(name: str) -> str:
    """Run a declared job once, on the worker, outside its schedule ("Run now" in the admin).

    A single attempt, recorded like any other run: an operator who asked for it is watching,
    and a worker waiting out a backoff would hold up every other task. The job's next
    scheduled run stays as it was.
    """
    report = run_job(get_job(name), Reason.MANUAL, max_attempts=1, advance=False)
    return str(report.outcome)
