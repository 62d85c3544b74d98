"""Shared by the scheduler's tests: throwaway jobs, and running manage.py beside the test."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection

from entregent.scheduler import registry
from entregent.scheduler.registry import Job, JobFunction, cron


def make_job(
    func: JobFunction,
    name: str = "tests.job",
    *,
    retries: int = 0,
    trigger: str = "30 3 * * *",
) -> Job:
    # No backoff: the tests check that retries happen, not that time passes.
    return Job(
        name=name,
        func=func,
        trigger=cron(trigger),
        retries=retries,
        retry_delay=dt.timedelta(0),
        target=f"tests.{name}",
    )


@contextmanager
def only_jobs(*jobs: Job) -> Iterator[None]:
    """Replace the declared jobs with ``jobs`` for the duration."""
    with mock.patch.dict(registry._jobs, {job.name: job for job in jobs}, clear=True):
        yield


def failing_then_succeeding(failures: int) -> Callable[[], str]:
    calls = {"count": 0}

    def job() -> str:
        calls["count"] += 1
        if calls["count"] <= failures:
            raise RuntimeError(f"planned failure {calls['count']}")
        return "done"

    return job


def database_env() -> dict[str, str]:
    """Environment for a manage.py subprocess that must use this test's database.

    The test database has its own name (a file set by SQLITE_TEST_PATH, or test_<name> on
    PostgreSQL); settings.py reads SQLITE_PATH and DATABASE_URL, so point those at it.
    """
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():  # type: ignore[attr-defined]
            raise RuntimeError("Mark this test filedb: a subprocess cannot see an in-memory db.")
        env["SQLITE_PATH"] = str(Path(name).resolve())
        env.pop("DATABASE_URL", None)
    else:
        url = urlsplit(env["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(url._replace(path=f"/{name}"))
    return env


def manage(
    *args: str, settings_module: str = "entregent.settings", output: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start ``manage.py <args>`` against the test database; output goes to ``output``."""
    sink = output.open("wb") if output else subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, "manage.py", *args, f"--settings={settings_module}"],
        cwd=settings.BASE_DIR,
        env=database_env(),
        stdout=sink,
        stderr=subprocess.STDOUT,
    )


def wait_until(condition: Callable[[], bool], timeout: float = 30, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"Timed out after {timeout}s waiting for: {message or condition}")
