"""Keep derived data right whatever wrote the rows: last interaction dates, search documents.

Bulk writes (bulk_create, update) send no signals: their callers call
``refresh_last_interaction()`` and ``search.reindex_contacts()`` themselves.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from entregent.network.models import Contact, Interaction, Tag


def _refresh(contact_ids: set[int] | list[int]) -> None:
    """An interaction changed: its contacts' last interaction date and search documents."""
    if contact_ids:
        Contact.objects.filter(pk__in=list(contact_ids)).refresh_last_interaction()
        _reindex(contact_ids)


@receiver(m2m_changed, sender=Interaction.contacts.through)
def interaction_contacts_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if reverse:
        # contact.interactions.add(...): the instance is the contact.
        if action != "pre_clear":
            _refresh([instance.pk])
        return
    if action == "pre_clear":
        instance._cleared_contact_ids = list(instance.contacts.values_list("pk", flat=True))
        return
    if action == "post_clear":
        _refresh(getattr(instance, "_cleared_contact_ids", []))
    else:
        _refresh(pk_set or set())


@receiver(pre_delete, sender=Interaction)
def remember_contacts(sender: Any, instance: Interaction, **kwargs: Any) -> None:
    instance._deleted_contact_ids = list(  # type: ignore[attr-defined]
        instance.contacts.values_list("pk", flat=True)
    )


@receiver(post_delete, sender=Interaction)
def interaction_deleted(sender: Any, instance: Interaction, **kwargs: Any) -> None:
    _refresh(getattr(instance, "_deleted_contact_ids", []))


@receiver(post_save, sender=Interaction)
def interaction_saved(sender: Any, instance: Interaction, created: bool, **kwargs: Any) -> None:
    # A new interaction has no contacts yet (m2m_changed follows); an edited one may have
    # been moved to another date.
    if not created:
        _refresh(list(instance.contacts.values_list("pk", flat=True)))


# The search documents follow every write that changes what a contact says.


def _reindex(contact_ids: list[int] | set[int]) -> None:
    from entregent.network.search import reindex_contacts

    if contact_ids:
        reindex_contacts(contact_ids)


@receiver(post_save, sender=Contact)
def contact_saved(sender: Any, instance: Contact, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _reindex([instance.pk])


@receiver(m2m_changed, sender=Contact.tags.through)
def contact_tags_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action == "pre_clear" and reverse:
        instance._cleared_tag_contacts = list(instance.contacts.values_list("pk", flat=True))
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        _reindex([instance.pk])
    elif action == "post_clear":
        _reindex(getattr(instance, "_cleared_tag_contacts", []))
    else:
        _reindex(pk_set or set())


@receiver(post_save, sender=Tag)
def tag_renamed(sender: Any, instance: Tag, created: bool, **kwargs: Any) -> None:
    if not created:
        _reindex(list(instance.contacts.values_list("pk", flat=True)))


@receiver(pre_delete, sender=Tag)
def tag_deleting(sender: Any, instance: Tag, **kwargs: Any) -> None:
    instance._tagged_contacts = list(  # type: ignore[attr-defined]
        instance.contacts.values_list("pk", flat=True)
    )


@receiver(post_delete, sender=Tag)
def tag_deleted(sender: Any, instance: Tag, **kwargs: Any) -> None:
    _reindex(getattr(instance, "_tagged_contacts", []))
