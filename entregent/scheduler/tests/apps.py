"""An app that declares test-only jobs, for scheduler subprocesses started by the tests.

Installed only by ``entregent.scheduler.tests.settings``; the test suite itself never loads it.
"""

from __future__ import annotations

from django.apps import AppConfig


class SchedulerTestsConfig(AppConfig):
    name = "entregent.scheduler.tests"
    label = "scheduler_tests"

    def ready(self) -> None:
        from entregent.scheduler.tests import testjobs  # noqa: F401
