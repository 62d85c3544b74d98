"""Google Contacts CSV, the current layout and the older one ("Google CSV").

Both number their repeated fields ("E-mail 1 - Value", "Phone 2 - Label"): as many groups as
the busiest contact needs. One cell can hold several values separated by " ::: ", which share
the group's label. Labels starting with "* " ("* myContacts", "* starred") are Google's own,
not the member's tags.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from entregent.imports.records import ImportFormatError, ParsedContact, ParsedRow
from entregent.lib.text import fold

from .text import (
    Columns,
    address_point,
    cell,
    clean,
    clean_multiline,
    csv_rows,
    decode,
    email_points,
    finish,
    header_key,
    header_row,
    is_blank,
    join_location,
    parse_day_month,
    phone_point,
    postal_parts,
    read_all,
    set_birthday,
    sniff_delimiter,
    url_point,
)

# "E-mail 1 - Value" -> ("E-mail", "1", "Value"). The dash sets Google apart from Outlook's
# "E-mail 2 Type".
_GROUP = re.compile(r"(e-mail|phone|address|website|organization) (\d+) - (.+)", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*:::\s*")
# Google's own labels, kept in lower case like ours; a member's custom label stays as written.
_KNOWN_LABELS = frozenset(
    "home work mobile other main pager home fax work fax homepage blog profile".split(" ")
)

Groups = dict[str, dict[int, dict[str, int]]]


def parse(data: bytes | BinaryIO) -> Iterator[ParsedRow]:
    text = decode(read_all(data))
    rows = csv_rows(text, sniff_delimiter(text))
    line, header = header_row(rows)
    columns, groups = Columns(header), _groups(header)
    if not columns.has("First Name", "Given Name", "Name") or not (
        groups or columns.has("Labels", "Group Membership")
    ):
        raise ImportFormatError(
            "This does not look like a Google Contacts export: no “First Name” and "
            "“E-mail 1 - Value” columns in its header.",
            line,
        )
    for line, row in rows:
        if not is_blank(row):
            yield finish(_contact(line, row, columns, groups))


def is_google_group(name: str) -> bool:
    return _GROUP.fullmatch(clean(name)) is not None


def _groups(header: list[str]) -> Groups:
    """{"phone": {1: {"label": 19, "value": 20}}, ...}; the older layout says "type"."""
    groups: Groups = {}
    for position, name in enumerate(header):
        if match := _GROUP.fullmatch(clean(name)):
            kind, part = header_key(match[1]), header_key(match[3])
            part = "label" if part == "type" else part
            groups.setdefault(kind, {}).setdefault(int(match[2]), {})[part] = position
    return groups


def _values(raw: str) -> list[str]:
    return [value for value in _SEPARATOR.split(raw.strip()) if value.strip()]


def _label(raw: str) -> str:
    # The older layout marks the primary value's type with a star: "* Work".
    label = clean(raw).removeprefix("* ").strip()
    return fold(label) if fold(label) in _KNOWN_LABELS else label


def _contact(line: int, row: list[str], columns: Columns, groups: Groups) -> ParsedContact:
    contact = ParsedContact(line=line)
    given = columns.get(row, "First Name", "Given Name")
    middle = columns.get(row, "Middle Name", "Additional Name")
    contact.given_name = clean(f"{given} {middle}")
    contact.family_name = clean(columns.get(row, "Last Name", "Family Name"))
    contact.display_name = clean(columns.get(row, "Name"))
    contact.nickname = clean(columns.get(row, "Nickname"))
    contact.organisation = clean(columns.get(row, "Organization Name"))
    contact.job_title = clean(columns.get(row, "Organization Title"))
    contact.department = clean(columns.get(row, "Organization Department"))
    contact.notes = clean_multiline(columns.get(row, "Notes"))
    set_birthday(contact, parse_day_month(columns.get(row, "Birthday")))
    labels = _values(columns.get(row, "Labels", "Group Membership"))
    contact.tags = list(dict.fromkeys(clean(tag) for tag in labels if not tag.startswith("*")))
    for _, group in sorted(groups.get("organization", {}).items()):
        contact.organisation = contact.organisation or clean(cell(row, group.get("name", -1)))
        contact.job_title = contact.job_title or clean(cell(row, group.get("title", -1)))
        contact.department = contact.department or clean(cell(row, group.get("department", -1)))
    _add_points(contact, row, groups)
    contact.location = clean(columns.get(row, "Location")) or _location(row, groups)
    return contact


def _add_points(contact: ParsedContact, row: list[str], groups: Groups) -> None:
    def parts(kind: str) -> Iterator[tuple[str, dict[str, int]]]:
        for _, group in sorted(groups.get(kind, {}).items()):
            yield _label(cell(row, group.get("label", -1))), group

    for label, group in parts("e mail"):
        for value in _values(cell(row, group.get("value", -1))):
            contact.points.extend(email_points(value, label))
    for label, group in parts("phone"):
        for value in _values(cell(row, group.get("value", -1))):
            if point := phone_point(value, label):
                contact.points.append(point)
    for label, group in parts("website"):
        for value in _values(cell(row, group.get("value", -1))):
            if point := url_point(value, label):
                contact.points.append(point)
    for label, group in parts("address"):
        for address in _addresses(row, group):
            if point := address_point(address, label):
                contact.points.append(point)


def _addresses(row: list[str], group: dict[str, int]) -> Iterator[list[str]]:
    """Each address of a group: its "Formatted" lines, or its parts put in order."""
    formatted = _values(cell(row, group.get("formatted", -1)))
    if formatted:
        for address in formatted:
            yield address.splitlines()
        return
    names = ("street", "extended address", "po box", "city", "region", "postal code", "country")
    # " ::: " splits every part the same way when a cell holds several addresses.
    split = [_SEPARATOR.split(cell(row, group.get(name, -1))) for name in names]
    for index in range(max(len(values) for values in split)):
        street, extended, po_box, city, region, postcode, country = (
            values[index] if index < len(values) else "" for values in split
        )
        yield postal_parts(street, extended, po_box, city, region, postcode, country)


def _location(row: list[str], groups: Groups) -> str:
    for _, group in sorted(groups.get("address", {}).items()):
        city = _SEPARATOR.split(cell(row, group.get("city", -1)))[0]
        country = _SEPARATOR.split(cell(row, group.get("country", -1)))[0]
        if location := join_location(city, country):
            return location
    return ""
