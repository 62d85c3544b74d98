"""Outlook and Thunderbird CSV exports, in English and French.

Outlook (desktop: 92 quoted columns, CRLF, often Windows-1252; Outlook.com: 61 columns) is
read by column name, in either language; a French header also means French dates (day
first). Thunderbird's layout is fixed and its French header repeats names ("Ville", "Code
postal" for home and work), so it is read by position once recognised.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from entregent.imports.records import ImportFormatError, ParsedContact, ParsedRow

from .text import (
    Columns,
    address_point,
    cell,
    clean,
    clean_multiline,
    csv_rows,
    day_month_from_parts,
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
    split_tags,
    url_point,
)

# Phone columns and the label each gets, English then French.
_PHONES = (
    ("mobile", "Mobile Phone", "Tél. mobile"),
    ("work", "Business Phone", "Téléphone (bureau)"),
    ("work", "Business Phone 2", "Téléphone 2 (bureau)"),
    ("home", "Home Phone", "Téléphone (domicile)"),
    ("home", "Home Phone 2", "Téléphone 2 (domicile)"),
    ("main", "Company Main Phone", "Téléphone société"),
    ("", "Primary Phone", "Téléphone principal"),
    ("other", "Other Phone", "Téléphone (autre)"),
    ("car", "Car Phone", "Téléphone (voiture)"),
    ("assistant", "Assistant's Phone", "Téléphone de l'assistant(e)"),
    ("work fax", "Business Fax", "Télécopie (bureau)"),
    ("home fax", "Home Fax", "Télécopie (domicile)"),
    ("pager", "Pager", "Récepteur de radiomessagerie"),
)
_EMAILS = (
    ("E-mail Address", "Adresse de messagerie"),
    ("E-mail 2 Address", "Adresse de messagerie 2"),
    ("E-mail 3 Address", "Adresse de messagerie 3"),
)
# English "Business", French "(bureau)": street, street 2, street 3, PO box, city, region,
# postcode, country.
_ADDRESSES = (
    ("work", "Business", "bureau"),
    ("home", "Home", "domicile"),
    ("other", "Other", "autre"),
)


def parse(data: bytes | BinaryIO) -> Iterator[ParsedRow]:
    text = decode(read_all(data))
    rows = csv_rows(text, sniff_delimiter(text))
    line, header = header_row(rows)
    keys = [header_key(name) for name in header]
    if cell(keys, 4) in ("primary email", "adresse electronique principale"):
        for line, row in rows:
            if not is_blank(row):
                yield finish(_thunderbird(line, row))
        return
    columns = Columns(header)
    if not columns.has("First Name", "Prénom", "Last Name", "Nom") or not columns.has(
        *(name for names in _EMAILS for name in names), "Mobile Phone", "Tél. mobile"
    ):
        raise ImportFormatError(
            "This does not look like an Outlook or Thunderbird export: no “First Name” and "
            "“E-mail Address” columns in its header.",
            line,
        )
    french = columns.has("Prénom")
    for line, row in rows:
        if not is_blank(row):
            yield finish(_outlook(line, row, columns, french=french))


def _outlook(line: int, row: list[str], columns: Columns, *, french: bool) -> ParsedContact:
    contact = ParsedContact(line=line)
    given = columns.get(row, "First Name", "Prénom")
    middle = columns.get(row, "Middle Name", "Deuxième prénom")
    contact.given_name = clean(f"{given} {middle}")
    contact.family_name = clean(columns.get(row, "Last Name", "Nom"))
    contact.nickname = clean(columns.get(row, "Nickname", "Surnom"))
    contact.organisation = clean(columns.get(row, "Company", "Société"))
    contact.department = clean(columns.get(row, "Department", "Service"))
    # French Outlook calls the job title "Profession"; English has both, "Job Title" first.
    contact.job_title = clean(columns.get(row, "Job Title", "Fonction", "Profession"))
    contact.notes = clean_multiline(columns.get(row, "Notes"))
    contact.tags = split_tags(columns.get(row, "Categories", "Catégories"))
    # "0/0/00" is Outlook's "no birthday": not a valid date, so it is left empty.
    birthday = columns.get(row, "Birthday", "Anniversaire")
    set_birthday(contact, parse_day_month(birthday, day_first=french))
    for email_names in _EMAILS:
        contact.points.extend(email_points(columns.get(row, *email_names)))
    for label, *phone_names in _PHONES:
        if point := phone_point(columns.get(row, *phone_names), label):
            contact.points.append(point)
    for label, english, french_place in _ADDRESSES:
        parts, city, country = _address(row, columns, english, french_place)
        if point := address_point(parts, label):
            contact.points.append(point)
        contact.location = contact.location or join_location(city, country)
    for label, *page_names in (("", "Web Page", "Page Web"), ("home", "Personal Web Page")):
        if point := url_point(columns.get(row, *page_names), label):
            contact.points.append(point)
    return contact


def _address(
    row: list[str], columns: Columns, english: str, french: str
) -> tuple[list[str], str, str]:
    """An address's parts in reading order, and its city and country for the location."""

    def get(english_name: str, french_name: str) -> str:
        return columns.get(row, f"{english} {english_name}", french_name.format(french))

    city = get("City", "Ville ({})")
    country = get("Country/Region", "Pays/Région ({})")
    streets = (
        get("Street", "Rue ({})"),
        get("Street 2", "Rue ({}) 2"),
        get("Street 3", "Rue ({}) 3"),
    )
    parts = postal_parts(
        street="\n".join(streets),
        po_box=get("Address PO Box", "Boîte postale ({})"),
        city=city,
        region=get("State", "Dép/Région ({})"),
        postcode=get("Postal Code", "Code postal ({})"),
        country=country,
    )
    return parts, city, country


def _thunderbird(line: int, row: list[str]) -> ParsedContact:
    contact = ParsedContact(line=line)
    contact.given_name = clean(cell(row, 0))
    contact.family_name = clean(cell(row, 1))
    contact.display_name = clean(cell(row, 2))
    contact.nickname = clean(cell(row, 3))
    contact.points.extend(email_points(cell(row, 4)))
    contact.points.extend(email_points(cell(row, 5)))
    for position, label in ((11, "mobile"), (7, "work"), (8, "home"), (9, "fax"), (10, "pager")):
        if point := phone_point(cell(row, position), label):
            contact.points.append(point)
    # Home: address, address 2, city, state, zip, country at 12-17; work at 18-23.
    for start, label in ((18, "work"), (12, "home")):
        street, street2, city, region, postcode, country = (
            cell(row, position) for position in range(start, start + 6)
        )
        address = postal_parts(f"{street}\n{street2}", "", "", city, region, postcode, country)
        if point := address_point(address, label):
            contact.points.append(point)
        contact.location = contact.location or join_location(city, country)
    contact.job_title = clean(cell(row, 24))
    contact.department = clean(cell(row, 25))
    contact.organisation = clean(cell(row, 26))
    for position, label in ((27, "work"), (28, "home")):
        if point := url_point(cell(row, position), label):
            contact.points.append(point)
    year, month, day = cell(row, 29), cell(row, 30), cell(row, 31)
    set_birthday(contact, day_month_from_parts(day, month, year))
    contact.notes = clean_multiline(cell(row, 36))
    return contact
