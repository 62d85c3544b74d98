"""Keep each contact's last interaction date right, whatever wrote the interaction."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from entregent.network.models import Contact, Interaction


def _refresh(contact_ids: set[int] | list[int]) -> None:
    if contact_ids:
        Contact.objects.filter(pk__in=list(contact_ids)).refresh_last_interaction()


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
