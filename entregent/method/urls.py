"""/methods/...: the method built in the open (see docs/architecture.md, "The method").

Each part in its own module: the method, its steps and versions (``urls_steps``); the
feedback on them, comments, votes, flags and moderation (``urls_feedback``); the synthesis
of that feedback (``urls_synthesis``); the open formats, Polis-shaped exports and imports
(``urls_polis``); the validated method as one document, the guide (``urls_guide``).
"""

from __future__ import annotations

from entregent.method import urls_feedback, urls_guide, urls_polis, urls_steps, urls_synthesis

app_name = "methods"

urlpatterns = (
    urls_steps.urlpatterns
    + urls_feedback.urlpatterns
    + urls_synthesis.urlpatterns
    + urls_polis.urlpatterns
    + urls_guide.urlpatterns
)
