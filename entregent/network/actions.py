"""Writes on the network that touch several rows or need to stay reversible."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

from django.conf import settings
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, router, transaction
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from entregent.network.models import Contact, DuplicateDecision, Merge

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from entregent.accounts.models import User


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


# Merge and unmerge ----------------------------------------------------------------------------
#
# A merge makes two contacts one: the kept contact takes the values the member chose, and every
# row of any table that points at the merged contact is moved to the kept one. The relations are
# found by walking Contact's model metadata (hidden ones included: the tables behind tags and
# interactions' participants), so a relation a later app adds is moved with no list to keep up
# to date. A row that cannot move (the same tag twice, a link that would join the kept contact
# to itself, a second photo) is unlinked instead: its link emptied when it may be empty, else the
# row deleted. Everything is written down in the Merge's snapshot, from which `unmerge()` puts
# the merged contact back with the same id and returns exactly the rows that were moved.


class MergeError(ValueError):
    """A merge or an unmerge that cannot be done; the message says why, for the member."""


Side = Literal["kept", "merged"]

# The values the member chooses between, field by field. Parts that only make sense together
# (a name, a birthday, a trust rating with its note) are chosen together.
MERGE_CHOICES: dict[str, tuple[str, ...]] = {
    "name": ("given_name", "family_name", "display_name"),
    "headline": ("headline",),
    "organisation": ("organisation",),
    "job_title": ("job_title",),
    "location": ("location",),
    "birthday": ("birthday_day", "birthday_month", "birthday_year"),
    "met_story": ("met_story",),
    "met_on": ("met_on",),
    "introduced_by": ("introduced_by_id",),
    "tie_strength": ("tie_strength",),
    "trust": ("trust_rating", "trust_note", "trust_noted_on"),
    "cadence": ("cadence",),
}
MERGE_CHOICE_LABELS: dict[str, _StrPromise] = {
    "name": gettext_lazy("Name"),
    "headline": gettext_lazy("What they do"),
    "organisation": gettext_lazy("Organisation"),
    "job_title": gettext_lazy("Job title"),
    "location": gettext_lazy("Location"),
    "birthday": gettext_lazy("Birthday"),
    "met_story": gettext_lazy("How we met"),
    "met_on": gettext_lazy("Met on"),
    "introduced_by": gettext_lazy("Introduced by"),
    "tie_strength": gettext_lazy("Tie strength"),
    "trust": gettext_lazy("Trust"),
    "cadence": gettext_lazy("Keep in touch"),
}

# Fields an unmerge never puts back from before the merge: who owns it, what is recomputed,
# and the bin (a contact binned since the merge stays binned).
_NOT_RESTORED = frozenset(
    ("owner", "last_interaction_on", "due_on", "dormant_on", "updated_at", "pending", "deleted_at")
)

_SNAPSHOT_VERSION = 1


def contact_links() -> list[models.ForeignKey[Any, Any]]:
    """Every foreign key of any installed model that points at Contact.

    Hidden relations included: the tables behind many-to-many fields (Contact.tags,
    Interaction.contacts) are only reachable that way, and so are relations named "+". A
    many-to-many relation itself is skipped: its table's foreign key is in the list.
    """
    links = []
    for relation in Contact._meta.get_fields(include_hidden=True):
        if not isinstance(relation, models.ForeignObjectRel) or relation.many_to_many:
            continue
        link = relation.field
        if not isinstance(link, models.ForeignKey) or link.target_field != Contact._meta.pk:
            # Nothing but plain foreign keys to the id exists; anything else must not be
            # silently left behind.
            raise TypeError(f"{link!r} points at Contact in a way merges do not handle.")
        links.append(link)
    return links


def link_key(link: models.ForeignKey[Any, Any]) -> str:
    return f"{link.model._meta.label}.{link.name}"


def _link_by_key(key: str) -> models.ForeignKey[Any, Any] | None:
    return next((link for link in contact_links() if link_key(link) == key), None)


def link_label(link: models.ForeignKey[Any, Any]) -> str:
    """What the rows of a link are, for the member: "Tags", "Interactions", "Photos"."""
    model = link.model
    creator = model._meta.auto_created
    if creator:
        # The table behind a many-to-many field: named after the field (tags) when Contact
        # holds it, after the model (interactions) when the other side does.
        if creator is Contact:
            m2m = next(f for f in Contact._meta.many_to_many if f.remote_field.through is model)
            return capfirst(str(m2m.verbose_name))
        assert isinstance(creator, type)
        return capfirst(str(creator._meta.verbose_name_plural))
    if model is Contact:
        return capfirst(str(link.verbose_name))
    return capfirst(str(model._meta.verbose_name_plural))


class _ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes to milliseconds: an unmerge must give back the very
    same values."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _serialize(objs: Iterable[models.Model]) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts ({"model", "pk", "fields"}), concrete fields only: the rows of
    many-to-many tables are recorded on their own."""
    objs = list(objs)
    if not objs:
        return []
    names = [f.name for f in objs[0]._meta.concrete_fields]
    data = serializers.serialize("python", objs, fields=names)
    rows: list[dict[str, Any]] = json.loads(json.dumps(data, cls=_ExactEncoder))
    return rows


