"""Writes on the network that touch several rows or need to stay reversible."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from entregent.network.models import Contact


def bin_retention_days() -> int:
    return int(settings.BIN_RETENTION_DAYS)


@transaction.atomic
def move_to_bin(contact: Contact) -> None:
    """Hide a contact everywhere; the scheduler deletes it for good after the retention time.

    Its interactions, tags and links stay attached so that a restore gives everything back.
    """
    contact.deleted_at = timezone.now()
    contact.save(update_fields=["deleted_at", "updated_at"])


@transaction.atomic
def restore_from_bin(contact: Contact) -> None:
    contact.deleted_at = None
    contact.save(update_fields=["deleted_at", "updated_at"])
