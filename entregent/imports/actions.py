"""The import's write layer: preview, run in batches, finish, roll back, undo.

An import never holds SQLite's write lock for long and never shows half a file:

* ``run_import()`` reads the file as a stream and writes ``BATCH_SIZE`` rows per transaction.
  New contacts are written ``pending`` (hidden by ``Contact.objects.owned_by()``); points added
  to an existing contact are ``pending`` too; tags and the fields it fills on existing contacts
  are only recorded (`ImportChange`) and applied by ``finish()``.
* ``finish()`` applies the tags and fields, flips ``pending`` off in batches and rebuilds the
  search documents once over every contact touched.
* An import interrupted before every batch was written is rolled back by
  ``recover_interrupted()`` (the worker calls it when a task starts, the scheduler every few
  minutes); one interrupted after (``committed_at`` set) is finished instead.
* ``undo_import()`` deletes the contacts it created and removes the values it added, except
  what the member changed since, which it lists.

Exact duplicates merge: a row whose email, E.164 phone or LinkedIn profile is already one of
the member's (or an earlier row's) adds its missing values to that contact and never overwrites
one. A row with none of those merges with a contact of the same given name, family name and
organisation or connection date, so that re-importing a file without them creates nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import socket
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import IO, Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from entregent.accounts.models import User
from entregent.imports.models import ImportChange, ImportJob
from entregent.imports.parsers import HEAD_SIZE, detect_format, parse
from entregent.imports.parsers.csv import FIELDS, guess_mapping
from entregent.imports.parsers.text import csv_rows, decode, header_row, sniff_delimiter
from entregent.imports.records import ImportFormatError, ParsedContact, RowProblem
from entregent.lib.contact_points import normalise
from entregent.lib.text import fold
from entregent.network.models import Contact, ContactPhoto, ContactPoint, Relationship, Tag

logger = logging.getLogger(__name__)

# Rows per write transaction: a few tens of milliseconds of SQLite's write lock each.
BATCH_SIZE = 500
# Rows updated per statement when the import completes or is rolled back.
FLIP_SIZE = 2000
PREVIEW_ROWS = 10
# Files up to this size are previewed during the upload's request; bigger ones by the worker.
INLINE_PREVIEW_BYTES = 1024 * 1024
# Problems listed by line in a preview or result; beyond, only counted.
MAX_LISTED = 1000
# A running import whose worker has not written for this long is taken as interrupted, even
# when its process cannot be checked (another machine).
STALE_AFTER = dt.timedelta(minutes=10)
# Fuzzy duplicates are counted in a preview only over this many contacts (file and network).
FUZZY_LIMIT_INLINE = 3000
FUZZY_LIMIT_BACKGROUND = 30000
# Decisive contact points, in the order a match is looked for.
DECISIVE_KINDS = ("linkedin", "email", "phone")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

_TEXT_FIELDS = (
    "given_name",
    "family_name",
    "headline",
    "organisation",
    "job_title",
    "location",
    "notes",
)
_BIRTHDAY = ("birthday_day", "birthday_month", "birthday_year")
# Fields an import fills on an existing contact when they are empty there.
FILLABLE_FIELDS = (*_TEXT_FIELDS, *_BIRTHDAY, "connected_on")
_MAX_LENGTHS: dict[str, int] = {
    name: int(getattr(Contact._meta.get_field(name), "max_length", 0) or 0)
    for name in (*_TEXT_FIELDS, "display_name")
}
_EMPTY: dict[str, Any] = {name: ("" if name in _TEXT_FIELDS else None) for name in FILLABLE_FIELDS}
_TAG_LENGTH = int(getattr(Tag._meta.get_field("name"), "max_length", 60) or 60)
_LABEL_LENGTH = int(getattr(ContactPoint._meta.get_field("label"), "max_length", 60) or 60)

Progress = Callable[[int], None]
_POSTCODE = re.compile(r"\b\d{5}\b")


def max_bytes() -> int:
    """The largest file accepted (``settings.IMPORT_MAX_BYTES``, 50 MB by default)."""
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


# Creating a job ----------------------------------------------------------------------------


def create_job(
    owner: Any,
    file: IO[bytes] | bytes,
    file_name: str,
    fmt: str = "auto",
    mapping: dict[str, str] | None = None,
) -> ImportJob:
    """Store an uploaded file as an import of ``owner``, its format detected unless given."""
    if isinstance(file, bytes):
        data = file
    else:
        chunks = getattr(file, "chunks", None)
        data = b"".join(chunks()) if chunks else file.read()
    chosen = fmt != "auto"
    if not chosen:
        fmt = "csv" if mapping else detect_format(data[:HEAD_SIZE], file_name)
    return ImportJob.objects.create(
        owner=owner,
        file_name=os.path.basename(file_name)[:255] or "contacts",
        format=fmt,
        format_chosen=chosen,
        mapping=mapping or None,
        data=data,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def job_data(job: ImportJob) -> bytes:
    """The uploaded bytes, loaded only when needed (the querysets defer them)."""
    data = ImportJob.objects.filter(pk=job.pk).values_list("data", flat=True).get()
    return bytes(data)  # PostgreSQL gives a memoryview


def previously_imported(job: ImportJob) -> ImportJob | None:
    """The member's last completed import of the same file, if any."""
    return (
        ImportJob.objects.owned_by(job.owner)
        .filter(sha256=job.sha256, status=ImportJob.Status.DONE)
        .exclude(pk=job.pk)
        .order_by("-finished_at")
        .first()
    )


def csv_header(data: bytes) -> list[str]:
    """The generic CSV's column names, for the mapping form ([] when there is no header)."""
    try:
        text = decode(data)
        _, header = header_row(csv_rows(text, sniff_delimiter(text)))
    except (ImportFormatError, ValueError, UnicodeError):
        return []
    return [name.strip() for name in header]


# Rows as contacts ----------------------------------------------------------------------------


@dataclass
class _Row:
    """A parsed contact, its values normalised and cut to the columns' sizes."""

    line: int
    fields: dict[str, Any]
    display_name: str
    points: list[tuple[str, str, str, str]]  # kind, comparable value, raw, label
    keys: list[tuple[str, str]]  # decisive (kind, value), in DECISIVE_KINDS order
    # Without a decisive value: who they are by name, with the organisation and/or the date
    # the connection started, most precise first.
    name_keys: list[tuple[str, str, str, str]]
    tags: dict[str, str]  # folded name -> name
    photo: bytes | None
    photo_type: str


def _cut(name: str, value: str) -> str:
    limit = _MAX_LENGTHS.get(name, 0)
    return value[:limit] if limit else value


