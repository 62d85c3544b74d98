"""What each app holds about a member, for export and erasure.

Every app registers, from its AppConfig.ready(), each model that holds rows owned by a member.
Accounts knows nothing of the apps above it: they come to it. A test walks every model with a
foreign key to the user model and fails if one is missing here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core import serializers
from django.db import models, transaction

if TYPE_CHECKING:
    from entregent.accounts.models import User


@dataclass(frozen=True)
class Holding:
    model: type[models.Model]
    # A lookup from the model to its owner ("owner", "contact__owner").
    owner_lookup: str
    # Fields left out of the export (secrets, hashes).
    exclude: tuple[str, ...] = ()
    # What erasure does; None deletes every row the member owns.
    erase: Callable[[User], None] | None = None
    export: bool = True

    @property
    def label(self) -> str:
        return self.model._meta.label

    def rows(self, user: User) -> models.QuerySet[Any]:
        return self.model._default_manager.filter(**{self.owner_lookup: user.pk}).order_by("pk")


_holdings: dict[str, Holding] = {}


def register(
    model: type[models.Model],
    owner_lookup: str = "owner",
    *,
    exclude: Iterable[str] = (),
    erase: Callable[[User], None] | None = None,
    export: bool = True,
) -> None:
    holding = Holding(model, owner_lookup, tuple(exclude), erase, export)
    _holdings[holding.label] = holding


def holdings() -> list[Holding]:
    return list(_holdings.values())


@dataclass(frozen=True)
class ExportFile:
    """A file that goes beside the JSON data in the member's export, in a format other tools
    read (the contacts as a vCard file, for any address book)."""

    name: str  # "contacts.vcf"
    description: str  # what it is, for the export page (a lazy translation)
    build: Callable[[User], str | bytes]


_files: dict[str, ExportFile] = {}


def register_file(name: str, build: Callable[[User], str | bytes], description: Any) -> None:
    """Add a file to every member's export; ``build`` makes its content for one member."""
    _files[name] = ExportFile(name, description, build)


def export_files() -> list[ExportFile]:
    return list(_files.values())


def export_user_files(user: User) -> dict[str, bytes]:
    """Each registered file's content for this member, by file name."""
    built = {}
    for file in export_files():
        content = file.build(user)
        built[file.name] = content.encode("utf-8") if isinstance(content, str) else content
    return built


def export_user_data(user: User) -> dict[str, Any]:
    """Everything the member holds, as plain JSON-ready data, one key per model."""
    data: dict[str, Any] = {}
    for holding in holdings():
        if not holding.export:
            continue
        fields = [
            f.name
            for f in holding.model._meta.get_fields()
            if getattr(f, "concrete", False) and f.name not in holding.exclude
        ]
        serialized = serializers.serialize("json", holding.rows(user), fields=fields)
        data[holding.label] = json.loads(serialized)
    return data


@transaction.atomic
def erase_user(user: User) -> None:
    """Remove every row the member owns, then the member. All or nothing."""
    # Registered last means built on top of the others: erase it first.
    for holding in reversed(holdings()):
        if holding.erase is not None:
            holding.erase(user)
        elif holding.model is not type(user):
            holding.rows(user).delete()
    user.delete()
