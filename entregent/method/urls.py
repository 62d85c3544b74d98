"""/methods/...: the method built in the open (see docs/architecture.md, "The method").

Each part in its own module: the method, its steps and versions (``urls_steps``); the
feedback on them, comments, votes, flags and moderation (``urls_feedback``); the synthesis
of that feedback (``urls_synthesis``); the open formats, Polis-shaped exports and imports
(``urls_polis``); the validated method as one document, the guide (``urls_guide``); what
members obtained and each version's verdict, in the open (``urls_results``); applying
a step and debriefing it (``urls_apply``: first, since ``/methods/applied/`` would otherwise be
read as a method's address); its progress reports (``urls_reports``).
"""

from __future__ import annotations

from entregent.method import (
    urls_apply,
    urls_feedback,
    urls_guide,
    urls_polis,
    urls_reports,
    urls_results,
    urls_steps,
    urls_synthesis,
)

app_name = "methods"

urlpatterns = (
    urls_apply.urlpatterns
    + urls_steps.urlpatterns
    + urls_feedback.urlpatterns
    + urls_synthesis.urlpatterns
    + urls_polis.urlpatterns
    + urls_guide.urlpatterns
    + urls_results.urlpatterns
    + urls_reports.urlpatterns
)
