"""/methods/...: the method built in the open (see docs/architecture.md, "The method").

Two halves, each in its own module: the method, its steps and versions (``urls_steps``), and
the feedback on them, comments, votes, flags and moderation (``urls_feedback``).
"""

from __future__ import annotations

from entregent.method import urls_feedback, urls_steps

app_name = "methods"

urlpatterns = urls_steps.urlpatterns + urls_feedback.urlpatterns
