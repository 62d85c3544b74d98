"""The scheduler's own housekeeping job."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from entregent.scheduler.models import JobRun
from entregent.scheduler.registry import cron, scheduled_job

# Three months of history answers "has this been failing for long?"; a heartbeat-like job
# would otherwise grow the table without end.
DEFAULT_RUN_RETENTION_DAYS = 90
BATCH_SIZE = 1000


def prune_runs(now: dt.datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Delete job runs older than the retention period, in batches; answer how many."""
    days = getattr(settings, "SCHEDULER_RUN_RETENTION_DAYS", DEFAULT_RUN_RETENTION_DAYS)
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    deleted = 0
    while True:
        # Small batches keep each write transaction short: the web process waits on it.
        ids = list(
            JobRun.objects.finished()
            .older_than(cutoff)
            .order_by("pk")[:batch_size]
            .values_list("pk", flat=True)
        )
        if not ids:
            return deleted
        deleted += JobRun.objects.filter(pk__in=ids).delete()[0]


@scheduled_job(
    "scheduler.prune_runs",
    cron(hour=4, minute=15),
    description=_("Forget job runs older than SCHEDULER_RUN_RETENTION_DAYS (90 by default)."),
)
def prune_runs_job() -> str:
    return f"Deleted {prune_runs()} old job run(s)."
