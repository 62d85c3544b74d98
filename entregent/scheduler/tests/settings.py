"""Settings for manage.py subprocesses started by the scheduler's filedb tests."""

from __future__ import annotations

from entregent.settings import *  # noqa: F403
from entregent.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "entregent.scheduler.tests"]
# Beat every second, so that a test sees several heartbeats without waiting minutes.
SCHEDULER_HEARTBEAT_SECONDS = 1