def _deserialize(row: dict[str, Any]) -> models.Model:
    (restored,) = serializers.deserialize("python", [row], ignorenonexistent=True)
    obj: models.Model = restored.object
    return obj


def _chunks(ids: list[Any], size: int = 500) -> Iterator[list[Any]]:
    # SQLite builds may limit a statement to 999 parameters.
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _try_update(rows: models.QuerySet[Any], **values: Any) -> bool:
    """Update in a savepoint; False when the database refuses it (a constraint)."""
    try:
        with transaction.atomic(using=rows.db):
            rows.update(**values)
    except IntegrityError:
        return False
    return True


def _try_insert(obj: models.Model, using: str) -> bool:
    """Insert a recorded row with its old id; never overwrite a row that has it now."""
    try:
        with transaction.atomic(using=using):
            obj.save_base(raw=True, force_insert=True, using=using)
    except IntegrityError:
        return False
    return True


class _RecordingCollector(Collector):
    """Django's delete collector, made to fetch every row it will delete (no fast deletes),
    so that each can be written down before it goes."""

    def can_fast_delete(self, objs: Any, from_field: Any = None) -> bool:
        return False


def _delete_recorded(
    objs: list[models.Model],
    snapshot: dict[str, Any],
    using: str,
    *,
    keep_out: models.Model | None = None,
) -> None:
    """Delete rows with whatever their deletion cascades to, recording all of it.

    Rows go to ``snapshot["deleted"]`` in deletion order (unmerge restores them in reverse,
    parents first); links emptied by SET_NULL go to ``snapshot["nulled"]``. ``keep_out`` is a
    row recorded elsewhere (the merged contact itself).
    """
    if not objs:
        return
    collector = _RecordingCollector(using=using, origin=objs[0])
    collector.collect(objs)
    collector.sort()
    for model, instances in collector.data.items():
        ids = [obj.pk for obj in instances if not (obj == keep_out and keep_out is not None)]
        # The collector may hold rows with deferred fields: record whole rows.
        for chunk in _chunks(sorted(ids)):
            snapshot["deleted"].extend(
                _serialize(model._base_manager.using(using).filter(pk__in=chunk).order_by("pk"))
            )
    for (link, _value), groups in collector.field_updates.items():
        rows = [
            [obj.pk, getattr(obj, link.attname)]
            for group in groups
            for obj in cast(Iterable[models.Model], group)
        ]
        if rows:
            snapshot["nulled"].append(
                {"model": link.model._meta.label, "field": link.name, "rows": rows}
            )
    collector.delete()