def _row(contact: ParsedContact) -> _Row:
    fields: dict[str, Any] = dict.fromkeys(_TEXT_FIELDS, "")
    for name in ("given_name", "family_name", "headline", "organisation", "location"):
        fields[name] = getattr(contact, name).strip()
    job_title = contact.job_title.strip()
    if contact.department.strip():
        # No department column: it reads best after the title ("Buyer, Purchasing").
        job_title = ", ".join(p for p in (job_title, contact.department.strip()) if p)
    if job_title.casefold() == fields["headline"].casefold():
        # LinkedIn gives one "Position" for both: the contact page would say it twice.
        job_title = ""
    fields["job_title"] = job_title
    notes = contact.notes.strip()
    if contact.nickname.strip():
        nickname = _("Nickname: %(nickname)s") % {"nickname": contact.nickname.strip()}
        notes = f"{nickname}\n\n{notes}" if notes else nickname
    fields["notes"] = notes
    for name in _TEXT_FIELDS:
        fields[name] = _cut(name, fields[name])
    day, month, year = contact.birthday_day, contact.birthday_month, contact.birthday_year
    if day and month and 1 <= day <= 31 and 1 <= month <= 12:
        fields["birthday_day"], fields["birthday_month"] = day, month
        fields["birthday_year"] = year if year and 1 <= year <= 9999 else None
    else:
        fields.update(birthday_day=None, birthday_month=None, birthday_year=None)
    fields["connected_on"] = contact.connected_on

    points: list[tuple[str, str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for point in contact.points:
        raw = point.raw.strip()
        if not raw:
            continue
        kind, value = normalise(point.kind, raw)
        if not value or (kind, value) in seen:
            continue
        seen.add((kind, value))
        points.append((kind, value, raw, point.label.strip()[:_LABEL_LENGTH]))
    keys = sorted(
        ((kind, value) for kind, value, _raw, _label in points if _decisive(kind, value)),
        key=lambda key: DECISIVE_KINDS.index(key[0]),
    )
    given, family = fields["given_name"], fields["family_name"]
    display = contact.display_name.strip() or " ".join(p for p in (given, family) if p)
    if not display:
        display = fields["organisation"] or (points[0][2] if points else "")
    display = _cut("display_name", display or _("Unnamed contact"))
    name_keys = (
        [] if keys else _name_keys(given, family, fields["organisation"], contact.connected_on)
    )
    tags: dict[str, str] = {}
    for tag in contact.tags:
        name = " ".join(tag.split())[:_TAG_LENGTH]
        if name:
            tags.setdefault(name.casefold(), name)
    return _Row(
        line=contact.line,
        fields=fields,
        display_name=display,
        points=points,
        keys=keys,
        name_keys=name_keys,
        tags=tags,
        photo=contact.photo or None,
        photo_type=contact.photo_type or "image/jpeg",
    )


def _name_keys(
    given: str, family: str, organisation: str, connected_on: dt.date | None
) -> list[tuple[str, str, str, str]]:
    if not (given or family) or not (organisation or connected_on):
        return []
    given, family, organisation = fold(given), fold(family), fold(organisation)
    connected = connected_on.isoformat() if connected_on else ""
    keys = []
    if organisation and connected:
        keys.append((given, family, organisation, connected))
    if organisation:
        keys.append((given, family, organisation, ""))
    if connected:
        keys.append((given, family, "", connected))
    return keys


def _decisive(kind: str, value: str) -> bool:
    if kind == "phone":
        return value.startswith("+") and len(value) >= 8  # E.164, not a short code
    if kind == "email":
        return "@" in value
    return kind == "linkedin"


def _is_empty(value: Any) -> bool:
    return value is None or value == ""


def _names_agree(row: _Row, target: dict[str, Any], key: tuple[str, str]) -> bool:
    """Whether a decisive match is one person rather than a shared phone or mailbox.

    Pierre and Sophie Martin share a landline: the duplicate finder's own rule (``is_exact``)
    says when the given names disagree too much for a shared value to merge them.
    """
    a, b = fold(row.fields["given_name"]), fold(target.get("given_name") or "")
    if not a or not b or a == b or a.startswith(b) or b.startswith(a):
        return True
    finder = _finder()
    kind, value = key
    shared = {"emails": (value,)} if kind == "email" else {}
    if kind == "phone":
        shared = {"phones": (value,)}
    elif kind == "linkedin":
        shared = {"linkedin": (value,)}
    first = finder.Record(
        id=1,
        given_name=row.fields["given_name"],
        family_name=row.fields["family_name"],
        display_name=row.display_name,
        organisation=row.fields["organisation"],
        **shared,
    )
    second = finder.Record(
        id=2,
        given_name=target.get("given_name") or "",
        family_name=target.get("family_name") or "",
        display_name=target.get("display_name") or "",
        organisation=target.get("organisation") or "",
        **shared,
    )
    return bool(finder.is_exact(finder.score_pair(first, second)))


def _finder() -> ModuleType:
    """The duplicate finder, imported when first needed (its tables take a moment to build)."""
    from entregent.network import dedupe

    return dedupe


# The importer --------------------------------------------------------------------------------


@dataclass(eq=False)
class _New:
    """A contact this batch creates, with every row merged into it."""

    key: int  # a negative stand-in until the contact is written
    line: int
    fields: dict[str, Any]
    display_name: str
    points: list[tuple[str, str, str, str]]
    values: set[tuple[str, str]]
    tags: dict[str, str]
    photo: bytes | None = None
    photo_type: str = ""
    merged_lines: list[tuple[int, str]] = field(default_factory=list)
    contact_id: int | None = None


@dataclass
class Counts:
    rows: int = 0  # rows read: contacts, skipped and errors
    created: int = 0
    merged: int = 0
    merged_existing: int = 0
    merged_in_file: int = 0
    skipped: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    skipped_rows: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    possible_duplicates: int | None = None

    def problem(self, problem: RowProblem) -> None:
        entry = {"line": problem.line, "message": problem.message}
        if problem.kind == "warning":
            if len(self.warnings) < MAX_LISTED:
                self.warnings.append(entry)
            return
        self.rows += 1
        if problem.kind == "skipped":
            self.skipped += 1
            if len(self.skipped_rows) < MAX_LISTED:
                self.skipped_rows.append(entry)
        else:
            self.error_count += 1
            if len(self.errors) < MAX_LISTED:
                self.errors.append(entry)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "merged": self.merged,
            "merged_existing": self.merged_existing,
            "merged_in_file": self.merged_in_file,
            "skipped": self.skipped,
            "error_count": self.error_count,
            "errors": self.errors,
            "skipped_rows": self.skipped_rows,
            "warnings": self.warnings,
            "possible_duplicates": self.possible_duplicates,
        }


@dataclass
class _Batch:
    """What one batch writes, gathered before its transaction."""

    new: list[_New] = field(default_factory=list)
    # Rows merged: (line, target (a _New or a contact id), matched by).
    merges: list[tuple[int, _New | int, str]] = field(default_factory=list)
    # On contacts already written (this import's earlier batches or the member's own):
    # (contact, point, line, position, pending)
    points: list[tuple[int, tuple[str, str, str, str], int, int, bool]] = field(
        default_factory=list
    )
    tags: list[tuple[int, str, int]] = field(default_factory=list)  # contact, tag name, line
    fills: list[tuple[int, str, Any, int]] = field(default_factory=list)  # contact, field, value
    own_fills: dict[int, dict[str, Any]] = field(default_factory=dict)  # this import's contacts
    photos: list[tuple[int, bytes, str, int]] = field(default_factory=list)
    keys: list[tuple[str, str]] = field(default_factory=list)  # registered in _seen
    names: list[tuple[str, str, str, str]] = field(default_factory=list)


class Importer:
    """Reads parsed rows batch by batch, matches them, and writes them (unless a dry run).

    The only state kept across batches is what later rows need to match earlier ones: each
    decisive value seen (and name key) with its contact's id, the ids this import created, and
    which fields, tags and photos it already gave the member's contacts. Never the rows.
    """

    def __init__(
        self,
        owner_id: int,
        job: ImportJob | None = None,
        *,
        batch_size: int = BATCH_SIZE,
        progress: Progress | None = None,
        sample: int = 0,
        collect_records: int = 0,
    ) -> None:
        self.owner_id = owner_id
        self.job = job
        self.write = job is not None
        self.batch_size = batch_size
        self.progress = progress
        self.counts = Counts()
        self._seen: dict[tuple[str, str], int | _New] = {}
        self._names: dict[tuple[str, str, str, str], int | _New] = {}
        self._created: set[int] = set()  # contact ids (or stand-ins) this import created
        self._filled: dict[int, set[str]] = {}
        self._tagged: dict[int, set[str]] = {}
        self._has_photo: set[int] = set()
        self._next_key = -1
        self._rows_pending = 0
        # The preview's first rows, as they will be mapped, and what happens to each.
        self.sample_size = sample
        self.sample: list[dict[str, Any]] = []
        # For counting fuzzy duplicates in a preview: the contacts the file would create.
        self.collect_records = collect_records
        self.records: list[Any] = []
        self.records_overflow = False

    # Reading

    def run(self, rows: Iterable[ParsedContact | RowProblem]) -> Counts:
        batch: list[_Row] = []
        for item in rows:
            if isinstance(item, RowProblem):
                self.counts.problem(item)
                if item.kind != "warning":
                    self._rows_pending += 1
                continue
            self.counts.rows += 1
            self._rows_pending += 1
            row = _row(item)
            if item.photo and len(item.photo) > ContactPhoto.MAX_BYTES:
                limit = ContactPhoto.MAX_BYTES // (1024 * 1024)
                self.counts.problem(
                    RowProblem(
                        item.line,
                        _("The photo is larger than %(limit)s MB: it was not kept.")
                        % {"limit": limit},
                        kind="warning",
                    )
                )
                row.photo = None
            batch.append(row)
            if len(batch) >= self.batch_size:
                self._batch(batch)
                batch = []
        self._batch(batch)
        return self.counts

    # One batch

    def _batch(self, rows: list[_Row]) -> None:
        if not rows and not self._rows_pending:
            return
        existing = self._lookup(rows)
        plan = _Batch()
        for row in rows:
            self._resolve(row, existing, plan)
        if self.write:
            self._write(plan)
        else:
            for new in plan.new:
                self._created.add(new.key)
                new.contact_id = new.key
        # Later batches need only the ids, not the rows.
        for key in plan.keys:
            target = self._seen[key]
            if isinstance(target, _New):
                self._seen[key] = target.contact_id or target.key
        for name in plan.names:
            target = self._names[name]
            if isinstance(target, _New):
                self._names[name] = target.contact_id or target.key
        done, self._rows_pending = self._rows_pending, 0
        if self.progress is not None:
            self.progress(done)

    def _lookup(self, rows: list[_Row]) -> dict[str, Any]:
        """Everything the batch needs from the database, in a fixed number of queries."""
        owned = Q(contact__owner_id=self.owner_id, contact__pending=False)
        owned &= Q(contact__deleted_at__isnull=True)
        values = sorted({v for row in rows for k, v in row.keys if (k, v) not in self._seen})
        by_value: dict[tuple[str, str], int] = {}
        for chunk in _chunks(values, 900):  # under SQLite's 999 parameters
            found = (
                ContactPoint.objects.filter(owned, pending=False, value__in=chunk)
                .filter(kind__in=DECISIVE_KINDS)
                .order_by("contact_id")
                .values_list("kind", "value", "contact_id")
            )
            for kind, value, contact_id in found:
                by_value.setdefault((kind, value), contact_id)
        by_name: dict[tuple[str, str, str, str], int] = {}
        names = sorted(
            {
                row.display_name
                for row in rows
                if row.name_keys and not any(k in self._names for k in row.name_keys)
            }
        )
        for chunk in _chunks(names, 900):
            for contact in (
                Contact.objects.filter(
                    owner_id=self.owner_id, pending=False, deleted_at__isnull=True
                )
                .filter(display_name__in=chunk)
                .order_by("pk")
                .values("pk", "given_name", "family_name", "organisation", "connected_on")
            ):
                for key in _name_keys(
                    contact["given_name"],
                    contact["family_name"],
                    contact["organisation"],
                    contact["connected_on"],
                ):
                    by_name.setdefault(key, contact["pk"])
        # Contacts rows may merge into (already written): their fields, values, tags, photo.
        targets = set(by_value.values()) | set(by_name.values())
        for row in rows:
            for value_key in row.keys:
                seen = self._seen.get(value_key)
                if isinstance(seen, int) and seen > 0:
                    targets.add(seen)
            for name_key in row.name_keys:
                named = self._names.get(name_key)
                if isinstance(named, int) and named > 0:
                    targets.add(named)
        ids = sorted(targets)
        contacts: dict[int, dict[str, Any]] = {}
        points: dict[int, list[tuple[str, str]]] = defaultdict(list)
        tags: dict[int, set[str]] = defaultdict(set)
        photos: set[int] = set()
        for chunk in _chunks(ids, 900):
            for contact in Contact.objects.filter(pk__in=chunk).values(
                "pk", "display_name", *FILLABLE_FIELDS
            ):
                contacts[contact["pk"]] = contact
            for contact_id, kind, value in ContactPoint.objects.filter(
                contact_id__in=chunk
            ).values_list("contact_id", "kind", "value"):
                points[contact_id].append((kind, value))
            if any(row.tags for row in rows):
                for contact_id, name in Contact.tags.through.objects.filter(
                    contact_id__in=chunk
                ).values_list("contact_id", "tag__name"):
                    tags[contact_id].add(name.casefold())
            if any(row.photo for row in rows):
                photos.update(
                    ContactPhoto.objects.filter(contact_id__in=chunk).values_list(
                        "contact_id", flat=True
                    )
                )
        return {
            "by_value": by_value,
            "by_name": by_name,
            "contacts": contacts,
            "points": points,
            "tags": tags,
            "photos": photos,
        }

    def _match(self, row: _Row, existing: dict[str, Any]) -> tuple[_New | int | None, str, bool]:
        """The contact a row merges into, what matched, and whether names vetoed a match."""
        vetoed = False
        for key in row.keys:
            target = self._seen.get(key)
            if target is None:
                target = existing["by_value"].get(key)
            if target is None:
                continue
            if isinstance(target, _New):
                facts = {**target.fields, "display_name": target.display_name}
            else:
                facts = existing["contacts"].get(target, {})
            if _names_agree(row, facts, key):
                return target, key[0], False
            vetoed = True
        for name_key in row.name_keys:
            target = self._names.get(name_key)
            if target is None:
                target = existing["by_name"].get(name_key)
            if target is not None:
                return target, "name", False
        return None, "", vetoed

    def _resolve(self, row: _Row, existing: dict[str, Any], plan: _Batch) -> None:
        target, by, vetoed = self._match(row, existing)
        if target is None:
            new = _New(
                key=self._next_key,
                line=row.line,
                fields=dict(row.fields),
                display_name=row.display_name,
                points=list(row.points),
                values={(kind, value) for kind, value, _raw, _label in row.points},
                tags=dict(row.tags),
                photo=row.photo,
                photo_type=row.photo_type if row.photo else "",
            )
            self._next_key -= 1
            plan.new.append(new)
            self.counts.created += 1
            target = new
            self._record(row, new, vetoed)
            self._sample(row, "new", None, by)
        else:
            self.counts.merged += 1
            in_file = isinstance(target, _New) or target in self._created
            if in_file:
                self.counts.merged_in_file += 1
            else:
                self.counts.merged_existing += 1
            plan.merges.append((row.line, target, by))
            self._sample(row, "merge", target, by, existing)
            if isinstance(target, _New):
                self._merge_new(target, row)
            else:
                self._merge_written(target, row, existing, plan)
        for key in row.keys:
            if key not in self._seen:
                self._seen[key] = target
                plan.keys.append(key)
        for name_key in row.name_keys:
            if name_key not in self._names:
                self._names[name_key] = target
                plan.names.append(name_key)

    def _merge_new(self, new: _New, row: _Row) -> None:
        for name, value in row.fields.items():
            if _is_empty(new.fields.get(name)) and not _is_empty(value):
                if name in _BIRTHDAY and new.fields.get("birthday_day"):
                    continue
                new.fields[name] = value
        for point in row.points:
            if (point[0], point[1]) not in new.values:
                new.values.add((point[0], point[1]))
                new.points.append(point)
        for folded, name in row.tags.items():
            new.tags.setdefault(folded, name)
        if row.photo and not new.photo:
            new.photo, new.photo_type = row.photo, row.photo_type

    def _merge_written(
        self, contact_id: int, row: _Row, existing: dict[str, Any], plan: _Batch
    ) -> None:
        """A row merged into a contact already in the database."""
        own = contact_id in self._created
        current = existing["contacts"].get(contact_id, {})
        filled = self._filled.get(contact_id, set())
        fills: dict[str, Any] = {}
        birthday_known = current.get("birthday_day") or "birthday_day" in filled
        for name in FILLABLE_FIELDS:
            value = row.fields.get(name)
            if _is_empty(value) or name in filled or not _is_empty(current.get(name)):
                continue
            if name in _BIRTHDAY and birthday_known:
                continue  # a birthday is filled whole or not at all
            fills[name] = value
        if fills:
            self._filled.setdefault(contact_id, set()).update(fills)
        for name, value in fills.items():
            if own:
                plan.own_fills.setdefault(contact_id, {})[name] = value
            else:
                plan.fills.append((contact_id, name, value, row.line))
        values = existing["points"].setdefault(contact_id, [])
        for point in row.points:
            if (point[0], point[1]) in values:
                continue
            values.append((point[0], point[1]))
            # After the member's own points, in the file's order.
            plan.points.append((contact_id, point, row.line, len(values), not own))
        if row.tags:
            tags = existing["tags"].setdefault(contact_id, set())
            planned = self._tagged.setdefault(contact_id, set())
            for folded, name in row.tags.items():
                if folded not in tags and folded not in planned:
                    planned.add(folded)
                    plan.tags.append((contact_id, name, row.line))
        has_photo = contact_id in existing["photos"] or contact_id in self._has_photo
        if row.photo and not has_photo:
            self._has_photo.add(contact_id)
            plan.photos.append((contact_id, row.photo, row.photo_type, row.line))

    def _record(self, row: _Row, new: _New, vetoed: bool) -> None:
        """Keep what the fuzzy count needs, within its limit."""
        if not self.collect_records:
            return
        if len(self.records) >= self.collect_records:
            self.records_overflow = True
            return
        self.records.append(_dedupe_record(new.key, row.fields, row.display_name, row.points))

    def _sample(
        self,
        row: _Row,
        action: str,
        target: _New | int | None,
        by: str,
        existing: dict[str, Any] | None = None,
    ) -> None:
        if len(self.sample) >= self.sample_size:
            return
        entry: dict[str, Any] = {
            "line": row.line,
            "name": row.display_name,
            "given_name": row.fields["given_name"],
            "family_name": row.fields["family_name"],
            "organisation": row.fields["organisation"],
            "job_title": row.fields["job_title"],
            "headline": row.fields["headline"],
            "location": row.fields["location"],
            "birthday": _birthday_text(row.fields),
            "connected_on": (
                row.fields["connected_on"].isoformat() if row.fields["connected_on"] else ""
            ),
            "points": [[kind, raw] for kind, _value, raw, _label in row.points],
            "tags": list(row.tags.values()),
            "photo": bool(row.photo),
            "action": action,
            "by": by,
        }
        if isinstance(target, _New):
            entry["same_as_line"] = target.line
        elif isinstance(target, int):
            if target in self._created:
                entry["same_as_line"] = None  # a row of an earlier batch
            else:
                facts = (existing or {}).get("contacts", {}).get(target, {})
                entry["contact"] = {"id": target, "name": facts.get("display_name", "")}
        self.sample.append(entry)

    # Writing

    def _write(self, plan: _Batch) -> None:
        job = self.job
        assert job is not None
        created, merged = ImportChange.Kind.CREATED, ImportChange.Kind.MERGED
        changes: list[dict[str, Any]] = []
        with transaction.atomic():
            ids = _insert(
                Contact,
                [
                    {
                        "owner_id": self.owner_id,
                        "display_name": new.display_name,
                        "source": Contact.Source.IMPORT,
                        "pending": True,
                        **new.fields,
                    }
                    for new in plan.new
                ],
                ids=True,
            )
            points: list[dict[str, Any]] = []
            photos: list[ContactPhoto] = []
            for new, pk in zip(plan.new, ids, strict=True):
                new.contact_id = pk
                self._created.add(pk)
                for position, (kind, value, raw, label) in enumerate(new.points):
                    points.append(
                        {
                            "contact_id": pk,
                            "kind": kind,
                            "value": value,
                            "raw": raw,
                            "label": label,
                            "position": position,
                        }
                    )
                if new.photo:
                    photos.append(
                        ContactPhoto(contact_id=pk, data=new.photo, content_type=new.photo_type)
                    )
                changes.append(
                    {"job_id": job.pk, "kind": created, "line": new.line, "contact_id": pk}
                )
                for name in new.tags.values():
                    changes.append(self._tag_change(pk, name, new.line))
            # Points on the member's own contacts stay pending until the import completes, and
            # undo needs their ids; points on this import's own contacts go with them.
            added: list[tuple[ContactPoint, int]] = []
            for contact_id, (kind, value, raw, label), line, position, pending in plan.points:
                if not pending:
                    points.append(
                        {
                            "contact_id": contact_id,
                            "kind": kind,
                            "value": value,
                            "raw": raw,
                            "label": label,
                            "position": position,
                        }
                    )
                    continue
                point = ContactPoint(
                    contact_id=contact_id,
                    kind=kind,
                    value=value,
                    raw=raw,
                    label=label,
                    position=position,
                    pending=True,
                )
                added.append((point, line))
            _insert(ContactPoint, points)
            ContactPoint.objects.bulk_create([point for point, _line in added])
            for point, line in added:
                changes.append(
                    {
                        "job_id": job.pk,
                        "kind": ImportChange.Kind.POINT,
                        "line": line,
                        "contact_id": point.contact_id,
                        "point_id": point.pk,
                        "value": point.raw,
                    }
                )
            for contact_id, data, content_type, line in plan.photos:
                photos.append(
                    ContactPhoto(contact_id=contact_id, data=data, content_type=content_type)
                )
                if contact_id not in self._created:
                    changes.append(
                        {
                            "job_id": job.pk,
                            "kind": ImportChange.Kind.PHOTO,
                            "line": line,
                            "contact_id": contact_id,
                        }
                    )
            ContactPhoto.objects.bulk_create(photos)
            # This import's own contacts are still hidden: fill them now.
            _update_fields(plan.own_fills)
            for contact_id, name, value, line in plan.fills:
                changes.append(
                    {
                        "job_id": job.pk,
                        "kind": ImportChange.Kind.FIELD,
                        "line": line,
                        "contact_id": contact_id,
                        "field": name,
                        "value": _json_value(value),
                    }
                )
            for contact_id, name, line in plan.tags:
                changes.append(self._tag_change(contact_id, name, line))
            for line, target, by in plan.merges:
                merged_into = target.contact_id if isinstance(target, _New) else target
                changes.append(
                    {
                        "job_id": job.pk,
                        "kind": merged,
                        "line": line,
                        "contact_id": merged_into,
                        "field": by,
                    }
                )
            _insert(ImportChange, changes)
            ImportJob.objects.filter(pk=job.pk).update(
                rows_done=job.rows_done + self._rows_pending, heartbeat_at=timezone.now()
            )
            job.rows_done += self._rows_pending

    def _tag_change(self, contact_id: int, name: str, line: int) -> dict[str, Any]:
        assert self.job is not None
        return {
            "job_id": self.job.pk,
            "kind": ImportChange.Kind.TAG,
            "line": line,
            "contact_id": contact_id,
            "tag_name": name,
        }


def _insert(
    model: type[models.Model], rows: list[dict[str, Any]], *, ids: bool = False
) -> list[int]:
    """INSERT ``rows`` (attname -> value; other columns take their defaults) into ``model``'s
    table; with ``ids``, return the new primary keys in order.

    ``bulk_create`` spends most of an import's writing time compiling each value of each
    column of each row (30 columns for a contact); these rows hold plain values already valid
    for their columns, so only dates, datetimes and JSON need adapting. Defaults are computed
    once per call: no column written here has a default that must differ between rows.
    """
    if not rows:
        return []
    if ids and not connection.features.can_return_rows_from_bulk_insert:
        objs = model._default_manager.bulk_create([model(**row) for row in rows])
        return [int(obj.pk) for obj in objs]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults: dict[str, Any] = {}
    adapt: dict[str, models.Field[Any, Any]] = {}
    for f in fields:
        auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        default = now if auto else f.get_default()
        if isinstance(f, models.DateField | models.JSONField | models.BinaryField):
            adapt[f.attname] = f
            if default is not None:
                # Adapted once here rather than once per row.
                default = f.get_db_prep_save(default, connection)
        defaults[f.attname] = default
    names = [f.attname for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column or f.attname) for f in fields)
    returning = f" RETURNING {connection.ops.quote_name('id')}" if ids else ""
    values = [
        [
            defaults[name]
            if name not in row
            else (
                adapt[name].get_db_prep_save(row[name], connection)
                if name in adapt and row[name] is not None
                else row[name]
            )
            for name in names
        ]
        for row in rows
    ]
    new_ids: list[int] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array per column, as Django's own bulk_create does there: a VALUES list of
            # 16,000 parameters takes PostgreSQL longer to plan than to insert.
            types = [f.db_type(connection) or "text" for f in fields]
            arrays = ", ".join(f"(%s)::{t.split('(')[0]}[]" for t in types)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({arrays}){returning}",
                [list(column) for column in zip(*values, strict=True)],
            )
            if ids:
                new_ids.extend(int(r[0]) for r in cursor.fetchall())
            return new_ids
        placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
        for chunk in _chunks(values, max(1, _max_parameters() // len(fields))):
            sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join(
                [placeholders] * len(chunk)
            )
            cursor.execute(sql + returning, [value for row in chunk for value in row])
            if ids:
                new_ids.extend(int(r[0]) for r in cursor.fetchall())
    return new_ids


def _max_parameters() -> int:
    """Bound parameters per statement: SQLite's own limit (32,766 since 3.32; Django assumes
    999 for older builds), PostgreSQL's 65,535."""
    if connection.vendor == "sqlite":
        import sqlite3

        raw = connection.connection
        limit = getattr(raw, "getlimit", None)
        if limit is not None:
            return min(int(limit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)), 32766)
        return 999
    return 65535


def _update_fields(updates: dict[int, dict[str, Any]]) -> None:
    """Write each contact's own new values, in one statement per set of fields.

    ``bulk_update`` writes every field it is given on every row, so rows are grouped by the
    fields they change; it leaves ``updated_at`` alone, which undo relies on.
    """
    groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for pk, values in updates.items():
        if values:
            groups[tuple(sorted(values))].append(pk)
    for names, pks in groups.items():
        Contact.objects.bulk_update(
            [Contact(pk=pk, **updates[pk]) for pk in pks], list(names), batch_size=BATCH_SIZE
        )


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _python_value(name: str, value: Any) -> Any:
    if name == "connected_on" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _birthday_text(fields: dict[str, Any]) -> str:
    day, month, year = fields["birthday_day"], fields["birthday_month"], fields["birthday_year"]
    if not (day and month):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _dedupe_record(
    key: int, fields: dict[str, Any], display_name: str, points: Iterable[tuple[str, ...]]
) -> Any:
    points = list(points)
    birthday = None
    if fields.get("birthday_day") and fields.get("birthday_month"):
        birthday = (fields.get("birthday_year"), fields["birthday_month"], fields["birthday_day"])
    given, family = fields.get("given_name") or "", fields.get("family_name") or ""
    address = next((p[2] for p in points if p[0] == "address"), "")
    postcode = _POSTCODE.search(address)
    # As network.duplicates.contact_records() builds the member's own records.
    return _finder().Record(
        id=key,
        given_name=given,
        family_name=family,
        display_name="" if (given or family) else display_name,
        organisation=fields.get("organisation") or "",
        emails=tuple(p[1] for p in points if p[0] == "email"),
        phones=tuple(p[1] for p in points if p[0] == "phone"),
        linkedin=tuple(p[1] for p in points if p[0] == "linkedin"),
        address=address,
        postcode=postcode[0] if postcode else "",
        city=(fields.get("location") or "").split(",")[0].strip(),
        birthday=birthday,
    )


# Preview -------------------------------------------------------------------------------------


def read_rows(job: ImportJob, data: bytes) -> Iterator[ParsedContact | RowProblem]:
    mapping = job.mapping if job.format == ImportJob.Format.CSV else None
    return parse(data, job.format, mapping)


def build_preview(
    owner_id: int,
    rows: Iterable[ParsedContact | RowProblem],
    *,
    fuzzy_limit: int = FUZZY_LIMIT_INLINE,
) -> dict[str, Any]:
    """What importing these rows would do, without writing anything."""
    importer = Importer(owner_id, sample=PREVIEW_ROWS, collect_records=fuzzy_limit)
    counts = importer.run(rows)
    counts.possible_duplicates = _possible_duplicates(owner_id, importer, fuzzy_limit)
    return {"rows": importer.sample, "counts": counts.as_dict()}


def _possible_duplicates(owner_id: int, importer: Importer, limit: int) -> int | None:
    """How many contacts the file would create look like another (None: not counted)."""
    if importer.records_overflow or not limit:
        return None
    if not importer.records:
        return 0
    owner = User.objects.get(pk=owner_id)
    if Contact.objects.owned_by(owner).count() + len(importer.records) > limit:
        return None
    from entregent.network.duplicates import contact_records

    finder = _finder()
    involved: set[int] = set()
    for candidate in finder.find_candidates(importer.records + contact_records(owner)):
        if not finder.is_exact(candidate):
            # The file's contacts have negative stand-in ids.
            involved.update(key for key in (candidate.a, candidate.b) if key < 0)
    return len(involved)


def preview_import(job: ImportJob, *, fuzzy_limit: int = FUZZY_LIMIT_INLINE) -> ImportJob:
    """Read the whole file as a dry run and store the preview; the job becomes READY (or
    FAILED with the reason, when the file cannot be read as its format)."""
    data = job_data(job)
    preview: dict[str, Any] = {"format": job.format}
    if job.is_generic_csv:
        header = csv_header(data)
        mapping = guess_mapping(header)
        for name, column in (job.mapping or {}).items():
            if column:
                mapping[name] = column
            else:
                mapping.pop(name, None)
        preview.update(header=header, mapping={k: v for k, v in mapping.items() if k in FIELDS})
    with translation.override(_language(job)):
        try:
            preview.update(
                build_preview(
                    job.owner_id,
                    read_rows(job, data),
                    fuzzy_limit=fuzzy_limit,
                )
            )
        except (ImportFormatError, ValueError) as error:
            job.preview, job.error, job.status = preview, _problem(error), ImportJob.Status.FAILED
        else:
            job.preview, job.error, job.status = preview, "", ImportJob.Status.READY
            job.rows_total = preview["counts"]["rows"]
    job.finished_at = None
    job.save(update_fields=["preview", "error", "status", "rows_total", "finished_at"])
    return job


def _problem(error: Exception) -> str:
    if isinstance(error, ImportFormatError):
        if error.line:
            return _("Line %(line)s: %(message)s") % {"line": error.line, "message": error.message}
        return error.message
    return str(error)


def _language(job: ImportJob) -> str:
    return getattr(job.owner, "language", "") or settings.LANGUAGE_CODE


# Running -------------------------------------------------------------------------------------


def confirm_import(job: ImportJob) -> bool:
    """Queue the import to run; False when another import of the member is in progress."""
    with transaction.atomic():
        busy = ImportJob.objects.filter(owner_id=job.owner_id).in_progress().exclude(pk=job.pk)
        if busy.exists():
            return False
        job.status = ImportJob.Status.RUNNING
        job.rows_done = 0
        job.started_at = job.finished_at = job.committed_at = job.heartbeat_at = None
        job.runner = job.error = ""
        job.result = {}
        job.save(
            update_fields=[
                "status",
                "rows_done",
                "started_at",
                "finished_at",
                "committed_at",
                "heartbeat_at",
                "runner",
                "error",
                "result",
            ]
        )
    return True


def run_import(
    job: ImportJob, *, batch_size: int = BATCH_SIZE, progress: Progress | None = None
) -> ImportJob:
    """Import a confirmed job's file: batches, then ``finish()``; rolled back on an error.

    Call it outside any transaction: each batch must commit on its own. A job that another
    worker already took, or that is not waiting to run, is left alone.
    """
    now = timezone.now()
    claimed = ImportJob.objects.filter(
        pk=job.pk, status=ImportJob.Status.RUNNING, started_at__isnull=True
    ).update(started_at=now, heartbeat_at=now, runner=runner_id(), rows_done=0)
    if not claimed:
        job.refresh_from_db()
        return job
    job.refresh_from_db()
    with translation.override(_language(job)):
        try:
            importer = Importer(job.owner_id, job, batch_size=batch_size, progress=progress)
            counts = importer.run(read_rows(job, job_data(job)))
        except Exception as error:
            logger.exception("Import %s failed; rolling it back", job.pk)
            if isinstance(error, ImportFormatError | ValueError):
                message = _problem(error)
            else:
                message = _("Something went wrong while importing; nothing was kept.")
            rollback(job, message)
            return job
        ImportJob.objects.filter(pk=job.pk).update(
            committed_at=timezone.now(),
            result=counts.as_dict(),
            rows_done=counts.rows,
            heartbeat_at=timezone.now(),
        )
        job.refresh_from_db()
        try:
            finish(job)
        except Exception:
            # Every row is written: completing is safer than a half-visible rollback. With no
            # heartbeat, the next recover_interrupted() finishes it.
            logger.exception("Import %s failed while completing; it will be finished", job.pk)
            ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=None)
    job.refresh_from_db()
    return job


