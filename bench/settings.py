"""The project's settings as production runs them, plus a bare view to compare pages against.

``entregent.settings`` is read first (with ``SQLITE_PATH`` or ``DATABASE_URL`` already pointing
at the benchmark's own database), then two things change: templates and SQL are no longer
instrumented for debugging, and the URLconf gains ``/bench/bare/``. Everything else (database
cache, middleware, sessions in the database) stays as a default installation has it.
"""

from __future__ import annotations

from entregent.settings import *  # noqa: F403

# DEBUG adds template debug information and logs every query: both cost time that production
# does not spend. The static files storage stays the development one (no manifest needed).
DEBUG = False
ROOT_URLCONF = "bench.urls"
# WhiteNoise warns at start-up when this directory is missing; pages/benchmarks need no files.
STATIC_ROOT = BASE_DIR / "var" / "bench" / "static"  # noqa: F405