def _unlink(
    link: models.ForeignKey[Any, Any],
    ids: list[Any],
    old_target: int,
    snapshot: dict[str, Any],
    using: str,
) -> tuple[list[Any], list[Any]]:
    """Rows that cannot point at the kept contact: their link emptied when it may be, else the
    rows deleted. Returns (cleared, dropped) ids."""
    manager = link.model._base_manager.using(using)
    cleared: list[Any] = []
    dropped: list[Any] = []
    for pk in ids:
        if link.null and _try_update(manager.filter(pk=pk), **{link.name: None}):
            cleared.append(pk)
        else:
            dropped.append(pk)
    if cleared:
        snapshot["nulled"].append(
            {
                "model": link.model._meta.label,
                "field": link.name,
                "rows": [[pk, old_target] for pk in cleared],
            }
        )
    _delete_recorded(list(manager.filter(pk__in=dropped)), snapshot, using)
    return cleared, dropped


def _move_link(
    link: models.ForeignKey[Any, Any],
    kept: Contact,
    merged: Contact,
    snapshot: dict[str, Any],
    using: str,
) -> None:
    model = link.model
    manager = model._base_manager.using(using)
    is_contact = model._meta.concrete_model is Contact
    # A row with another link to the merged or kept contact would join the kept contact to
    # itself after the move (a relationship between the two, "introduced by" the other one).
    others = [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is Contact and f is not link
    ]
    pair = (kept.pk, merged.pk)
    movable: list[Any] = []
    stuck: list[Any] = []
    for pk, *ends in manager.filter(**{link.attname: merged.pk}).values_list("pk", *others):
        if is_contact and pk == merged.pk:
            continue  # the merged contact's own link: it goes with it
        if (is_contact and pk in pair) or any(end in pair for end in ends):
            stuck.append(pk)
        else:
            movable.append(pk)
    moved: list[Any] = []
    if movable:
        # One statement for the usual case; row by row to find the ones a constraint refuses
        # (the same tag twice, a second photo) when it fails.
        pending = manager.filter(**{link.attname: merged.pk}).exclude(pk__in=stuck)
        if is_contact:
            pending = pending.exclude(pk=merged.pk)
        if _try_update(pending, **{link.name: kept}):
            moved = movable
        else:
            for pk in movable:
                if _try_update(manager.filter(pk=pk), **{link.name: kept}):
                    moved.append(pk)
                else:
                    stuck.append(pk)
    cleared, dropped = _unlink(link, stuck, merged.pk, snapshot, using)
    if moved or cleared or dropped:
        snapshot["links"][link_key(link)] = {
            # A row whose link is its primary key (a photo) changes id as it moves.
            "moved": [kept.pk for _ in moved] if link.primary_key else moved,
            "cleared": cleared,
            "dropped": dropped,
        }


def _is_empty(value: Any) -> bool:
    return value is None or value == ""


def _merged_values(kept: Contact, merged: Contact, choices: Mapping[str, Side]) -> dict[str, Any]:
    """The kept contact's fields after the merge, by attname."""
    values: dict[str, Any] = {}
    for group, attnames in MERGE_CHOICES.items():
        side = choices.get(group)
        if side is None:
            # Not asked: the kept contact's value, unless it has none.
            empty = all(_is_empty(getattr(kept, a)) for a in attnames)
            side = "merged" if empty else "kept"
        source = merged if side == "merged" else kept
        values.update({a: getattr(source, a) for a in attnames})
    if values["introduced_by_id"] == kept.pk:
        values["introduced_by_id"] = None  # the merged contact was introduced by the kept one
    notes = [n for n in dict.fromkeys((kept.notes.strip(), merged.notes.strip())) if n]
    values["notes"] = "\n\n".join(notes)
    values["connected_on"] = min(
        (d for d in (kept.connected_on, merged.connected_on) if d), default=None
    )
    # The contact goes back as far as either record did.
    values["created_at"] = min(kept.created_at, merged.created_at)
    if kept.archived_at is None or merged.archived_at is None:
        values["archived_at"] = None  # one of them was still active: the person is
    values["updated_at"] = timezone.now()
    return values