def _beat(job: ImportJob) -> None:
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())


def _iter_changes(
    job: ImportJob, kind: str, size: int = FLIP_SIZE, **filters: Any
) -> Iterator[list[dict[str, Any]]]:
    """The job's changes of one kind, in batches by id (keyset: safe while deleting them)."""
    last = 0
    while True:
        rows = (
            ImportChange.objects.filter(job=job, kind=kind, pk__gt=last, **filters)
            .order_by("pk")
            .values("pk", "contact_id", "point_id", "tag_id", "tag_name", "field", "value")[:size]
        )
        batch: list[dict[str, Any]] = [dict(row) for row in rows]
        if not batch:
            return
        yield batch
        last = batch[-1]["pk"]


def finish(job: ImportJob) -> None:
    """Complete a written import: tags, filled fields, visibility, search. Safe to repeat."""
    _link_tags(job)
    _beat(job)
    _apply_fields(job)
    _beat(job)
    for batch in _iter_changes(job, ImportChange.Kind.POINT):
        ContactPoint.objects.filter(pk__in=[c["point_id"] for c in batch], pending=True).update(
            pending=False
        )
    _beat(job)
    for batch in _iter_changes(job, ImportChange.Kind.CREATED):
        Contact.objects.filter(pk__in=[c["contact_id"] for c in batch], pending=True).update(
            pending=False
        )
    _beat(job)
    # Contacts created, and contacts given a value; a row that merged and brought nothing new
    # (a re-import) changed nothing to search.
    touched = (
        ImportChange.objects.filter(job=job)
        .exclude(kind__in=(ImportChange.Kind.MERGED, ImportChange.Kind.NEW_TAG))
        .values_list("contact_id", flat=True)
    )
    from entregent.network.search import reindex_contacts

    # Tags with a cadence, and "connected on", move keep-in-touch dates.
    Contact.objects.filter(pk__in=touched).refresh_schedule()
    reindex_contacts({pk for pk in touched.iterator(chunk_size=FLIP_SIZE) if pk})
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
        data=b"",  # nothing needs the file any more; its sha256 recognises a re-import
    )
    job.refresh_from_db()


