"""System checks that say when background work has stopped happening.

They read the database, so they carry the ``database`` tag and only answer when Django asks
with databases (``manage.py check --database default``, ``migrate``, the test runner): a
plain ``check`` at build time, with no database yet, stays quiet.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import DEFAULT_DB_ALIAS, DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from entregent.scheduler.health import scheduler_health


@register(Tags.database)
def check_scheduler_health(
    app_configs: Any = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if not databases or DEFAULT_DB_ALIAS not in databases:
        return []
    try:
        health = scheduler_health()
    except DatabaseError:
        # Tables not migrated yet: `migrate` runs checks before it creates them.
        return []
    problems: list[CheckMessage] = []
    minutes = int(health.stale_after.total_seconds() // 60)
    if health.last_heartbeat is None:
        problems.append(
            Warning(
                _(
                    "The scheduler has never run: time-based jobs (such as emptying the bin) "
                    "do not happen."
                ),
                hint=_("Run `manage.py run_scheduler` beside the web server (`make run` does)."),
                id="entregent.W010",
            )
        )
    elif not health.is_alive:
        problems.append(
            Warning(
                ngettext(
                    "The scheduler has not reported for more than %(minutes)d minute "
                    "(last heartbeat: %(beat)s).",
                    "The scheduler has not reported for more than %(minutes)d minutes "
                    "(last heartbeat: %(beat)s).",
                    minutes,
                )
                % {
                    "minutes": minutes,
                    "beat": health.last_heartbeat.isoformat(timespec="seconds"),
                },
                hint=_("Check that `manage.py run_scheduler` is running, and read its log."),
                id="entregent.W010",
            )
        )
    for job in health.failing_jobs:
        problems.append(
            Warning(
                ngettext(
                    "Job %(job)s failed its last run.",
                    "Job %(job)s failed its last %(count)d runs.",
                    job.consecutive_failures,
                )
                % {"job": job.name, "count": job.consecutive_failures},
                hint=_("See its error in the admin (Scheduler > Jobs) or the scheduler's log."),
                id="entregent.W011",
            )
        )
    return problems