@transaction.atomic
def merge_contacts(
    owner: User, kept: Contact, merged: Contact, choices: Mapping[str, Side] | None = None
) -> Merge:
    """Make ``merged`` part of ``kept``, reversibly (see ``unmerge``).

    ``choices`` says, for each group of MERGE_CHOICES, whose value to keep; a group left out
    keeps the kept contact's value, or the merged one's when the kept contact has none. Contact
    points, tags, interactions, relationships and every other row that pointed at the merged
    contact then belong to the kept one; notes are put together. The merged contact is deleted
    (not binned): the Merge's snapshot holds it.
    """
    choices = dict(choices or {})
    unknown = set(choices) - set(MERGE_CHOICES)
    if unknown or any(side not in ("kept", "merged") for side in choices.values()):
        raise ValueError(f"Unknown merge choices: {choices!r}")
    if kept.pk == merged.pk:
        raise MergeError(_("A contact cannot be merged with itself."))
    using = router.db_for_write(Contact)
    # Fresh rows, locked where the database can: the review page may be minutes old.
    fresh = Contact._base_manager.using(using).select_for_update().in_bulk([kept.pk, merged.pk])
    if len(fresh) != 2 or any(c.owner_id != owner.pk for c in fresh.values()):
        raise MergeError(_("Only two contacts of your own network can be merged."))
    kept, merged = fresh[kept.pk], fresh[merged.pk]
    if any(c.pending or c.deleted_at for c in (kept, merged)):
        raise MergeError(_("A contact in the bin or still being imported cannot be merged."))

    snapshot: dict[str, Any] = {
        "version": _SNAPSHOT_VERSION,
        "kept_id": kept.pk,
        "merged_id": merged.pk,
        "contact": _serialize([merged])[0],
        "links": {},
        "deleted": [],
        "nulled": [],
    }
    kept_before = _serialize([kept])[0]

    values = _merged_values(kept, merged, choices)
    Contact._base_manager.using(using).filter(pk=kept.pk).update(**values)
    for link in contact_links():
        _move_link(link, kept, merged, snapshot, using)
    # Whatever still points at the merged contact now (nothing, unless rows were written
    # meanwhile) is recorded with it.
    _delete_recorded([merged], snapshot, using, keep_out=merged)
    # (Deleting it cleared merged.pk: the snapshot has the id.)
    _keep_decisions(owner, kept, snapshot["merged_id"], snapshot)

    Contact.objects.filter(pk=kept.pk).refresh_last_interaction()
    Contact.objects.filter(pk=kept.pk).refresh_schedule()
    _reindex([kept.pk])
    kept.refresh_from_db()
    snapshot["kept_after"] = _serialize([kept])[0]["fields"]
    return Merge.objects.create(
        owner=owner,
        kept=kept,
        merged_name=merged.display_name,
        snapshot=snapshot,
        kept_before=kept_before["fields"],
    )


def _keep_decisions(owner: User, kept: Contact, merged_id: int, snapshot: dict[str, Any]) -> None:
    """ "Not the same person" as the merged contact is true of the kept one too.

    Such a decision moved to the kept contact may break its pair's order (first < second) and
    be dropped; it is recorded again in order, and the row made is noted so that an unmerge
    removes it.
    """
    snapshot["created"] = []
    label = DuplicateDecision._meta.label_lower
    for row in snapshot["deleted"]:
        if row["model"] != label:
            continue
        pair = {row["fields"]["first"], row["fields"]["second"]}
        others = pair - {kept.pk, merged_id}
        if len(others) != 1:
            continue  # the merged pair itself
        first, second = sorted((kept.pk, others.pop()))
        decision, created = DuplicateDecision.objects.get_or_create(
            owner=owner, first_id=first, second_id=second
        )
        if created:
            snapshot["created"].append([label, decision.pk])


def _reindex(contact_ids: list[int]) -> None:
    from entregent.network.search import reindex_contacts

    reindex_contacts(contact_ids)