def _link_tags(job: ImportJob) -> None:
    """Create the tags the import names (unique per member whatever the case) and link them."""
    pending = ImportChange.objects.filter(job=job, kind=ImportChange.Kind.TAG, tag__isnull=True)
    spellings = list(pending.values_list("tag_name", flat=True).distinct())
    if spellings:
        with transaction.atomic():
            # A member has tens of tags, not thousands: compare them in Python, where case
            # folding knows every alphabet (SQLite's LOWER() only knows ASCII).
            tags = _owner_tags(job.owner_id)
            missing: dict[str, str] = {}
            for name in spellings:
                if name.casefold() not in tags:
                    missing.setdefault(name.casefold(), name)
            Tag.objects.bulk_create(
                [Tag(owner_id=job.owner_id, name=name) for name in missing.values()],
                ignore_conflicts=True,
            )
            tags = _owner_tags(job.owner_id)
            ImportChange.objects.bulk_create(
                ImportChange(job=job, kind=ImportChange.Kind.NEW_TAG, tag_id=tags[folded])
                for folded in missing
                if folded in tags
            )
            for name in spellings:
                if name.casefold() in tags:
                    pending.filter(tag_name=name).update(tag_id=tags[name.casefold()])
    through = Contact.tags.through
    for batch in _iter_changes(job, ImportChange.Kind.TAG, tag__isnull=False):
        with transaction.atomic():
            through.objects.bulk_create(
                [through(contact_id=c["contact_id"], tag_id=c["tag_id"]) for c in batch],
                ignore_conflicts=True,
            )


