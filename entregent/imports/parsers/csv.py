"""Any other spreadsheet saved as CSV: columns guessed from their names, in French or English.

The guess (`guess_mapping`) is only a proposal: the import form shows it and the member can
correct it, which comes back here as ``mapping``. Columns nobody maps are ignored.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from entregent.imports.records import ImportFormatError, ParsedContact, ParsedRow

from .text import (
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
    header_words,
    is_blank,
    parse_day_month,
    phone_point,
    read_all,
    set_birthday,
    sniff_delimiter,
    split_full_name,
    split_tags,
    url_point,
)

# Our field -> what its column may be called (folded words). When several fields match a
# column name, the longest phrase wins ("Nom et prénom" is a full name, not a first name),
# then the earliest field here ("Company name" is an organisation, not a name). "" marks
# columns that look like one of ours but are not ("Middle name", "E-mail Type").
_RULES: tuple[tuple[str, str], ...] = (
    (
        "",
        "middle | deuxieme prenom | second prenom | autre prenom | nickname | surnom | file as"
        " | yomi | phonetic | type | label | e mail display | email display",
    ),
    ("linkedin", "linkedin"),
    (
        "email",
        "email | e mail | mail | emails | courriel | adresse electronique | adresse de messagerie",
    ),
    ("url", "website | web site | site | url | web | homepage | page web | site web"),
    ("phone", "phone | telephone | tel | mobile | portable | cell | gsm | numero"),
    (
        "birthday",
        "birthday | anniversaire | date de naissance | naissance | birth date | birthdate"
        " | date of birth | dob | ne le | nee le",
    ),
    (
        "organisation",
        "company | societe | entreprise | organisation | organization | employer | employeur"
        " | structure | org | compagnie",
    ),
    ("department", "department | departement | service"),
    (
        "job_title",
        "job title | title | poste | fonction | job | position | titre | profession | role"
        " | metier | occupation | organization title",
    ),
    (
        "tags",
        "tags | tag | etiquettes | etiquette | labels | categories | category | categorie"
        " | groupes | groups | group | groupe",
    ),
    (
        "notes",
        "notes | note | commentaire | commentaires | comments | comment | remarques | remarque"
        " | description",
    ),
    ("location", "city | ville | location | localisation | lieu | town | commune"),
    ("address", "address | adresse | rue | street | adresse postale"),
    ("given_name", "first name | firstname | given name | givenname | prenom | forename"),
    ("family_name", "last name | lastname | surname | family name | familyname | nom de famille"),
    (
        "display_name",
        "full name | fullname | nom complet | display name | nom a afficher | nom et prenom"
        " | prenom et nom | prenom nom | nom prenom | name | nom | contact | personne",
    ),
)
FIELDS = tuple(dict.fromkeys(rule[0] for rule in _RULES if rule[0]))
_NAME_FIELDS = ("display_name", "given_name", "family_name")
# Generic files come from anywhere; most of the world, France first, writes the day first.
_DAY_FIRST = True


def guess_mapping(header: list[str]) -> dict[str, str]:
    """Our field name -> the first column that seems to hold it, e.g. {"email": "Courriel"}."""
    mapping: dict[str, str] = {}
    for name in header:
        field = _field_for(name)
        if field and field not in mapping:
            mapping[field] = name
    # "Nom" beside "Prénom" is the family name; alone, it is the whole name.
    if "given_name" in mapping and "family_name" not in mapping:
        display = mapping.get("display_name", "")
        if header_key(display) == "nom":
            mapping["family_name"] = mapping.pop("display_name")
    return mapping


def _field_for(name: str) -> str:
    words = header_words(name)
    if words and words[-1] in ("type", "label", "yomi"):
        return ""  # "E-mail Type", "Phone 1 - Label": about a value, not the value
    best, best_length = "", 0
    for field, phrases in _RULES:
        for phrase in phrases.split("|"):
            phrase_words = tuple(phrase.split())
            if len(phrase_words) > best_length and _contains(words, phrase_words):
                best, best_length = field, len(phrase_words)
    return best


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(words[start : start + size] == phrase for start in range(len(words) - size + 1))


def parse(data: bytes | BinaryIO, mapping: dict[str, str] | None = None) -> Iterator[ParsedRow]:
    text = decode(read_all(data))
    rows = csv_rows(text, sniff_delimiter(text))
    line, header = header_row(rows)
    positions = _positions(header, line, mapping)
    for line, row in rows:
        if not is_blank(row):
            yield finish(_contact(line, row, positions))


def _positions(header: list[str], line: int, mapping: dict[str, str] | None) -> dict[str, int]:
    """Our field -> its column's position, from the guess corrected by ``mapping``."""
    chosen = guess_mapping(header)
    for field, column in (mapping or {}).items():
        if field not in FIELDS:
            raise ValueError(f"Unknown field {field!r}: expected one of {', '.join(FIELDS)}.")
        if column:
            chosen[field] = column
        else:
            chosen.pop(field, None)  # "" or None: the member said this field is not there
    positions: dict[str, int] = {}
    keys = [header_key(name) for name in header]
    for field, column in chosen.items():
        if column in header:
            positions[field] = header.index(column)
        elif header_key(column) in keys:
            positions[field] = keys.index(header_key(column))
        else:
            raise ImportFormatError(f"There is no column “{column}” in the header.", line)
    if not any(field in positions for field in (*_NAME_FIELDS, "email")):
        found = ", ".join(f"“{clean(name)}”" for name in header if clean(name)) or "none"
        raise ImportFormatError(
            "No column for a name or an email address was recognised in the header (columns: "
            f"{found}). Name a column “Name”, “First name”, “Last name” or “Email” (or "
            "“Nom”, “Prénom”, “Courriel”), or choose the columns by hand.",
            line,
        )
    return positions


def _contact(line: int, row: list[str], positions: dict[str, int]) -> ParsedContact:
    def get(field: str) -> str:
        return cell(row, positions.get(field, -1))

    contact = ParsedContact(line=line)
    contact.given_name = clean(get("given_name"))
    contact.family_name = clean(get("family_name"))
    contact.display_name = clean(get("display_name"))
    if contact.display_name and not ("given_name" in positions or "family_name" in positions):
        contact.given_name, contact.family_name = split_full_name(contact.display_name)
    contact.organisation = clean(get("organisation"))
    contact.department = clean(get("department"))
    contact.job_title = clean(get("job_title"))
    contact.notes = clean_multiline(get("notes"))
    contact.tags = split_tags(get("tags"), r"[,;|]|:::")
    contact.location = clean(get("location"))
    set_birthday(contact, parse_day_month(get("birthday"), day_first=_DAY_FIRST))
    contact.points.extend(email_points(get("email")))
    if point := phone_point(get("phone")):
        contact.points.append(point)
    if point := address_point(get("address").splitlines()):
        contact.points.append(point)
    linkedin = clean(get("linkedin"))
    if linkedin and "/" not in linkedin and "." not in linkedin:
        linkedin = f"https://www.linkedin.com/in/{linkedin}"  # a bare profile name
    for value in (linkedin, get("url")):
        if point := url_point(value):
            contact.points.append(point)
    return contact