@dataclass
class UnmergeResult:
    contact: Contact  # the merged contact, back
    # What could not be put back as it was, for the member, in their language.
    not_restored: list[str] = field(default_factory=list)


class _Problems:
    """What an unmerge could not restore, counted per kind of row and reason."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()
        self.fields: list[str] = []

    def add(self, what: str, reason: str, count: int = 1) -> None:
        if count:
            self.counts[what, reason] += count

    def messages(self) -> list[str]:
        texts = {
            "gone": _("%(what)s: %(count)d deleted since the merge, so not given back."),
            "elsewhere": _("%(what)s: %(count)d moved to another contact since, left there."),
            "conflict": _(
                "%(what)s: %(count)d could not be restored, they clash with changes made since."
            ),
            "missing": _(
                "%(what)s: %(count)d could not be restored, what they pointed to was "
                "deleted since."
            ),
        }
        lines = [
            texts[reason] % {"what": what, "count": count}
            for (what, reason), count in sorted(self.counts.items())
        ]
        return self.fields + lines


def _targets_exist(obj: models.Model, using: str) -> list[models.ForeignKey[Any, Any]]:
    """The foreign keys of a row about to be restored whose target no longer exists."""
    missing = []
    for f in obj._meta.concrete_fields:
        if isinstance(f, models.ForeignKey):
            value = getattr(obj, f.attname)
            target = f.related_model
            assert isinstance(target, type)
            if (
                value is not None
                and not target._base_manager.using(using)
                .filter(**{f.target_field.attname: value})
                .exists()
            ):
                missing.append(f)
    return missing


def _restore_row(row: dict[str, Any], using: str, problems: _Problems, what: str) -> bool:
    obj = _deserialize(row)
    for f in _targets_exist(obj, using):
        if f.null:
            setattr(obj, f.attname, None)
            problems.add(capfirst(str(f.verbose_name)), "missing")
        else:
            problems.add(what, "missing")
            return False
    # force_insert: a row with this id must not be overwritten.
    if _try_insert(obj, using):
        return True
    problems.add(what, "conflict")
    return False


def _row_label(row: dict[str, Any]) -> str:
    from django.apps import apps

    try:
        model = apps.get_model(row["model"])
    except LookupError:
        return str(row["model"])
    link = next((lk for lk in contact_links() if lk.model is model), None)
    return link_label(link) if link else capfirst(str(model._meta.verbose_name_plural))


def _restore_kept_fields(
    kept: Contact, before: dict[str, Any], after: dict[str, Any], problems: _Problems, using: str
) -> None:
    """Put back the kept contact's fields from before the merge, except those changed since."""
    current = _serialize([kept])[0]["fields"]
    old = _deserialize({"model": "network.contact", "pk": kept.pk, "fields": before})
    missing = set(_targets_exist(old, using))
    updates: dict[str, Any] = {}
    for name, value in before.items():
        if name in _NOT_RESTORED or value == after.get(name):
            continue
        f = Contact._meta.get_field(name)
        assert isinstance(f, models.Field)
        if current.get(name) != after.get(name):
            problems.fields.append(
                _("%(field)s was changed since the merge: your later change is kept.")
                % {"field": capfirst(str(f.verbose_name))}
            )
            continue
        if f in missing:
            problems.fields.append(
                _("%(field)s could not be restored: that contact was deleted since.")
                % {"field": capfirst(str(f.verbose_name))}
            )
            continue
        updates[f.attname] = getattr(old, f.attname)
    unchanged = all(
        current.get(n) == after.get(n)
        for n in after
        if n not in ("last_interaction_on", "due_on", "dormant_on")
    )
    if unchanged:
        # Nothing was touched since the merge: the row goes back exactly as it was.
        updates["updated_at"] = old.updated_at  # type: ignore[attr-defined]
    if updates:
        Contact._base_manager.using(using).filter(pk=kept.pk).update(**updates)