def _owner_tags(owner_id: int) -> dict[str, int]:
    tags: dict[str, int] = {}
    for pk, name in Tag.objects.filter(owner_id=owner_id).order_by("pk").values_list("pk", "name"):
        tags.setdefault(name.casefold(), pk)
    return tags


def _apply_fields(job: ImportJob) -> None:
    """Fill the fields recorded on existing contacts, where they are still empty."""
    for batch in _iter_changes(job, ImportChange.Kind.FIELD, size=BATCH_SIZE):
        ids = sorted({c["contact_id"] for c in batch})
        current = {
            c["pk"]: c for c in Contact.objects.filter(pk__in=ids).values("pk", *FILLABLE_FIELDS)
        }
        updates: dict[int, dict[str, Any]] = defaultdict(dict)
        dropped: list[int] = []
        for change in batch:
            now = current.get(change["contact_id"], {}).get(change["field"])
            value = _python_value(change["field"], change["value"])
            if _is_empty(now):
                updates[change["contact_id"]][change["field"]] = value
            elif now != value:
                dropped.append(change["pk"])  # the member filled it meanwhile: theirs stays
        with transaction.atomic():
            _update_fields(updates)
            ImportChange.objects.filter(pk__in=dropped).delete()


def rollback(job: ImportJob, message: str) -> None:
    """Remove everything an unfinished import wrote; the job is FAILED with ``message``."""
    for batch in _iter_changes(job, ImportChange.Kind.CREATED, size=BATCH_SIZE):
        with transaction.atomic():
            Contact.objects.filter(pk__in=[c["contact_id"] for c in batch], pending=True).delete()
    for batch in _iter_changes(job, ImportChange.Kind.POINT):
        with transaction.atomic():
            ContactPoint.objects.filter(pk__in=[c["point_id"] for c in batch]).delete()
    for batch in _iter_changes(job, ImportChange.Kind.PHOTO):
        with transaction.atomic():
            ContactPhoto.objects.filter(contact_id__in=[c["contact_id"] for c in batch]).delete()
    while True:
        ids = list(job.changes.order_by("pk").values_list("pk", flat=True)[:FLIP_SIZE])
        if not ids:
            break
        ImportChange.objects.filter(pk__in=ids).delete()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED,
        error=message,
        finished_at=timezone.now(),
        committed_at=None,
        rows_done=0,
    )
    job.refresh_from_db()


