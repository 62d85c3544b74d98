"""Running one job: attempts, backoff between them, and a record of each.

Shared by the long-running scheduler (``process.py``), ``run_scheduler --once`` and the task
that runs a job on demand, so that every run leaves the same trace whichever way it started.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import traceback
from dataclasses import dataclass

from django.db import connections
from django.db.models import F
from django.utils import timezone

from entregent.scheduler.models import Heartbeat, JobRun, JobState, Outcome, Reason
from entregent.scheduler.registry import Job

logger = logging.getLogger("entregent.scheduler")

# Enough of a traceback to find the bug; a job that fails in a loop must not bloat the table.
ERROR_MAX_CHARS = 10_000
RESULT_MAX_CHARS = 1_000


@dataclass(frozen=True)
class RunReport:
    job: str
    outcome: Outcome
    attempts: int
    result: str = ""
    error: str = ""
    # Shutdown came during a backoff: the remaining attempts were not made.
    aborted: bool = False


def runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def state_for(job: Job) -> JobState:
    state, _created = JobState.objects.get_or_create(name=job.name)
    return state


def sync_states(jobs: list[Job], now: dt.datetime, *, refresh: bool) -> set[str]:
    """Make sure every job has a state row; answer the names of jobs whose run is overdue.

    A job is overdue when the next run recorded before is in the past: the scheduler was down
    (or the cron line did not fire) at that time. Several missed runs count as one: the caller
    runs the job once. A job seen for the first time is never overdue; it waits for its trigger.

    With ``refresh``, the next run of jobs not overdue is recomputed from the trigger, which is
    what the long-running scheduler is about to follow (the trigger may have changed in code).
    ``--once`` keeps what was recorded, since an interval counted from its own short-lived
    process start would otherwise move forward at every call and never come due.
    """
    overdue: set[str] = set()
    for job in jobs:
        state = state_for(job)
        if state.next_run_at is not None and state.next_run_at <= now:
            overdue.add(job.name)
        elif state.next_run_at is None or refresh:
            JobState.objects.filter(pk=state.pk).update(next_run_at=job.next_run_after(now))
    return overdue


def overdue_names(jobs: list[Job], now: dt.datetime) -> set[str]:
    """Read-only: the jobs whose recorded next run is past (``--once --dry-run``)."""
    return set(
        JobState.objects.filter(
            name__in=[job.name for job in jobs], next_run_at__lte=now
        ).values_list("name", flat=True)
    )


def run_job(
    job: Job,
    reason: Reason = Reason.SCHEDULED,
    *,
    stop: threading.Event | None = None,
    max_attempts: int | None = None,
    advance: bool = True,
) -> RunReport:
    """Run ``job`` until it succeeds or its attempts are spent, recording every attempt.

    ``stop`` interrupts the wait between attempts (shutdown). ``advance`` moves the job's next
    run to the trigger's next fire time once the run is over; a run cut short by shutdown does
    not advance, so that the next start-up catches it up.
    """
    state = state_for(job)
    attempts = max_attempts or job.max_attempts
    stop = stop or threading.Event()
    last_error = ""
    made = 0
    for attempt in range(1, attempts + 1):
        if attempt > 1:
            delay = job.delay_before(attempt)
            logger.info("Job %s: attempt %d of %d in %.0fs", job.name, attempt, attempts, delay)
            if stop.wait(delay):
                logger.warning(
                    "Job %s: shutting down before attempt %d; it runs again at start-up",
                    job.name,
                    attempt,
                )
                return RunReport(job.name, Outcome.FAILED, made, error=last_error, aborted=True)
        made = attempt
        run = _start(state, reason, attempt, attempts)
        try:
            value = job.func()
        except Exception:
            last_error = traceback.format_exc()[-ERROR_MAX_CHARS:]
            _recover_connections()
            _finish(run, Outcome.FAILED, error=last_error)
            logger.exception(
                "Job %s failed (attempt %d of %d, %s)", job.name, attempt, attempts, reason
            )
            continue
        except BaseException:
            # SystemExit, KeyboardInterrupt: the process is going away mid-attempt. Say so
            # rather than leave a run that looks as if it were still going.
            _finish(run, Outcome.INTERRUPTED, error=traceback.format_exc()[-ERROR_MAX_CHARS:])
            JobState.objects.filter(pk=state.pk).update(last_outcome=Outcome.INTERRUPTED)
            raise
        result = "" if value is None else str(value)[:RESULT_MAX_CHARS]
        finished = _finish(run, Outcome.SUCCEEDED, result=result)
        JobState.objects.filter(pk=state.pk).update(
            last_finished_at=finished,
            last_outcome=Outcome.SUCCEEDED,
            last_success_at=finished,
            consecutive_failures=0,
            last_error="",
            **_next_run(job, finished, advance),
        )
        logger.info("Job %s succeeded (attempt %d of %d): %s", job.name, attempt, attempts, result)
        return RunReport(job.name, Outcome.SUCCEEDED, attempt, result=result)

    finished = timezone.now()
    JobState.objects.filter(pk=state.pk).update(
        last_finished_at=finished,
        last_outcome=Outcome.FAILED,
        consecutive_failures=F("consecutive_failures") + 1,
        last_error=last_error,
        **_next_run(job, finished, advance),
    )
    logger.error("Job %s failed after %d attempts; giving up until its next run", job.name, made)
    return RunReport(job.name, Outcome.FAILED, made, error=last_error)


def run_due_jobs(jobs: list[Job], now: dt.datetime | None = None) -> list[RunReport]:
    """``run_scheduler --once``: run every overdue job, one after the other, then return."""
    now = now or timezone.now()
    overdue = sync_states(jobs, now, refresh=False)
    return [run_job(job) for job in jobs if job.name in overdue]


def beat(started_at: dt.datetime | None = None, *, stopped: bool = False) -> Heartbeat:
    """Record that the scheduler is alive (``started_at`` on the first beat of a process)."""
    now = timezone.now()
    values: dict[str, object] = {
        "beat_at": now,
        "hostname": socket.gethostname()[:200],
        "pid": os.getpid(),
        "stopped_at": now if stopped else None,
    }
    if started_at is not None:
        values["started_at"] = started_at
    heartbeat, _created = Heartbeat.objects.update_or_create(
        pk=Heartbeat.SINGLETON_PK,
        defaults=values,
        create_defaults={"started_at": started_at or now, **values},
    )
    return heartbeat


def mark_interrupted_runs(before: dt.datetime) -> int:
    """Close the attempts a dead scheduler left "running", so they do not look alive.

    Only one scheduler runs at a time, so at its start-up any scheduled attempt still running
    belongs to a process that is gone. Runs started by hand on the task worker are left alone.
    """
    stale = JobRun.objects.filter(outcome=Outcome.RUNNING, started_at__lt=before).exclude(
        reason=Reason.MANUAL
    )
    job_ids = list(stale.values_list("job_id", flat=True).distinct())
    count = stale.update(
        outcome=Outcome.INTERRUPTED,
        finished_at=before,
        error="The scheduler process stopped before this attempt finished.",
    )
    JobState.objects.filter(pk__in=job_ids, last_outcome=Outcome.RUNNING).update(
        last_outcome=Outcome.INTERRUPTED
    )
    return count


def _start(state: JobState, reason: Reason, attempt: int, attempts: int) -> JobRun:
    run = JobRun.objects.create(
        job=state,
        reason=reason,
        attempt=attempt,
        max_attempts=attempts,
        started_at=timezone.now(),
        runner=runner_id()[:200],
    )
    JobState.objects.filter(pk=state.pk).update(
        last_started_at=run.started_at, last_outcome=Outcome.RUNNING
    )
    return run


def _finish(run: JobRun, outcome: Outcome, *, result: str = "", error: str = "") -> dt.datetime:
    finished = timezone.now()
    JobRun.objects.filter(pk=run.pk).update(
        outcome=outcome,
        finished_at=finished,
        duration=finished - run.started_at,
        result=result,
        error=error,
    )
    return finished


def _next_run(job: Job, finished: dt.datetime, advance: bool) -> dict[str, dt.datetime | None]:
    return {"next_run_at": job.next_run_after(finished)} if advance else {}


def _recover_connections() -> None:
    """After a failed job, drop connections the error left unusable so the record can be written.

    Connections inside an atomic block (a test case, a caller's transaction) are not ours to
    close.
    """
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
