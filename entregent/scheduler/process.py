"""The long-running scheduler process behind ``manage.py run_scheduler``.

APScheduler decides *when*; ``runner.run_job`` does the running and the recording. Its job
store is kept in memory on purpose: the next run of each job is persisted by us in
``JobState.next_run_at``, which is what start-up compares with the clock to catch up on runs
missed while the process was down.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import signal
import threading
from types import FrameType
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_SCHEDULER_STARTED, SchedulerEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from entregent.scheduler.models import Heartbeat, Reason
from entregent.scheduler.registry import Job
from entregent.scheduler.runner import beat, mark_interrupted_runs, run_job, sync_states

logger = logging.getLogger("entregent.scheduler")

HEARTBEAT_SECONDS = 60
HEARTBEAT_JOB_ID = "scheduler.heartbeat"


class SchedulerProcess:
    def __init__(self, jobs: list[Job], *, heartbeat_seconds: float | None = None) -> None:
        self.jobs = {job.name: job for job in jobs}
        if heartbeat_seconds is None:
            # Shorter in tests (a settings module of their own); a minute suits production.
            heartbeat_seconds = float(
                getattr(settings, "SCHEDULER_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS)
            )
        self.heartbeat_seconds = heartbeat_seconds
        # Set on shutdown: cuts short the waits between retries.
        self.stopping = threading.Event()
        self._catch_up: set[str] = set()
        self._catch_up_lock = threading.Lock()
        self.timezone = ZoneInfo(settings.TIME_ZONE)
        self.scheduler = BlockingScheduler(
            timezone=self.timezone,
            # One thread per job plus the heartbeat: a job waiting out its backoff never
            # delays another job, nor the heartbeat.
            executors={"default": ThreadPoolExecutor(max_workers=len(jobs) + 1)},
            job_defaults={
                # Runs due at once (a suspended machine, a slow job) collapse into one.
                "coalesce": True,
                "max_instances": 1,
                # However late, run: lateness is recorded, a silent skip is not.
                "misfire_grace_time": None,
            },
        )

    def prepare(self) -> None:
        started = timezone.now()
        self._warn_if_another_scheduler(started)
        interrupted = mark_interrupted_runs(started)
        if interrupted:
            logger.warning(
                "Marked %d attempt(s) of a previous process as interrupted", interrupted
            )
        beat(started_at=started)
        overdue = sync_states(list(self.jobs.values()), started, refresh=True)
        for job in self.jobs.values():
            options: dict[str, object] = {}
            if job.name in overdue:
                self._catch_up.add(job.name)
                options["next_run_time"] = dt.datetime.now(self.timezone)
                logger.info(
                    "Job %s missed a run while the scheduler was down: running it now", job.name
                )
            self.scheduler.add_job(
                self._fire, job.trigger, args=[job.name], id=job.name, name=job.name, **options
            )
        self.scheduler.add_job(
            self._beat,
            IntervalTrigger(seconds=self.heartbeat_seconds, timezone=self.timezone),
            id=HEARTBEAT_JOB_ID,
            name=HEARTBEAT_JOB_ID,
        )

    def run(self) -> None:
        """Block until SIGTERM or SIGINT, then finish running jobs and return."""
        apscheduler_logger = logging.getLogger("apscheduler")
        if apscheduler_logger.level == logging.NOTSET:
            # It logs two lines per run at INFO, heartbeat included; ours say what matters.
            # A LOGGING setting that names the "apscheduler" logger takes precedence.
            apscheduler_logger.setLevel(logging.WARNING)
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        # A signal during start-up only raises the flag (raising out of a database call would
        # leave the connection unusable for the last heartbeat); this listener, run by start()
        # once the scheduler counts as running, honours a flag raised before then.
        self.scheduler.add_listener(self._stop_if_asked, EVENT_SCHEDULER_STARTED)
        try:
            self.prepare()
            if not self.stopping.is_set():
                logger.info(
                    "Scheduler started with %d job(s): %s",
                    len(self.jobs),
                    ", ".join(sorted(self.jobs)),
                )
                self.scheduler.start()
        finally:
            close_old_connections()
            beat(stopped=True)
            logger.info("Scheduler stopped")

    def shutdown(self) -> None:
        self.stopping.set()
        # Waits for running attempts to finish; waits between attempts end at once.
        with contextlib.suppress(SchedulerNotRunningError):
            self.scheduler.shutdown(wait=True)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        name = signal.strsignal(signum)
        if self.stopping.is_set():
            logger.warning("Second %s: stopping without waiting", name)
            raise SystemExit(1)
        if not self.scheduler.running:
            # Still starting up: nothing to shut down yet (see run()).
            self.stopping.set()
            logger.info("%s received during start-up: stopping", name)
            return
        logger.info("%s received: finishing running jobs, then stopping", name)
        self.shutdown()

    def _stop_if_asked(self, event: SchedulerEvent) -> None:
        if self.stopping.is_set():
            self.shutdown()

    def _fire(self, name: str) -> None:
        with self._catch_up_lock:
            reason = Reason.CATCH_UP if name in self._catch_up else Reason.SCHEDULED
            self._catch_up.discard(name)
        # Executor threads outlive a run: give each run a fresh, healthy connection, as Django
        # does around a request.
        close_old_connections()
        try:
            run_job(self.jobs[name], reason, stop=self.stopping)
        finally:
            close_old_connections()

    def _beat(self) -> None:
        close_old_connections()
        try:
            beat()
        finally:
            close_old_connections()

    def _warn_if_another_scheduler(self, now: dt.datetime) -> None:
        heartbeat = Heartbeat.current()
        if heartbeat is None or heartbeat.stopped_at is not None:
            return
        if heartbeat.age(now) < dt.timedelta(seconds=2 * self.heartbeat_seconds):
            logger.warning(
                "Another scheduler (%s, pid %s) beat %.0fs ago: if it is still running, every "
                "job will run twice. Run a single scheduler.",
                heartbeat.hostname,
                heartbeat.pid,
                heartbeat.age(now).total_seconds(),
            )
