"""Plain factories for network objects: explicit, no magic, no fixtures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from entregent.accounts.models import User
from entregent.network.models import Contact, Interaction, Tag


def make_contact(owner: User, display_name: str = "Ada Lovelace", **fields: Any) -> Contact:
    return Contact.objects.create(owner=owner, display_name=display_name, **fields)


def make_tag(owner: User, name: str = "clients") -> Tag:
    return Tag.objects.create(owner=owner, name=name)


def log_interaction(
    owner: User,
    contacts: list[Contact],
    occurred_on: dt.date,
    summary: str = "Coffee",
    kind: str = Interaction.Kind.MEETING,
) -> Interaction:
    interaction = Interaction.objects.create(
        owner=owner, occurred_on=occurred_on, summary=summary, kind=kind
    )
    interaction.contacts.set(contacts)
    return interaction