@transaction.atomic
def unmerge(merge: Merge) -> UnmergeResult:
    """Undo a merge: the merged contact comes back with its id, its fields and exactly the rows
    that were moved or unlinked; the kept contact gets its fields back.

    What changed since the merge wins: a row deleted or moved elsewhere since stays so, a
    field of the kept contact edited since keeps its edit. ``not_restored`` says what.
    """
    using = router.db_for_write(Merge)
    merge = Merge.objects.using(using).select_for_update().get(pk=merge.pk)
    snapshot = merge.snapshot
    if merge.undone_at is not None:
        raise MergeError(_("This merge was already undone."))
    if snapshot.get("version") != _SNAPSHOT_VERSION:
        raise MergeError(_("This merge is too old to be undone."))
    kept = Contact._base_manager.using(using).get(pk=merge.kept_id)
    if merge.kept_id != snapshot["kept_id"]:
        raise MergeError(
            _("%(name)s was itself merged into %(other)s since: undo that merge first.")
            % {"name": snapshot["kept_after"].get("display_name", ""), "other": kept}
        )
    merged_id = snapshot["merged_id"]
    if Contact._base_manager.using(using).filter(pk=merged_id).exists():
        raise MergeError(_("This merge was already undone."))
    problems = _Problems()

    if not _restore_row(snapshot["contact"], using, problems, str(_("Contact"))):
        raise MergeError(_("The merged contact could not be restored."))
    merged = Contact._base_manager.using(using).get(pk=merged_id)
    from django.apps import apps

    for label, pk in snapshot.get("created", []):
        apps.get_model(label)._base_manager.using(using).filter(pk=pk).delete()
    # Parents before the rows that point at them: the reverse of the deletion order.
    for row in reversed(snapshot["deleted"]):
        _restore_row(row, using, problems, _row_label(row))

    for key, info in snapshot["links"].items():
        link = _link_by_key(key)
        ids = info["moved"]
        if link is None:
            problems.add(key, "gone", len(ids))
            continue
        manager = link.model._base_manager.using(using)
        what = link_label(link)
        back: list[Any] = []
        found = 0
        for chunk in _chunks(ids):
            for pk, target in manager.filter(pk__in=chunk).values_list("pk", link.attname):
                found += 1
                if target == kept.pk:
                    back.append(pk)
                else:
                    problems.add(what, "elsewhere")
        problems.add(what, "gone", len(set(ids)) - found)
        for chunk in _chunks(back):
            if not _try_update(manager.filter(pk__in=chunk), **{link.name: merged}):
                for pk in chunk:
                    if not _try_update(manager.filter(pk=pk), **{link.name: merged}):
                        problems.add(what, "conflict")

    _restore_kept_fields(kept, merge.kept_before, snapshot["kept_after"], problems, using)

    # Links emptied by the merge get their target back, if still empty and the target exists.
    for entry in snapshot["nulled"]:
        model = apps.get_model(entry["model"])
        f = model._meta.get_field(entry["field"])
        assert isinstance(f, models.ForeignKey)
        manager = model._base_manager.using(using)
        what = link_label(f) if f.related_model is Contact else str(entry["model"])
        for pk, target in entry["rows"]:
            current = manager.filter(pk=pk).values_list(f.attname, flat=True).first()
            if current == target:
                continue
            if current is not None or not manager.filter(pk=pk).exists():
                problems.add(what, "elsewhere" if current is not None else "gone")
                continue
            obj = manager.get(pk=pk)
            setattr(obj, f.attname, target)
            if _targets_exist(obj, using):
                problems.add(what, "missing")
            elif not _try_update(manager.filter(pk=pk), **{f.attname: target}):
                problems.add(what, "conflict")

    merge.undone_at = timezone.now()
    merge.save(update_fields=["undone_at"])
    both = [kept.pk, merged.pk]
    Contact.objects.filter(pk__in=both).refresh_last_interaction()
    Contact.objects.filter(pk__in=both).refresh_schedule()
    _reindex(both)
    merged.refresh_from_db()
    return UnmergeResult(contact=merged, not_restored=problems.messages())
