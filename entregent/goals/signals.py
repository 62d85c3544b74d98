"""Goals listens to the network's writes and records the outcomes they produce.

The network never imports goals: these receivers are connected from ``GoalsConfig.ready()``.
The rules themselves are in ``goals/outcomes.py``; here is only when to apply them:

- a contact created by hand (not a raw save: loaddata, an unmerge restoring a row);
- an interaction whose date or kind changed (a new one has no participants yet: the
  ``m2m_changed`` that follows records it), whose participants changed from either side of the
  relation, or that was deleted (its own outcomes go with it by CASCADE; the interactions just
  after it may have become reactivations).

A save that changes nothing of that (a summary corrected) leaves the outcomes alone, so a derived
outcome the member deleted does not come back.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from entregent.goals import outcomes
from entregent.network.models import Contact, Interaction

_THROUGH = Interaction.contacts.through


def contact_saved(
    sender: Any, instance: Contact, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        outcomes.record_new_contact(instance)


def interaction_saving(
    sender: Any, instance: Interaction, raw: bool = False, **kwargs: Any
) -> None:
    if raw or instance.pk is None:
        return
    before = Interaction.objects.filter(pk=instance.pk).values_list("occurred_on", "kind").first()
    instance._goals_before = before  # type: ignore[attr-defined]


def interaction_saved(
    sender: Any, instance: Interaction, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw or created:
        return
    before = getattr(instance, "_goals_before", None)
    if before is None:
        return
    old_day, old_kind = before
    if (old_day, old_kind) == (instance.occurred_on, instance.kind):
        return
    outcomes.record_outcomes_for_interaction(instance)
    if old_day != instance.occurred_on:
        contact_ids = list(instance.contacts.values_list("pk", flat=True))
        # Where it left, and where it landed: the next interaction of each changed its past.
        for day in (old_day, instance.occurred_on):
            outcomes.record_outcomes_after(contact_ids, day, instance.pk)


def participants_changed(
    sender: Any,
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    if reverse:
        # contact.interactions.add(...): the instance is a contact, the set its interactions.
        if action == "pre_clear":
            instance._goals_cleared = list(instance.interactions.values_list("pk", flat=True))
            return
        if action == "post_clear":
            pk_set = set(getattr(instance, "_goals_cleared", []))
        elif action not in ("post_add", "post_remove"):
            return
        for interaction in Interaction.objects.filter(pk__in=pk_set or []):
            outcomes.record_outcomes_for_interaction(interaction)
            outcomes.record_outcomes_after([instance.pk], interaction.occurred_on, interaction.pk)
        return
    if action == "pre_clear":
        instance._goals_cleared = list(instance.contacts.values_list("pk", flat=True))
        return
    if action == "post_clear":
        pk_set = set(getattr(instance, "_goals_cleared", []))
    elif action not in ("post_add", "post_remove"):
        return
    if not pk_set:
        return
    outcomes.record_outcomes_for_interaction(instance)
    outcomes.record_outcomes_after(pk_set, instance.occurred_on, instance.pk)


def interaction_deleting(sender: Any, instance: Interaction, **kwargs: Any) -> None:
    instance._goals_deleted = (  # type: ignore[attr-defined]
        instance.pk,
        list(instance.contacts.values_list("pk", flat=True)),
    )


def interaction_deleted(sender: Any, instance: Interaction, **kwargs: Any) -> None:
    pk, contact_ids = getattr(instance, "_goals_deleted", (None, []))
    if pk is not None and contact_ids:
        outcomes.record_outcomes_after(contact_ids, instance.occurred_on, pk)


def connect() -> None:
    # dispatch_uid: ready() may run more than once (tests that reload apps).
    post_save.connect(contact_saved, sender=Contact, dispatch_uid="goals.contact_saved")
    pre_save.connect(
        interaction_saving, sender=Interaction, dispatch_uid="goals.interaction_saving"
    )
    post_save.connect(
        interaction_saved, sender=Interaction, dispatch_uid="goals.interaction_saved"
    )
    m2m_changed.connect(
        participants_changed, sender=_THROUGH, dispatch_uid="goals.participants_changed"
    )
    pre_delete.connect(
        interaction_deleting, sender=Interaction, dispatch_uid="goals.interaction_deleting"
    )
    post_delete.connect(
        interaction_deleted, sender=Interaction, dispatch_uid="goals.interaction_deleted"
    )
