"""The feedback on a step version: its threaded comments, votes and flags, for the step's page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from entregent.method.models import Method, Step, StepVersion


def thread_context(
    request: HttpRequest, method: Method, step: Step, version: StepVersion
) -> dict[str, Any]:
    """What ``method/_feedback.html`` needs to show the discussion of ``version`` on the
    step's page, in a number of queries that does not grow with the comments."""
    return {}
