"""LinkedIn's Connections.csv: one row per connection.

The current export starts with a "Notes:" preamble (a sentence about missing emails, then a
blank line) before its header; the 2018 one has no preamble and no URL column; Excel re-saves
add CRLF, padding commas and "23-Nov-21" dates. The header is found by scanning, columns by
name. Emails are nearly always empty: most members do not share them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO, NamedTuple

from entregent.imports.records import ImportFormatError, ParsedContact, ParsedRow, RowProblem

from .text import (
    Columns,
    clean,
    csv_rows,
    decode,
    email_points,
    has_identity,
    header_key,
    is_blank,
    nothing_to_import,
    parse_date,
    read_all,
    sniff_delimiter,
    split_full_name,
    strip_credentials,
    url_point,
)

# The current export's columns, in order: what a header with unknown names is read as.
CURRENT_LAYOUT = [
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
]
# How many non-blank rows may come before the header (the preamble has two).
_MAX_PREAMBLE = 10


class Header(NamedTuple):
    line: int
    columns: Columns
    # True when the names were unknown and the columns are read in `CURRENT_LAYOUT` order.
    by_position: bool = False
    # A header-less file's first row, which is data.
    first_row: list[str] | None = None


def parse(data: bytes | BinaryIO) -> Iterator[ParsedRow]:
    text = decode(read_all(data))
    rows = csv_rows(text, sniff_delimiter(text))
    header = _find_header(rows)
    if header.by_position:
        yield RowProblem(
            header.line,
            "The column names are not LinkedIn's: the columns were read in the order of "
            f"LinkedIn's export ({', '.join(CURRENT_LAYOUT)}). Check the preview.",
            "warning",
        )
    if header.first_row is not None:
        yield _row(header.line, header.first_row, header.columns)
    for line, row in rows:
        if not is_blank(row):
            yield _row(line, row, header.columns)


def _find_header(rows: Iterator[tuple[int, list[str]]]) -> Header:
    seen = 0
    for line, row in rows:
        if is_blank(row):
            continue
        keys = {header_key(name) for name in row}
        if {"first name", "last name"} <= keys and keys & {"connected on", "company", "position"}:
            return Header(line, Columns(row))
        if _width(row) == len(CURRENT_LAYOUT):
            # A renamed header or a header-less file: a data row ends with a date.
            first_row = row if parse_date(row[6]) else None
            return Header(line, Columns(CURRENT_LAYOUT), by_position=True, first_row=first_row)
        seen += 1
        if seen >= _MAX_PREAMBLE:
            break
    raise ImportFormatError(
        "This does not look like LinkedIn's Connections.csv: no header with “First Name”, "
        "“Last Name” and “Connected On” in its first lines."
    )


def _width(row: list[str]) -> int:
    """Cells up to the last non-blank one: Excel pads short lines with commas."""
    width = len(row)
    while width and not row[width - 1].strip():
        width -= 1
    return width


def _row(line: int, row: list[str], columns: Columns) -> ParsedRow:
    if _width(row) > len(columns.names):
        return RowProblem(
            line,
            f"This row has {_width(row)} cells where the header has {len(columns.names)}: "
            "a value with a comma was probably not quoted.",
        )
    contact = ParsedContact(line=line)
    contact.given_name = clean(columns.get(row, "First Name"))
    written_family = clean(columns.get(row, "Last Name"))
    # Credentials ("Morris, MS", "Levy Ph.D", "Dupont, PhD, PMP") are dropped, not kept in the
    # notes: they stay one click away on the profile, they go stale, and notes are the
    # member's own words (a re-import would add them again).
    contact.family_name = strip_credentials(written_family)
    if written_family and not contact.family_name and " " in contact.given_name:
        # The whole last name was a credential ("Jane Smith" / "MBA"): the first name has both.
        contact.given_name, contact.family_name = split_full_name(contact.given_name)
    contact.organisation = clean(columns.get(row, "Company"))
    position = clean(columns.get(row, "Position"))
    contact.headline = contact.job_title = position
    contact.points.extend(email_points(columns.get(row, "Email Address", "E-mail Address")))
    profile = url_point(columns.get(row, "URL", "Profile URL"))
    if profile:
        contact.points.append(profile)
    connected = columns.get(row, "Connected On")
    # "1/8/18, 6:14 PM" in the 2018 export is American: month first.
    contact.connected_on = parse_date(connected, day_first=False)
    if has_identity(contact):
        return contact
    if not position and (connected.strip() or profile):
        return RowProblem(
            line,
            "This member hides their details from exports: LinkedIn gave only "
            + ("the connection date." if connected.strip() else "a profile link."),
            "skipped",
        )
    return nothing_to_import(line)
