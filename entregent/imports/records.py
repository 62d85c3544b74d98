"""What every parser gives back: plain dataclasses, no ORM.

A parser reads bytes and yields one `ParsedContact` per usable row or card, and one
`RowProblem` per row it skipped or could not read, so that the import preview can count them
and name their lines. A file it cannot read at all raises `ImportFormatError`. Blank lines
(and rows whose every cell is blank) are not rows: they are passed over without a problem.

Warnings about the whole file (a header read by position because its names were unknown, an
unexpected layout) travel in the same stream as a `RowProblem` of kind "warning" whose line is
the header's: nothing was skipped, but the member should know. They come as soon as the parser
knows, usually before the first contact, so a preview that reads the first rows sees them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class ImportFormatError(ValueError):
    """The file cannot be read as the format it claims: the message says what and where."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class Point:
    """One way to reach someone, as the file gave it (normalised later, on the model)."""

    kind: str  # "email", "phone", "url", "linkedin", "address" (ContactPoint.Kind values)
    raw: str
    label: str = ""  # "work", "home", "mobile", ...


@dataclass
class ParsedContact:
    line: int  # the line (1-based) where the row or card starts, for messages
    given_name: str = ""
    family_name: str = ""
    display_name: str = ""
    headline: str = ""  # what they do, in their words (LinkedIn "Position")
    organisation: str = ""
    job_title: str = ""
    department: str = ""  # a unit inside the organisation (vCard ORG's second part, Outlook)
    nickname: str = ""
    location: str = ""
    notes: str = ""
    birthday_day: int | None = None
    birthday_month: int | None = None
    birthday_year: int | None = None
    connected_on: dt.date | None = None  # when the connection started (LinkedIn "Connected On")
    tags: list[str] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    photo: bytes | None = None
    photo_type: str = ""  # "image/jpeg", "image/png", ...
    # The source's own identifier when it has one (vCard UID), to recognise a re-import.
    uid: str = ""


@dataclass
class RowProblem:
    line: int
    message: str
    # "skipped": nothing to import on purpose (an empty row, a member who hid themselves);
    # "error": something was there but could not be read;
    # "warning": about the file, not a row: nothing was skipped (see the module's docstring).
    kind: str = "error"


ParsedRow = ParsedContact | RowProblem
