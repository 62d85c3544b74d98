"""What the scheduler did and when: one state row per job, one row per attempt, one heartbeat.

Jobs themselves live in code (``registry.py``); these rows are their history, kept so that an
operator can see in the admin, the dashboard and a system check whether background work is
actually happening.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    # The process died (crash, SIGKILL, power loss) before the attempt finished.
    INTERRUPTED = "interrupted", _("Interrupted")


class Reason(models.TextChoices):
    SCHEDULED = "scheduled", _("On schedule")
    CATCH_UP = "catch_up", _("Catch-up after downtime")
    MANUAL = "manual", _("Run by hand")


class JobStateQuerySet(models.QuerySet["JobState"]):
    def failing(self) -> JobStateQuerySet:
        return self.filter(consecutive_failures__gt=0)


class JobState(models.Model):
    """Where one declared job stands: its last run, its next run, how often it failed."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_outcome = models.CharField(
        _("last outcome"), max_length=12, choices=Outcome.choices, blank=True
    )
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    # Persisted so that a restarted scheduler knows which runs it missed while it was down.
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(
        _("consecutive failures"),
        default=0,
        help_text=_("Runs in a row whose every attempt failed; back to 0 after a success."),
    )
    last_error = models.TextField(_("last error"), blank=True)

    objects = JobStateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return self.name

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.next_run_at is not None and self.next_run_at <= (now or timezone.now())


class JobRunQuerySet(models.QuerySet["JobRun"]):
    def finished(self) -> JobRunQuerySet:
        return self.exclude(outcome=Outcome.RUNNING)

    def older_than(self, moment: dt.datetime) -> JobRunQuerySet:
        return self.filter(started_at__lt=moment)


class JobRun(models.Model):
    """One attempt at running a job; a run retried twice leaves three rows."""

    job = models.ForeignKey(
        JobState, on_delete=models.CASCADE, related_name="runs", verbose_name=_("job")
    )
    reason = models.CharField(
        _("reason"), max_length=10, choices=Reason.choices, default=Reason.SCHEDULED
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=1)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    duration = models.DurationField(_("duration"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.RUNNING
    )
    # What the job returned ("Deleted 12 contacts for good"), for operators.
    result = models.TextField(_("result"), blank=True)
    error = models.TextField(_("error"), blank=True)
    # host:pid of the process that ran it, to tell a scheduler's runs from a worker's.
    runner = models.CharField(_("run by"), max_length=200, blank=True)

    objects = JobRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["job", "-started_at"], name="jobrun_job_started"),
            models.Index(fields=["started_at"], name="jobrun_started"),
        ]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self) -> str:
        return f"{self.job.name} #{self.attempt} {self.started_at:%Y-%m-%d %H:%M:%S}"

    @property
    def will_retry(self) -> bool:
        return self.outcome == Outcome.FAILED and self.attempt < self.max_attempts


class Heartbeat(models.Model):
    """The scheduler process saying "still here", every minute. A single row (pk=1)."""

    SINGLETON_PK = 1

    beat_at = models.DateTimeField(_("last heartbeat"))
    started_at = models.DateTimeField(_("process started"))
    stopped_at = models.DateTimeField(
        _("process stopped"),
        null=True,
        blank=True,
        help_text=_("Set on a clean shutdown; empty while running or after a crash."),
    )
    hostname = models.CharField(_("host"), max_length=200, blank=True)
    pid = models.PositiveIntegerField(_("process id"), null=True, blank=True)

    class Meta:
        verbose_name = _("scheduler heartbeat")
        verbose_name_plural = _("scheduler heartbeat")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid} {self.beat_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def current(cls) -> Heartbeat | None:
        return cls.objects.filter(pk=cls.SINGLETON_PK).first()

    def age(self, now: dt.datetime | None = None) -> dt.timedelta:
        return (now or timezone.now()) - self.beat_at
