"""Jobs declared only in scheduler subprocesses started by tests (see ``apps.py``)."""

from __future__ import annotations

from entregent.scheduler.registry import cron, every, scheduled_job

_flaky_calls = 0


@scheduled_job("tests.flaky", cron(hour=5, minute=0), retries=3, retry_delay=0.2)
def flaky() -> str:
    """Fails twice, then succeeds: what a flaky network call looks like."""
    global _flaky_calls
    _flaky_calls += 1
    if _flaky_calls <= 2:
        raise RuntimeError(f"planned failure {_flaky_calls}")
    return "third time lucky"


@scheduled_job("tests.tick", every(seconds=1), retries=0)
def tick() -> str:
    """Runs every second."""
    return "tick"
