"""The worker's tasks for the method: the email that tells a subscriber of a publication, and
the opinion analysis of a version's votes."""

from __future__ import annotations

from django_tasks import task

from entregent.method import analysis, publication


@task()
def send_publication_email(email_id: int, attempt: int = 1) -> str:
    """Send one publication email (attempt number ``attempt``); what happened is recorded on
    its ``PublicationEmail`` row (``method/publication.py``)."""
    return publication.deliver(email_id, attempt)


@task()
def refresh_opinion_analysis(version_id: int) -> str:
    """Compute the opinion analysis of a version, unless it is already fresh (a page and the
    scheduler may both have asked)."""
    if analysis.refresh_if_stale(version_id):
        return f"Analysed the votes of version {version_id}."
    return f"The analysis of version {version_id} was already fresh."
