"""Keep derived data right whatever wrote the rows: last interaction dates, the keep-in-touch
schedule (``due_on``, ``dormant_on``), search documents.

``Contact.save()`` computes its own schedule; what changes it from elsewhere (interactions, tags,
a tag's cadence) is followed here. Bulk writes (bulk_create, update) send no signals: their
callers call ``refresh_last_interaction()``, ``refresh_schedule()`` and
``search.reindex_contacts()`` themselves.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from entregent.network.models import Contact, Interaction, Tag


def _refresh(contact_ids: set[int] | list[int]) -> None:
    """An interaction changed: its contacts' last interaction date, schedule, search documents."""
    if contact_ids:
        contacts = Contact.objects.filter(pk__in=list(contact_ids))
        contacts.refresh_last_interaction()
        contacts.refresh_schedule()
        _reindex(contact_ids)


def _reschedule(contact_ids: list[int] | set[int]) -> None:
    """Their tags, or a tag's cadence, changed."""
    if contact_ids:
        Contact.objects.filter(pk__in=list(contact_ids)).refresh_schedule()


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
        # contact.tags.add(...): the instance is the contact.
        _reschedule([instance.pk])
        _reindex([instance.pk])
        return
    contact_ids = (
        getattr(instance, "_cleared_tag_contacts", [])
        if action == "post_clear"
        else list(pk_set or ())
    )
    # A tag without a cadence changes nobody's schedule.
    if instance.cadence is not None:
        _reschedule(contact_ids)
    _reindex(contact_ids)


@receiver(pre_save, sender=Tag)
def tag_saving(sender: Any, instance: Tag, raw: bool = False, **kwargs: Any) -> None:
    if instance.pk is not None and not raw:
        before = Tag.objects.filter(pk=instance.pk).values_list("cadence", flat=True).first()
        instance._cadence_changed = before != instance.cadence  # type: ignore[attr-defined]


@receiver(post_save, sender=Tag)
def tag_renamed(sender: Any, instance: Tag, created: bool, **kwargs: Any) -> None:
    if not created:
        contact_ids = list(instance.contacts.values_list("pk", flat=True))
        if getattr(instance, "_cadence_changed", False):
            _reschedule(contact_ids)
        _reindex(contact_ids)


@receiver(pre_delete, sender=Tag)
def tag_deleting(sender: Any, instance: Tag, **kwargs: Any) -> None:
    instance._tagged_contacts = list(  # type: ignore[attr-defined]
        instance.contacts.values_list("pk", flat=True)
    )


@receiver(post_delete, sender=Tag)
def tag_deleted(sender: Any, instance: Tag, **kwargs: Any) -> None:
    contact_ids = getattr(instance, "_tagged_contacts", [])
    if instance.cadence is not None:
        _reschedule(contact_ids)
    _reindex(contact_ids)
