"""Contact file parsers: bytes in, `ParsedContact` and `RowProblem` out, one at a time.

    for row in parse(data):              # the format is recognised from the content
        if isinstance(row, ParsedContact): ...
        elif row.kind == "warning": ...  # about the whole file (see records.py)
        else: ...                        # "skipped" or "error", with its line

Every parser is a generator: rows come as the file is read, so a file with 100,000 rows is
never held as 100,000 objects. A file that cannot be read at all raises `ImportFormatError`
when iteration reaches the problem (for a bad header: at the first ``next()``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from entregent.imports.records import ImportFormatError, ParsedRow

from . import csv, google, linkedin, outlook, vcard
from .google import is_google_group
from .text import csv_rows, decode, header_key, is_blank, read_all, sniff_delimiter

FORMATS = ("linkedin", "google", "outlook", "vcard", "csv")
# Enough for LinkedIn's preamble and any export's header line.
HEAD_SIZE = 16 * 1024

_PARSERS: dict[str, Callable[[bytes], Iterator[ParsedRow]]] = {
    "linkedin": linkedin.parse,
    "google": google.parse,
    "outlook": outlook.parse,
    "vcard": vcard.parse,
    "csv": csv.parse,
}
_OUTLOOK_KEYS = frozenset(
    (
        "e mail address",
        "adresse de messagerie",
        "primary email",
        "adresse electronique principale",
    )
)


def detect_format(head: bytes, filename: str = "") -> str:
    """The format of a file from its first bytes (``HEAD_SIZE`` is plenty) and its name.

    The content decides; the name only breaks the tie for a vCard whose first lines are not
    "BEGIN:VCARD" (a stray line, a broken file), since a CSV's extension says nothing.
    """
    text = decode(head)
    if text.lstrip().upper().startswith("BEGIN:VCARD"):
        return "vcard"
    for row in _header_candidates(text):
        keys = {header_key(name) for name in row}
        if {"first name", "last name"} <= keys and "connected on" in keys:
            return "linkedin"
        if any(map(is_google_group, row)) or {"given name", "group membership"} <= keys:
            return "google"
        if keys & _OUTLOOK_KEYS:
            return "outlook"
    if "BEGIN:VCARD" in text.upper() or filename.lower().endswith((".vcf", ".vcard")):
        return "vcard"
    return "csv"


def _header_candidates(text: str) -> Iterator[list[str]]:
    """The first non-blank rows: the header is among them."""
    rows = csv_rows(text, sniff_delimiter(text))
    seen = 0
    try:
        for _, row in rows:
            if is_blank(row):
                continue
            yield row
            seen += 1
            if seen == 8:
                return
    except ImportFormatError:
        return


def parse(
    data: bytes | BinaryIO, fmt: str = "auto", mapping: dict[str, str] | None = None
) -> Iterator[ParsedRow]:
    """Parse a file in ``fmt`` (one of `FORMATS`, or "auto" to recognise it).

    ``mapping`` (our field -> column name) corrects the generic CSV parser's guess; given with
    "auto", it means the member chose the columns, so the file is read as a generic CSV.
    """
    raw = read_all(data)
    if fmt == "auto":
        fmt = "csv" if mapping is not None else detect_format(raw[:HEAD_SIZE])
    if fmt not in _PARSERS:
        raise ValueError(f"Unknown format {fmt!r}: expected one of {', '.join(FORMATS)}.")
    if fmt == "csv":
        return csv.parse(raw, mapping)
    if mapping is not None:
        raise ValueError(f"A column mapping applies to generic CSV files, not to {fmt!r}.")
    return _PARSERS[fmt](raw)


__all__ = ["FORMATS", "HEAD_SIZE", "ImportFormatError", "detect_format", "parse"]
