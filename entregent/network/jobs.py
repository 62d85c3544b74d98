"""Time-based work on members' networks, run by the scheduler (see ``scheduler/registry.py``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from entregent.network.models import Contact
from entregent.scheduler.registry import cron, scheduled_job

BATCH_SIZE = 500


def empty_bin(now: dt.datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Delete for good the contacts in the bin for more than ``BIN_RETENTION_DAYS``.

    Answers how many contacts went (related rows such as contact points go with them, and are
    not counted). Batches keep each write transaction short, so that a large purge never holds
    SQLite's single write lock long enough for a member's save to time out.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.BIN_RETENTION_DAYS)
    expired = Contact.objects.filter(deleted_at__lt=cutoff)
    purged = 0
    while True:
        ids = list(expired.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return purged
        with transaction.atomic():
            # Filtered again inside the transaction: a contact restored from the bin between
            # the two queries stays.
            deleted = expired.filter(pk__in=ids).delete()[1]
        purged += deleted.get(Contact._meta.label, 0)


@scheduled_job(
    "network.empty_bin",
    cron(hour=3, minute=30),
    retries=3,
    description=_("Delete for good the contacts left in the bin longer than BIN_RETENTION_DAYS."),
)
def empty_bin_job() -> str:
    # Counts only: the job's record is read by operators, who have no business seeing names.
    return f"Deleted {empty_bin()} contact(s) for good."