# Recovering interrupted imports ------------------------------------------------------------


def _alive(job: ImportJob, now: dt.datetime) -> bool:
    """Whether the worker running ``job`` may still be at it."""
    if job.heartbeat_at is None or now - job.heartbeat_at > STALE_AFTER:
        return False
    host, _sep, rest = job.runner.partition(":")
    pid_text, _sep, thread_text = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return True  # another machine: only its silence tells
    pid = int(pid_text)
    if pid == os.getpid():
        return thread_text.isdigit() and any(
            t.ident == int(thread_text) for t in threading.enumerate()
        )
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True  # a process of another user has this id
    return True


def recover_interrupted(now: dt.datetime | None = None) -> list[int]:
    """Roll back (or finish) imports whose worker died; returns the ids of the jobs recovered.

    Called when an import task starts, by ``manage.py import_contacts``, and by the scheduler.
    """
    now = now or timezone.now()
    recovered = []
    # Taken by a worker: a running import has started; a preview or an undo has a runner.
    stuck = ImportJob.objects.filter(
        Q(status=ImportJob.Status.RUNNING, started_at__isnull=False)
        | Q(status__in=(ImportJob.Status.PREVIEWING, ImportJob.Status.UNDOING), runner__gt="")
    ).defer("data")
    for job in stuck:
        if _alive(job, now):
            continue
        # Take it over first, so that two recoverers never work on one job.
        taken = ImportJob.objects.filter(pk=job.pk, runner=job.runner, status=job.status).update(
            runner=runner_id(), heartbeat_at=timezone.now()
        )
        if not taken:
            continue
        job.refresh_from_db()
        logger.warning("Recovering interrupted import %s (%s)", job.pk, job.status)
        with translation.override(_language(job)):
            if job.status == ImportJob.Status.PREVIEWING:
                ImportJob.objects.filter(pk=job.pk).update(
                    status=ImportJob.Status.FAILED,
                    error=_("Reading the file was interrupted. Upload it again."),
                )
            elif job.status == ImportJob.Status.UNDOING:
                _undo(job)
            elif job.committed_at is not None:
                finish(job)
            else:
                rollback(job, _("The import was interrupted; nothing was kept. Try again."))
        recovered.append(job.pk)
    return recovered


