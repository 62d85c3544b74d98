"""The worker's tasks for the method: the email that tells a subscriber of a publication."""

from __future__ import annotations

from django_tasks import task

from entregent.method import publication


@task()
def send_publication_email(email_id: int, attempt: int = 1) -> str:
    """Send one publication email (attempt number ``attempt``); what happened is recorded on
    its ``PublicationEmail`` row (``method/publication.py``)."""
    return publication.deliver(email_id, attempt)
