"""Test-wide set-up shared by every app's tests."""

from __future__ import annotations

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's async-safety guard
# would otherwise refuse ORM calls made beside it in browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "filedb: needs a database file shared with other processes (worker, scheduler, "
        "browser, concurrent writers); run by `make test` in a second pass",
    )


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """Each test starts in the site's default language. A request as a member who prefers
    French leaves French active in the thread (as in production, where the next request
    activates its own): a test that follows must not inherit it."""
    from django.utils import translation

    translation.deactivate()