def discard_stale_uploads(older_than: dt.timedelta = dt.timedelta(days=7)) -> int:
    """Delete imports uploaded and never completed (previews nobody confirmed, failures),
    with their files: nothing of theirs is in the network."""
    stale = ImportJob.objects.filter(
        created_at__lt=timezone.now() - older_than,
        status__in=(ImportJob.Status.UPLOADED, ImportJob.Status.READY, ImportJob.Status.FAILED),
    )
    return stale.delete()[1].get(ImportJob._meta.label, 0)


def start_preview(job: ImportJob) -> None:
    """Mark a job as being read; the worker's preview task reads it."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.PREVIEWING, runner="", heartbeat_at=None, error=""
    )
    job.refresh_from_db()


def _claim(job: ImportJob, status: str) -> bool:
    """Take a job in ``status`` that no worker holds; False when another one already does.
    ``job`` is refreshed either way."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=status, runner="").update(
        heartbeat_at=timezone.now(), runner=runner_id()
    )
    job.refresh_from_db()
    return bool(claimed)


def run_preview(job: ImportJob) -> ImportJob:
    """The worker's side of a background preview (see ``start_preview``)."""
    if _claim(job, ImportJob.Status.PREVIEWING):
        preview_import(job, fuzzy_limit=FUZZY_LIMIT_BACKGROUND)
        ImportJob.objects.filter(pk=job.pk).update(runner="")
        job.refresh_from_db()
    return job


# Undo ----------------------------------------------------------------------------------------


def start_undo(job: ImportJob) -> bool:
    """Mark a finished import as being undone; False if it cannot be (any more)."""
    return bool(
        ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.DONE).update(
            status=ImportJob.Status.UNDOING,
            heartbeat_at=None,
            runner="",
            result=_with_undo(job.result),
        )
    )


def _with_undo(result: dict[str, Any]) -> dict[str, Any]:
    return {
        **result,
        "undo": {
            "removed": 0,
            "points_removed": 0,
            "tags_removed": 0,
            "fields_cleared": 0,
            "photos_removed": 0,
            "kept": [],
        },
    }


def undo_import(job: ImportJob) -> ImportJob:
    """Take back a finished import (see ``start_undo``), keeping what the member changed."""
    if _claim(job, ImportJob.Status.UNDOING):
        with translation.override(_language(job)):
            _undo(job)
        job.refresh_from_db()
    return job


