from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entregent.settings")
application = get_wsgi_application()

# The occupation thesaurus is read once per process (about a second): read it now, before the
# first search waits for it, so that it is frozen with the rest below.
from entregent.lib.thesaurus import default_thesaurus  # noqa: E402

default_thesaurus()

# Everything alive now (Django, the URL map, the thesaurus) lives as long as the process. Out
# of the garbage collector's sight, a full collection no longer walks it each time a page
# allocates many objects: the member's step page with 500 comments measured CPU p95 172 ms
# with the collector as it is, 78 ms after gc.freeze() (docs/benchmarks.md, bench-method).
gc.freeze()
