"""Time-based jobs, declared in code by the apps that own them.

An app declares a job with a decorator in its own ``jobs.py`` and imports that module from its
``AppConfig.ready()``::

    from entregent.scheduler.registry import cron, scheduled_job

    @scheduled_job("network.empty_bin", cron(hour=3, minute=30), retries=3)
    def empty_bin() -> str:
        ...

The scheduler app only reads this registry: it never imports a higher app, the apps come to it
(as with ``entregent.accounts.registry``). Every process that loads the apps (web, worker,
scheduler) therefore knows every job, which lets the worker run a job on demand.

This module touches no model, so that it can be imported while apps are still loading.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

JobFunction = Callable[[], object]
F = TypeVar("F", bound=JobFunction)

# Names are dotted, "<app label>.<verb_noun>", so the owner of a job is plain in logs and admin.
_NAME_MAX_LENGTH = 100


def _timezone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def cron(expression: str | None = None, **fields: Any) -> CronTrigger:
    """A calendar trigger in the site's time zone (``settings.TIME_ZONE``).

    Either a crontab expression (``cron("30 3 * * *")``) or APScheduler's ``CronTrigger`` fields
    (``cron(hour=3, minute=30)``, ``cron(day_of_week="mon", hour=8)``). A trigger built without
    an explicit zone would follow the server's zone instead, which is rarely the operator's.
    """
    if expression is not None:
        if fields:
            raise TypeError("cron() takes a crontab expression or fields, not both")
        return CronTrigger.from_crontab(expression, timezone=_timezone())
    return CronTrigger(timezone=_timezone(), **fields)


def every(*, days: int = 0, hours: int = 0, minutes: int = 0, seconds: int = 0) -> IntervalTrigger:
    """A fixed-interval trigger, counted from when the scheduler process started."""
    return IntervalTrigger(
        days=days, hours=hours, minutes=minutes, seconds=seconds, timezone=_timezone()
    )


@dataclass(frozen=True)
class Job:
    name: str
    func: JobFunction
    trigger: BaseTrigger
    # Extra attempts after a failed one; 0 means a failure is final at once.
    retries: int = 3
    # Wait before the first retry; it doubles at each further retry, up to max_retry_delay.
    retry_delay: dt.timedelta = dt.timedelta(seconds=30)
    max_retry_delay: dt.timedelta = dt.timedelta(minutes=15)
    description: str | Promise = ""
    # For display only: where the function lives, to tell two registrations apart.
    target: str = field(default="", compare=False)

    @property
    def max_attempts(self) -> int:
        return self.retries + 1

    def delay_before(self, attempt: int) -> float:
        """Seconds to wait before ``attempt`` (2 for the first retry): exponential backoff."""
        delay = self.retry_delay * (2 ** max(attempt - 2, 0))
        return min(delay, self.max_retry_delay).total_seconds()

    def next_run_after(self, moment: dt.datetime) -> dt.datetime | None:
        """The first time strictly after ``moment`` that the trigger fires, or None if never."""
        # APScheduler answers "at or after": nudge by a microsecond so a run that starts exactly
        # on its fire time is not scheduled again for that same instant.
        upcoming: dt.datetime | None = self.trigger.get_next_fire_time(
            None, moment + dt.timedelta(microseconds=1)
        )
        return upcoming

    def describe_trigger(self) -> str:
        return str(self.trigger)


_jobs: dict[str, Job] = {}


def scheduled_job(
    name: str,
    trigger: BaseTrigger | str,
    *,
    retries: int = 3,
    retry_delay: dt.timedelta | float = 30,
    max_retry_delay: dt.timedelta | float = 15 * 60,
    description: str | Promise = "",
) -> Callable[[F], F]:
    """Declare ``func`` as a job run by the scheduler on ``trigger``.

    ``trigger`` is an APScheduler trigger (prefer :func:`cron` and :func:`every`, which use the
    site's time zone) or a crontab expression. Delays are seconds or timedeltas. The function
    takes no argument; what it returns (a count, a sentence) is kept with the run for operators.
    A job must be safe to run twice: after a crash it runs again rather than not at all.
    """

    def decorator(func: F) -> F:
        register(
            Job(
                name=name,
                func=func,
                trigger=cron(trigger) if isinstance(trigger, str) else trigger,
                retries=retries,
                retry_delay=_as_timedelta(retry_delay),
                max_retry_delay=_as_timedelta(max_retry_delay),
                description=description or (func.__doc__ or "").strip().split("\n")[0],
                target=f"{func.__module__}.{func.__qualname__}",
            )
        )
        return func

    return decorator


def register(job: Job) -> Job:
    if not job.name or len(job.name) > _NAME_MAX_LENGTH or " " in job.name:
        raise ImproperlyConfigured(
            f"Job name {job.name!r} must be a dotted name without spaces, "
            f"at most {_NAME_MAX_LENGTH} characters."
        )
    if job.retries < 0:
        raise ImproperlyConfigured(f"Job {job.name!r}: retries cannot be negative.")
    existing = _jobs.get(job.name)
    # The same function registered again (a module imported twice, the autoreloader) replaces
    # itself; two different functions under one name would share a history: refuse.
    if existing is not None and existing.target != job.target:
        raise ImproperlyConfigured(
            f"Job name {job.name!r} is taken by {existing.target}; {job.target} needs another."
        )
    _jobs[job.name] = job
    return job


def unregister(name: str) -> None:
    _jobs.pop(name, None)


def get_job(name: str) -> Job:
    try:
        return _jobs[name]
    except KeyError:
        raise LookupError(f"No scheduled job is named {name!r}.") from None


def all_jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def _as_timedelta(value: dt.timedelta | float) -> dt.timedelta:
    return value if isinstance(value, dt.timedelta) else dt.timedelta(seconds=value)