def _keep(job: ImportJob, kept: list[dict[str, Any]], **counts: int) -> None:
    """Record a batch's outcome in the job, in the batch's own transaction."""
    job.refresh_from_db(fields=["result"])
    undo = job.result.setdefault("undo", _with_undo({})["undo"])
    for name, value in counts.items():
        undo[name] = undo.get(name, 0) + value
    listed = undo.setdefault("kept", [])
    listed.extend(kept[: max(0, MAX_LISTED - len(listed))])
    undo["kept_count"] = undo.get("kept_count", 0) + len(kept)
    ImportJob.objects.filter(pk=job.pk).update(result=job.result, heartbeat_at=timezone.now())


def _undo(job: ImportJob) -> None:
    finished = job.finished_at or job.started_at or timezone.now()
    started = job.started_at or job.created_at
    touched: set[int] = set()
    # Contacts it created: deleted unless the member has made them theirs since.
    for batch in _iter_changes(job, ImportChange.Kind.CREATED, size=BATCH_SIZE):
        ids = [c["contact_id"] for c in batch]
        contacts = {
            c["pk"]: c
            for c in Contact.objects.filter(pk__in=ids).values(
                "pk", "display_name", "updated_at", "created_at"
            )
        }
        busy = set(
            Contact.interactions.through.objects.filter(contact_id__in=ids).values_list(
                "contact_id", flat=True
            )
        )
        linked = set(
            Relationship.objects.filter(from_contact_id__in=ids).values_list(
                "from_contact_id", flat=True
            )
        ) | set(
            Relationship.objects.filter(to_contact_id__in=ids).values_list(
                "to_contact_id", flat=True
            )
        )
        kept, removed = [], []
        for pk in ids:
            contact = contacts.get(pk)
            if contact is None:
                continue
            reason = ""
            if contact["created_at"] < started:
                reason = "merged"  # another contact was merged into this one's row
            elif contact["updated_at"] > finished:
                reason = "edited"
            elif pk in busy:
                reason = "interactions"
            elif pk in linked:
                reason = "relationships"
            if reason:
                kept.append({"id": pk, "name": contact["display_name"], "reason": reason})
            else:
                removed.append(pk)
        with transaction.atomic():
            Contact.objects.filter(pk__in=removed).delete()
            # A kept contact keeps everything the import gave it.
            ImportChange.objects.filter(job=job, contact_id__in=[k["id"] for k in kept]).delete()
            _keep(job, kept, removed=len(removed))
        touched.update(k["id"] for k in kept)
    # Values added to the member's own contacts: removed unless edited since.
    for batch in _iter_changes(job, ImportChange.Kind.POINT, size=BATCH_SIZE):
        points = {
            p["pk"]: p
            for p in ContactPoint.objects.filter(pk__in=[c["point_id"] for c in batch]).values(
                "pk", "raw", "contact_id", "contact__display_name"
            )
        }
        kept, removed = [], []
        for change in batch:
            point = points.get(change["point_id"])
            if point is None:
                continue
            touched.add(point["contact_id"])
            if point["raw"] == change["value"]:
                removed.append(point["pk"])
            else:
                kept.append(
                    {
                        "id": point["contact_id"],
                        "name": point["contact__display_name"],
                        "reason": "point-edited",
                        "value": point["raw"],
                    }
                )
        with transaction.atomic():
            ContactPoint.objects.filter(pk__in=removed).delete()
            ImportChange.objects.filter(pk__in=[c["pk"] for c in batch]).delete()
            _keep(job, kept, points_removed=len(removed))
    through = Contact.tags.through
    for batch in _iter_changes(job, ImportChange.Kind.TAG, size=BATCH_SIZE):
        pairs = {(c["contact_id"], c["tag_id"]) for c in batch if c["tag_id"]}
        touched.update(contact_id for contact_id, _tag in pairs)
        links = [
            pk
            for pk, contact_id, tag_id in through.objects.filter(
                contact_id__in={c for c, _t in pairs}, tag_id__in={t for _c, t in pairs}
            ).values_list("pk", "contact_id", "tag_id")
            if (contact_id, tag_id) in pairs
        ]
        with transaction.atomic():
            removed_count = through.objects.filter(pk__in=links).delete()[0]
            ImportChange.objects.filter(pk__in=[c["pk"] for c in batch]).delete()
            _keep(job, [], tags_removed=removed_count)
    for batch in _iter_changes(job, ImportChange.Kind.FIELD, size=BATCH_SIZE):
        ids = sorted({c["contact_id"] for c in batch})
        current = {
            c["pk"]: c
            for c in Contact.objects.filter(pk__in=ids).values(
                "pk", "display_name", "updated_at", *FILLABLE_FIELDS
            )
        }
        clear: dict[int, dict[str, Any]] = defaultdict(dict)
        kept = []
        for change in batch:
            contact = current.get(change["contact_id"])
            if contact is None:
                continue
            touched.add(contact["pk"])
            value = _python_value(change["field"], change["value"])
            if contact[change["field"]] == value and contact["updated_at"] <= finished:
                clear[contact["pk"]][change["field"]] = _EMPTY[change["field"]]
            else:
                kept.append(
                    {
                        "id": contact["pk"],
                        "name": contact["display_name"],
                        "reason": "field-edited",
                        "field": change["field"],
                    }
                )
        with transaction.atomic():
            _update_fields(clear)
            ImportChange.objects.filter(pk__in=[c["pk"] for c in batch]).delete()
            _keep(job, _unique(kept), fields_cleared=sum(len(v) for v in clear.values()))
    for batch in _iter_changes(job, ImportChange.Kind.PHOTO, size=BATCH_SIZE):
        ids = [c["contact_id"] for c in batch]
        touched.update(ids)
        with transaction.atomic():
            # A photo replaced since is the member's.
            removed_count = (
                ContactPhoto.objects.filter(contact_id__in=ids, updated_at__lte=finished)
                .delete()[1]
                .get(ContactPhoto._meta.label, 0)
            )
            ImportChange.objects.filter(pk__in=[c["pk"] for c in batch]).delete()
            _keep(job, [], photos_removed=removed_count)
    for batch in _iter_changes(job, ImportChange.Kind.MERGED):
        touched.update(c["contact_id"] for c in batch if c["contact_id"])
        ImportChange.objects.filter(pk__in=[c["pk"] for c in batch]).delete()
    # Tags it created and nobody wears any more.
    for batch in _iter_changes(job, ImportChange.Kind.NEW_TAG):
        with transaction.atomic():
            Tag.objects.filter(pk__in=[c["tag_id"] for c in batch], contacts__isnull=True).delete()
            ImportChange.objects.filter(pk__in=[c["pk"] for c in batch]).delete()
    ImportChange.objects.filter(job=job).delete()
    from entregent.network.search import reindex_contacts

    # Contacts deleted since simply have no document left to rebuild.
    for chunk in _chunks(sorted(pk for pk in touched if pk), FLIP_SIZE):
        Contact.objects.filter(pk__in=chunk).refresh_schedule()
    reindex_contacts(touched)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.UNDONE, undone_at=timezone.now(), heartbeat_at=timezone.now()
    )
    job.refresh_from_db()


def _unique(kept: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per contact and reason (a contact may keep several fields)."""
    seen: dict[tuple[int, str], dict[str, Any]] = {}
    for entry in kept:
        key = (entry["id"], entry["reason"])
        if key in seen:
            seen[key]["field"] = f"{seen[key]['field']}, {entry['field']}"
        else:
            seen[key] = dict(entry)
    return list(seen.values())
