"""A member's contacts written out: vCard 4.0, CSV and JSON.

Writers over contacts (a queryset or any iterable of them), read in batches with their points,
tags and photos, so that 10,000 contacts take a constant number of queries per batch and a
network with photos is never held in memory at once (``iter_vcards`` and ``iter_csv`` yield
as they go; ``vcard`` and ``csv`` join them).

The vCard keeps everything an address book can hold, in standard properties where RFC 6350 has
one (FN, N, ORG, TITLE, NOTE, BDAY, EMAIL, TEL, URL, ADR, CATEGORIES, PHOTO, UID, REV) and in
``X-ENTREGENT-*`` properties otherwise (what they do, how we met, since when connected, tie
strength, location), so that an export imported back gives the same contacts.
"""

from __future__ import annotations

import base64
import csv as _csv
import datetime as dt
import io
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from entregent.lib.csv_safety import safe_row
from entregent.network.models import (
    Contact,
    ContactPhoto,
    ContactPoint,
    Interaction,
    Relationship,
)

BATCH = 200
FORMATS = ("vcard", "csv", "json")
CONTENT_TYPES = {
    "vcard": "text/vcard; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
EXTENSIONS = {"vcard": "vcf", "csv": "csv", "json": "json"}

# UIDs are derived from this namespace, the contact's id and its creation time: stable across
# exports (an address book updates the card instead of adding one) and unique across sites.
UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://entregent.org/ns/contact")
PRODID = "-//entregent//entregent contacts//EN"
FOLD_OCTETS = 75


# Reading in batches -------------------------------------------------------------------------


def _batches(contacts: Iterable[Contact]) -> Iterator[list[Contact]]:
    """The contacts, in their order, reloaded BATCH at a time with points, tags and photos."""
    if isinstance(contacts, QuerySet):
        ids = list(contacts.values_list("pk", flat=True))
    else:
        ids = [contact.pk for contact in contacts]
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        loaded = (
            Contact.objects.filter(pk__in=chunk)
            .select_related("introduced_by")
            .prefetch_related("points", "tags")
            .in_bulk()
        )
        photos = {p.contact_id: p for p in ContactPhoto.objects.filter(contact_id__in=chunk)}
        batch = []
        for pk in chunk:
            contact = loaded.get(pk)
            if contact is not None:
                contact._export_photo = photos.get(pk)  # type: ignore[attr-defined]
                batch.append(contact)
        yield batch


def _photo(contact: Contact) -> ContactPhoto | None:
    photo: ContactPhoto | None = getattr(contact, "_export_photo", None)
    return photo


def contact_uid(contact: Contact) -> str:
    return (
        f"urn:uuid:{uuid.uuid5(UID_NAMESPACE, f'{contact.pk}:{contact.created_at.isoformat()}')}"
    )


def _points(contact: Contact, *kinds: str) -> list[ContactPoint]:
    return [point for point in contact.points.all() if point.kind in kinds]


def _tags(contact: Contact) -> list[str]:
    return sorted(tag.name for tag in contact.tags.all())


def _birthday(contact: Contact) -> str:
    """ISO 8601: 1980-04-12, or --04-12 without the year; the year alone when that is all."""
    day, month, year = contact.birthday_day, contact.birthday_month, contact.birthday_year
    if day and month:
        return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
    return f"{year:04d}" if year else ""


# vCard 4.0 ------------------------------------------------------------------------------------


def escape(text: str) -> str:
    """A TEXT value (RFC 6350 3.4): backslash, comma, semicolon and line breaks escaped."""
    return (
        text.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def _param(value: str) -> str:
    """A parameter value, quoted when it holds a separator (a double quote cannot be in one)."""
    value = value.replace('"', "'").replace("\r", " ").replace("\n", " ")
    return f'"{value}"' if any(c in value for c in ",;:") else value


def fold(line: str) -> str:
    """One content line cut into lines of at most 75 octets (RFC 6350 3.2), CRLF ended.

    Cut between UTF-8 characters, never inside one: each continuation starts with a space,
    which counts in its 75 octets.
    """
    data = line.encode("utf-8")
    if len(data) <= FOLD_OCTETS:
        return line + "\r\n"
    parts = []
    start, limit = 0, FOLD_OCTETS
    while start < len(data):
        end = min(start + limit, len(data))
        # Back off over continuation bytes (10xxxxxx) so as not to split a character.
        while end < len(data) and data[end] & 0xC0 == 0x80:
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, FOLD_OCTETS - 1
    return "\r\n ".join(parts) + "\r\n"


# Labels the vCard TYPE parameter says as well as the member did; any other label travels in
# an Apple-style group ("item1.EMAIL" with "item1.X-ABLabel"), which most address books read.
_TYPES = {
    "work": "work",
    "home": "home",
    "other": "other",
}
_PHONE_TYPES = {
    **_TYPES,
    "mobile": "cell",
    "fax": "fax",
    "work fax": "work,fax",
    "home fax": "home,fax",
    "pager": "pager",
    "main": "main",
}


class _Card:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.groups = 0

    def add(self, name: str, value: str, params: str = "") -> None:
        self.lines.append(fold(f"{name}{params}:{value}"))

    def add_labelled(self, name: str, value: str, label: str, types: dict[str, str]) -> None:
        label = label.strip()
        if not label:
            self.add(name, value)
        elif label in types:
            self.add(name, value, f";TYPE={_param(types[label])}")
        else:
            self.groups += 1
            group = f"item{self.groups}"
            self.add(f"{group}.{name}", value)
            self.add(f"{group}.X-ABLabel", escape(label))


def vcard_card(contact: Contact) -> str:
    card = _Card()
    card.add("VERSION", "4.0")
    card.add("PRODID", PRODID)
    card.add("UID", contact_uid(contact))
    card.add("FN", escape(contact.display_name))
    if contact.given_name or contact.family_name:
        card.add("N", f"{escape(contact.family_name)};{escape(contact.given_name)};;;")
    if contact.organisation:
        card.add("ORG", escape(contact.organisation))
    if contact.job_title:
        card.add("TITLE", escape(contact.job_title))
    birthday = _birthday(contact)
    if birthday:
        # The basic format: 19800412, --0412 without a year.
        card.add("BDAY", birthday[:2] + birthday[2:].replace("-", ""))
    for point in contact.points.all():
        raw = point.raw.strip()
        if point.kind == ContactPoint.Kind.EMAIL:
            card.add_labelled("EMAIL", escape(raw), point.label, _TYPES)
        elif point.kind == ContactPoint.Kind.PHONE:
            # As text, the way the member wrote it: a tel: URI would lose the spacing.
            card.add_labelled("TEL;VALUE=text", escape(raw), point.label, _PHONE_TYPES)
        elif point.kind in (ContactPoint.Kind.URL, ContactPoint.Kind.LINKEDIN):
            card.add_labelled("URL", escape(raw), point.label, _TYPES)
        elif point.kind == ContactPoint.Kind.ADDRESS:
            # The address is one free text: it goes whole in the street part.
            card.add_labelled("ADR", f";;{escape(raw)};;;;", point.label, _TYPES)
    tags = _tags(contact)
    if tags:
        card.add("CATEGORIES", ",".join(escape(tag) for tag in tags))
    if contact.notes.strip():
        card.add("NOTE", escape(contact.notes.strip()))
    photo = _photo(contact)
    if photo is not None:
        data = base64.b64encode(bytes(photo.data)).decode("ascii")
        card.add("PHOTO", f"data:{photo.content_type};base64,{data}")
    extensions = [
        ("X-ENTREGENT-HEADLINE", contact.headline),
        ("X-ENTREGENT-LOCATION", contact.location),
        ("X-ENTREGENT-MET", contact.met_story),
        ("X-ENTREGENT-MET-ON", contact.met_on.isoformat() if contact.met_on else ""),
        (
            "X-ENTREGENT-CONNECTED-ON",
            contact.connected_on.isoformat() if contact.connected_on else "",
        ),
        ("X-ENTREGENT-TIE-STRENGTH", str(contact.tie_strength or "")),
    ]
    for name, value in extensions:
        if value.strip():
            card.add(name, escape(value.strip()))
    card.add("REV", contact.updated_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ"))
    return "BEGIN:VCARD\r\n" + "".join(card.lines) + "END:VCARD\r\n"


def iter_vcards(contacts: Iterable[Contact]) -> Iterator[str]:
    for batch in _batches(contacts):
        for contact in batch:
            yield vcard_card(contact)


def vcard(contacts: Iterable[Contact]) -> str:
    """The contacts as one vCard 4.0 file (UTF-8, CRLF, folded at 75 octets)."""
    return "".join(iter_vcards(contacts))


# CSV ------------------------------------------------------------------------------------------


def csv_header() -> list[str]:
    return [
        _("Name"),
        _("Given name"),
        _("Family name"),
        _("What they do"),
        _("Organisation"),
        _("Job title"),
        _("Location"),
        _("Birthday"),
        _("Emails"),
        _("Phones"),
        _("Web pages"),
        _("LinkedIn"),
        _("Addresses"),
        _("Tags"),
        _("How we met"),
        _("Met on"),
        _("Introduced by"),
        _("Connected since"),
        _("Tie strength"),
        _("Trust"),
        _("Trust note"),
        _("Keep in touch (months)"),
        _("Last interaction"),
        _("Notes"),
        _("Archived"),
        _("Added on"),
        _("ID"),
    ]


def _iso(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date().isoformat()
    return value.isoformat()


def _values(contact: Contact, *kinds: str) -> str:
    # One value per line: spreadsheets show them stacked in the cell.
    return "\n".join(" ".join(p.raw.split()) for p in _points(contact, *kinds))


def csv_row(contact: Contact) -> list[object]:
    return [
        contact.display_name,
        contact.given_name,
        contact.family_name,
        contact.headline,
        contact.organisation,
        contact.job_title,
        contact.location,
        _birthday(contact),
        _values(contact, ContactPoint.Kind.EMAIL),
        _values(contact, ContactPoint.Kind.PHONE),
        _values(contact, ContactPoint.Kind.URL),
        _values(contact, ContactPoint.Kind.LINKEDIN),
        "\n".join(
            " ".join(p.raw.replace("\n", ", ").split()) for p in _points(contact, "address")
        ),
        "\n".join(_tags(contact)),
        contact.met_story,
        _iso(contact.met_on),
        contact.introduced_by.display_name if contact.introduced_by else "",
        _iso(contact.connected_on),
        contact.tie_strength or "",
        contact.trust_rating or "",
        contact.trust_note,
        "" if contact.cadence is None else contact.cadence,
        _iso(contact.last_interaction_on),
        contact.notes,
        _iso(contact.archived_at),
        _iso(contact.created_at),
        contact.pk,
    ]


def iter_csv(contacts: Iterable[Contact]) -> Iterator[str]:
    """CSV lines, the header first, every cell safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = _csv.writer(out, lineterminator="\r\n")

    def flush() -> str:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    writer.writerow(safe_row(csv_header()))
    yield flush()
    for batch in _batches(contacts):
        for contact in batch:
            writer.writerow(safe_row(csv_row(contact)))
        yield flush()


def csv(contacts: Iterable[Contact]) -> str:
    return "".join(iter_csv(contacts))


# JSON -----------------------------------------------------------------------------------------


def _contact_data(contact: Contact) -> dict[str, Any]:
    photo = _photo(contact)
    return {
        "id": contact.pk,
        "uid": contact_uid(contact),
        "display_name": contact.display_name,
        "given_name": contact.given_name,
        "family_name": contact.family_name,
        "headline": contact.headline,
        "organisation": contact.organisation,
        "job_title": contact.job_title,
        "location": contact.location,
        "birthday": {
            "day": contact.birthday_day,
            "month": contact.birthday_month,
            "year": contact.birthday_year,
        }
        if contact.birthday_day or contact.birthday_month or contact.birthday_year
        else None,
        "met_story": contact.met_story,
        "met_on": _iso(contact.met_on) or None,
        "introduced_by": contact.introduced_by_id,
        "connected_on": _iso(contact.connected_on) or None,
        "tie_strength": contact.tie_strength,
        "trust_rating": contact.trust_rating,
        "trust_note": contact.trust_note,
        "trust_noted_on": _iso(contact.trust_noted_on) or None,
        "cadence": contact.cadence,
        "last_interaction_on": _iso(contact.last_interaction_on) or None,
        "notes": contact.notes,
        "source": contact.source,
        "archived_at": contact.archived_at.isoformat() if contact.archived_at else None,
        "created_at": contact.created_at.isoformat(),
        "updated_at": contact.updated_at.isoformat(),
        "points": [
            {"kind": p.kind, "label": p.label, "raw": p.raw, "value": p.value}
            for p in contact.points.all()
        ],
        "tags": _tags(contact),
        "photo": {
            "content_type": photo.content_type,
            "data": base64.b64encode(bytes(photo.data)).decode("ascii"),
        }
        if photo is not None
        else None,
    }


def json(contacts: Iterable[Contact]) -> dict[str, Any]:
    """Everything the member holds about these contacts, ready for json.dumps: each contact
    with its points, tags and photo, the interactions they took part in, the relationships
    between them."""
    exported: list[dict[str, Any]] = []
    for batch in _batches(contacts):
        exported.extend(_contact_data(contact) for contact in batch)
    ids = _id_filter(contacts)
    participants: dict[int, list[int]] = {}
    for interaction_id, contact_id in (
        Interaction.contacts.through.objects.filter(contact_id__in=ids)
        .order_by("interaction_id", "contact_id")
        .values_list("interaction_id", "contact_id")
    ):
        participants.setdefault(interaction_id, []).append(contact_id)
    through = Interaction.contacts.through.objects.filter(contact_id__in=ids)
    interactions = [
        {
            "id": interaction.pk,
            "occurred_on": interaction.occurred_on.isoformat(),
            "kind": interaction.kind,
            "summary": interaction.summary,
            "notes": interaction.notes,
            "contacts": participants[interaction.pk],
        }
        for interaction in Interaction.objects.filter(
            pk__in=through.values("interaction_id")
        ).order_by("occurred_on", "pk")
    ]
    relationships = [
        {
            "id": rel.pk,
            "from": rel.from_contact_id,
            "to": rel.to_contact_id,
            "kind": rel.kind,
            "note": rel.note,
        }
        for rel in Relationship.objects.filter(
            from_contact_id__in=ids, to_contact_id__in=ids
        ).order_by("pk")
    ]
    return {
        "format": "entregent-contacts",
        "version": 1,
        "contacts": exported,
        "interactions": interactions,
        "relationships": relationships,
    }


def _id_filter(contacts: Iterable[Contact]) -> Any:
    """The contacts' ids for an ``__in`` lookup: a subquery for a queryset, so that a large
    network's ids never become thousands of query parameters."""
    if isinstance(contacts, QuerySet):
        return contacts.values("pk")
    return [contact.pk for contact in contacts]


def member_contacts(owner: Any) -> QuerySet[Contact]:
    """What an export of "my contacts" holds: the live ones, archived included, bin excluded."""
    return Contact.objects.owned_by(owner).order_by("display_name", "pk")


def member_vcard(owner: Any) -> str:
    """The member's contacts as a vCard file, for the account's data export."""
    return vcard(member_contacts(owner))
