"""Is background work happening? One answer for the dashboard, the check and ``--list``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise

from entregent.scheduler.models import Heartbeat, JobState, Outcome
from entregent.scheduler.registry import all_jobs


@dataclass(frozen=True)
class JobHealth:
    name: str
    description: str | Promise
    trigger: str
    # False for a job that has a history but is no longer declared in code.
    declared: bool
    last_started_at: dt.datetime | None
    last_finished_at: dt.datetime | None
    last_outcome: str
    last_success_at: dt.datetime | None
    next_run_at: dt.datetime | None
    consecutive_failures: int

    @property
    def is_failing(self) -> bool:
        return self.consecutive_failures > 0

    @property
    def is_running(self) -> bool:
        return self.last_outcome == Outcome.RUNNING

    @property
    def last_outcome_label(self) -> str:
        return str(Outcome(self.last_outcome).label) if self.last_outcome else ""


@dataclass(frozen=True)
class SchedulerHealth:
    last_heartbeat: dt.datetime | None
    stopped_at: dt.datetime | None
    stale_after: dt.timedelta
    checked_at: dt.datetime
    jobs: list[JobHealth]

    @property
    def failing_count(self) -> int:
        return sum(1 for job in self.jobs if job.declared and job.is_failing)

    @property
    def is_alive(self) -> bool:
        """The scheduler beat recently enough (``SCHEDULER_STALE_MINUTES``)."""
        return (
            self.last_heartbeat is not None
            and self.checked_at - self.last_heartbeat < self.stale_after
        )

    @property
    def is_running(self) -> bool:
        """A long-running scheduler is up (``--once`` under cron leaves stopped_at set)."""
        return self.is_alive and self.stopped_at is None

    @property
    def failing_jobs(self) -> list[JobHealth]:
        return [job for job in self.jobs if job.is_failing]

    @property
    def is_healthy(self) -> bool:
        return self.is_alive and not self.failing_jobs


def stale_after() -> dt.timedelta:
    return dt.timedelta(minutes=settings.SCHEDULER_STALE_MINUTES)


def scheduler_health(now: dt.datetime | None = None) -> SchedulerHealth:
    """The scheduler's heartbeat and where each job stands, in two queries."""
    now = now or timezone.now()
    heartbeat = Heartbeat.current()
    states = {state.name: state for state in JobState.objects.all()}
    jobs: list[JobHealth] = []
    for job in all_jobs():
        health = _job_health(job.name, job.description, job.describe_trigger(), True, states)
        if health.next_run_at is None:
            # Not seen by a scheduler yet: its trigger still says when it will run.
            health = replace(health, next_run_at=job.next_run_after(now))
        jobs.append(health)
    for name in sorted(set(states) - {job.name for job in all_jobs()}):
        jobs.append(_job_health(name, "", "", False, states))
    return SchedulerHealth(
        last_heartbeat=heartbeat.beat_at if heartbeat else None,
        stopped_at=heartbeat.stopped_at if heartbeat else None,
        stale_after=stale_after(),
        checked_at=now,
        jobs=jobs,
    )


def _job_health(
    name: str,
    description: str | Promise,
    trigger: str,
    declared: bool,
    states: dict[str, JobState],
) -> JobHealth:
    state = states.get(name)
    return JobHealth(
        name=name,
        description=description,
        trigger=trigger,
        declared=declared,
        last_started_at=state.last_started_at if state else None,
        last_finished_at=state.last_finished_at if state else None,
        last_outcome=state.last_outcome if state else "",
        last_success_at=state.last_success_at if state else None,
        next_run_at=state.next_run_at if state else None,
        consecutive_failures=state.consecutive_failures if state else 0,
    )
