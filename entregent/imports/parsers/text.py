"""What every parser needs from raw bytes: text, CSV rows with their line numbers, dates, names.

Exports come from tools that each have their own idea of encodings and date formats, so the
guessing lives here once: the format modules only say which columns mean what.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import BinaryIO, NamedTuple
from urllib.parse import unquote

from entregent.imports.records import ImportFormatError, ParsedContact, Point, RowProblem
from entregent.lib.contact_points import linkedin_profile
from entregent.lib.text import fold, words

# Direction marks, zero-width characters, isolates and stray BOMs: phones copied from an
# address book carry them around numbers (U+202A...U+202C), right-to-left names too.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")
# One physical line with its end, as the csv module wants them; "\r" alone ends one too.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")

# How much of a file is looked at to guess its encoding and delimiter.
_SAMPLE = 64 * 1024


def read_all(data: bytes | BinaryIO) -> bytes:
    return data if isinstance(data, bytes) else data.read()


# Encodings -----------------------------------------------------------------------------------


def guess_encoding(data: bytes) -> str:
    """The codec to read ``data`` with: a BOM wins, then UTF-16 by its NULs, UTF-8, cp1252."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # the codec reads the BOM and drops it
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        return utf16
    if _mostly_utf8(data):
        return "utf-8"
    # Excel and Outlook on a western Windows write the ANSI code page, a superset of Latin-1.
    return "cp1252"


def _utf16_without_bom(sample: bytes) -> str | None:
    # Mostly-ASCII text in UTF-16 has a NUL in every other byte: odd positions for little
    # endian, even ones for big endian. Other encodings almost never contain NULs.
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if nul_odd > 0.3 and nul_even < 0.05:
        return "utf-16-le"
    if nul_even > 0.3 and nul_odd < 0.05:
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return True
    # A UTF-8 file cut in the middle of a character, or with one bad byte pasted in, is still
    # UTF-8: compare the characters that decode against the bytes that do not.
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return non_ascii - bad > 4 * bad


def decode(data: bytes) -> str:
    """The text of a file whatever its encoding; undecodable bytes become U+FFFD."""
    return data.decode(guess_encoding(data), errors="replace").removeprefix("\ufeff")


def decode_with(data: bytes, charset: str, default: str) -> str:
    """``data`` in a charset a file declared, or in ``default`` when Python cannot use it."""
    name = charset.strip().lower()
    # Like browsers: files that say Latin-1 mean Windows-1252 (curly quotes, euro sign).
    if name in ("iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii"):
        name = "cp1252"
    for codec in (name, default):
        try:
            if codec and codecs.lookup(codec).name != "idna":
                return data.decode(codec, errors="replace")
        except (LookupError, UnicodeError, ValueError):
            # An unknown name, a non-text codec ("base64"), a NUL in the name.
            continue
    return data.decode("utf-8", errors="replace")


# Cleaning ------------------------------------------------------------------------------------


def clean(value: str | None) -> str:
    """One line of text: no invisible marks, inner whitespace (newlines too) as single spaces."""
    if not value:
        return ""
    return _SPACES.sub(" ", _INVISIBLE.sub("", value)).strip()


def clean_multiline(value: str | None) -> str:
    """Notes: line breaks kept (as \\n), trailing spaces and blank edges dropped."""
    if not value:
        return ""
    text = _INVISIBLE.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def header_words(name: str) -> tuple[str, ...]:
    """A column name as folded words, so "E-mail Address", "e-mail address " and "E-MAIL
    ADDRESS" compare equal, and "Tél. mobile" reads as ("tel", "mobile")."""
    return tuple(words(_INVISIBLE.sub("", name)))


@lru_cache(maxsize=4096)
def header_key(name: str) -> str:
    # Cached: the format modules look their columns up by name on every row.
    return " ".join(header_words(name))


# CSV -----------------------------------------------------------------------------------------


def sniff_delimiter(text: str) -> str:
    """``,``, ``;`` or tab: the one that splits most rows into the same number of cells."""
    sample = text[:_SAMPLE]
    first_line = next((line for line in sample.splitlines() if line.strip()), "")
    best, best_score = ",", (0, 0, 0)
    for delimiter in (",", ";", "\t"):
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        try:
            widths = Counter(len(row) for row in itertools.islice(reader, 100) if len(row) > 1)
        except csv.Error:
            continue
        if not widths:
            continue
        width, rows = max(widths.items(), key=lambda item: (item[1], item[0]))
        # A tie (every row has one comma inside a cell and one real delimiter) goes to the
        # delimiter the header uses: column names rarely contain punctuation.
        score = (rows, first_line.count(delimiter), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Each row with the physical line (1-based) where it starts, even after multi-line cells.

    A blank line comes out as an empty list, so that callers can skip it silently.
    """
    # Lines cut from the text one at a time: a StringIO would hold a second, wider copy.
    lines = (match.group() for match in _LINE.finditer(text))
    reader = csv.reader(lines, delimiter=delimiter)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # Only a cell over the csv module's size limit gets here (strict mode is off): the
            # reader cannot resume, so the file stops here.
            raise ImportFormatError(f"This row cannot be read as CSV ({error}).", start) from error
        yield start, row
        start = reader.line_num + 1


def is_blank(row: list[str]) -> bool:
    return not any(cell.strip() for cell in row)


def header_row(rows: Iterator[tuple[int, list[str]]]) -> tuple[int, list[str]]:
    """The first non-blank row and its line."""
    for line, row in rows:
        if not is_blank(row):
            return line, row
    raise ImportFormatError("The file is empty: there is no header row.")


class Columns:
    """A header row: cells found by column name (folded), in several languages at once.

    When a name appears twice (French Outlook has two "Titre"), the first non-empty cell wins.
    """

    def __init__(self, header: list[str]) -> None:
        self.names = header
        self.index: dict[str, list[int]] = {}
        for position, name in enumerate(header):
            self.index.setdefault(header_key(name), []).append(position)

    def has(self, *names: str) -> bool:
        return any(header_key(name) in self.index for name in names)

    def get(self, row: list[str], *names: str) -> str:
        for name in names:
            for position in self.index.get(header_key(name), ()):
                if position < len(row) and row[position].strip():
                    return row[position]
        return ""


def cell(row: list[str], position: int) -> str:
    """The cell at ``position``, or "" past the row's end or for -1 ("no such column")."""
    return row[position] if 0 <= position < len(row) else ""


# Dates ---------------------------------------------------------------------------------------


class DayMonth(NamedTuple):
    day: int
    month: int
    year: int | None


_MONTHS = {
    **dict.fromkeys(("jan", "january", "janv", "janvier"), 1),
    **dict.fromkeys(("feb", "february", "fev", "fevr", "fevrier"), 2),
    **dict.fromkeys(("mar", "march", "mars"), 3),
    **dict.fromkeys(("apr", "april", "avr", "avril"), 4),
    **dict.fromkeys(("may", "mai"), 5),
    **dict.fromkeys(("jun", "june", "juin"), 6),
    **dict.fromkeys(("jul", "july", "juil", "juillet"), 7),
    **dict.fromkeys(("aug", "august", "aou", "aout"), 8),
    **dict.fromkeys(("sep", "sept", "september", "septembre"), 9),
    **dict.fromkeys(("oct", "october", "octobre"), 10),
    **dict.fromkeys(("nov", "november", "novembre"), 11),
    **dict.fromkeys(("dec", "december", "decembre"), 12),
}
# re.ASCII everywhere: \d must not accept Arabic-Indic or other digits int() would take.
_ISO = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?:[T ].*)?", re.ASCII)
_NO_YEAR = re.compile(r"--(\d{2})-?(\d{2})", re.ASCII)
_YEAR_FIRST = re.compile(r"(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})", re.ASCII)
_NUMERIC = re.compile(r"(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?(?:[ ,T].*)?", re.ASCII)
# Month names in English and French ("22 Nov 2025", "23-Nov-21", "12 avr. 1985", "Nov 22, 2025").
_DAY_NAMED = re.compile(
    r"([0-9]{1,2})(?:st|nd|rd|th|er)?[ -]+([^\W\d_]+)\.?(?:[ ,-]+([0-9]{4}|[0-9]{2}))?"
)
_NAMED_DAY = re.compile(r"([^\W\d_]+)\.? +([0-9]{1,2})(?:st|nd|rd|th)?(?:,? +([0-9]{4}))?")


def expand_year(text: str) -> int:
    """A year as written; two digits mean the latest such year not in the future."""
    year = int(text)
    if len(text) > 2:
        return year
    this_year = dt.date.today().year
    return 2000 + year if 2000 + year <= this_year else 1900 + year


def parse_day_month(value: str, *, day_first: bool = False) -> DayMonth | None:
    """A date as exports write them, the year optional; None for anything else.

    ``day_first`` settles "04/05/1985" (French: 4 May; American: April 5); a part above 12
    settles it on its own.
    """
    text = clean(value)
    if not text:
        return None
    if match := _NO_YEAR.fullmatch(text):
        return _valid(int(match[2]), int(match[1]), None)
    if match := _ISO.fullmatch(text) or _YEAR_FIRST.fullmatch(text):
        return _valid(int(match[3]), int(match[2]), int(match[1]))
    if match := _NUMERIC.fullmatch(text):
        first, second = int(match[1]), int(match[2])
        year = expand_year(match[3]) if match[3] else None
        if first > 12 or (day_first and second <= 12):
            return _valid(first, second, year)
        return _valid(second, first, year)
    if match := _DAY_NAMED.fullmatch(text):
        month = _MONTHS.get(fold(match[2]))
        year = expand_year(match[3]) if match[3] else None
        return _valid(int(match[1]), month, year) if month else None
    if match := _NAMED_DAY.fullmatch(text):
        month = _MONTHS.get(fold(match[1]))
        year = int(match[3]) if match[3] else None
        return _valid(int(match[2]), month, year) if month else None
    return None


def _valid(day: int, month: int, year: int | None) -> DayMonth | None:
    # A leap year stands in for an unknown one, so that 29 February without a year is fine.
    try:
        dt.date(year or 2000, month, day)
    except (ValueError, OverflowError):
        return None
    return DayMonth(day, month, year)


def day_month_from_parts(day: str, month: str, year: str = "") -> DayMonth | None:
    """A date kept in three cells (Thunderbird: "Birth Year", "Birth Month", "Birth Day")."""
    parts = [clean(day), clean(month), clean(year)]
    if not all(part.isascii() and part.isdigit() for part in parts[:2]):
        return None
    known_year = int(parts[2]) if parts[2].isascii() and parts[2].isdigit() else None
    return _valid(int(parts[0]), int(parts[1]), known_year or None)


def parse_date(value: str, *, day_first: bool = False) -> dt.date | None:
    found = parse_day_month(value, day_first=day_first)
    if found is None or found.year is None:
        return None
    return dt.date(found.year, found.month, found.day)


def set_birthday(contact: ParsedContact, found: DayMonth | None) -> None:
    if found:
        contact.birthday_day, contact.birthday_month = found.day, found.month
        contact.birthday_year = found.year


# Names ---------------------------------------------------------------------------------------

# Degrees and certifications people append to their last name on LinkedIn, without dots.
_CREDENTIALS = frozenset(
    """
    acca aca ba bba bcom beng bs bsc caia cam cbap ceng cfa cfp chfc chrl chrp cia cipd cipp
    cisa cism cissp clu cma cmc cpa cpc cphr cpm cppm csm cspo cscp dba dds ddm dmd dphil dvm
    edd eng esq facs fca fcca frcs frics hrbp itil jd lcsw leed llb llm lmft lpc ma mba mbbs
    mcs md med meng mfa mha mls mpa mph mrics ms msc msn msw mts pe pgcert pharmd phd phr pmp
    pmiacp psm psyd ra rd rn scpm shrmcp shrmscp sphr spc6 spc5 spc4 spc
    """.split()
)
# Generational suffixes belong to the name: "Smith, Jr." stays.
_GENERATIONS = frozenset(("jr", "sr", "ii", "iii", "iv"))
_PRONOUNS = re.compile(
    r"\(\s*(?:he|she|they|il|elle|iel|ils|elles)(?:\s*/\s*[^\W\d_]+)*\s*\)", re.IGNORECASE
)
_PARTICLES = frozenset(
    "al bin d da das de del della der des di dos du el la le st ten ter van von zu".split()
)


def _credential_like(token: str, *, after_comma: bool) -> bool:
    bare = re.sub(r"[.\-]", "", token)
    if not bare or fold(bare) in _GENERATIONS:
        return False
    if fold(bare) in _CREDENTIALS:
        # "Ma" and "Md" are also surnames: a credential is written with capitals ("MA", "PhD").
        return sum(char.isupper() for char in bare) >= 2 or "." in token
    # After a comma, any short run of capitals is one ("Dupont, CHRL").
    return after_comma and bare.isupper() and 2 <= len(bare) <= 6


def strip_credentials(family_name: str) -> str:
    """ "Dupont, PhD, PMP" -> "Dupont"; "Levy Ph.D" -> "Levy"; "(he/him)" dropped too."""
    name = clean(_PRONOUNS.sub(" ", family_name))
    head, comma, tail = name.partition(",")
    if comma:
        tail_tokens = re.split(r"[\s,]+", tail.strip())
        if all(_credential_like(t, after_comma=True) for t in tail_tokens if t):
            name = head.strip()
    tokens = name.split()
    while tokens and _credential_like(tokens[-1].rstrip(","), after_comma=False):
        tokens.pop()
    return " ".join(tokens).rstrip(",").strip()


def split_full_name(full: str) -> tuple[str, str]:
    """(given, family) from one name: "Dupont, Jean" or "Jean de La Fontaine"."""
    name = clean(full)
    if "," in name:
        family, _, given = name.partition(",")
        return given.strip(), family.strip()
    tokens = name.split()
    if len(tokens) < 2:
        return name, ""
    start = len(tokens) - 1
    while start > 1 and fold(tokens[start - 1]) in _PARTICLES:
        start -= 1
    return " ".join(tokens[:start]), " ".join(tokens[start:])


# Points --------------------------------------------------------------------------------------

_EMAIL_SPLIT = re.compile(r"[\s,;]+")


def email_points(raw: str, label: str = "") -> Iterator[Point]:
    """Addresses in a cell; Exchange distinguished names ("/O=EXCHANGELABS/...") are not."""
    text = clean(raw).removeprefix("mailto:")
    candidates = _EMAIL_SPLIT.split(text) if text.count("@") > 1 else [text]
    for candidate in candidates:
        if "@" in candidate and not candidate.startswith("/"):
            yield Point("email", candidate, label)


def phone_point(raw: str, label: str = "") -> Point | None:
    text = clean(raw)
    if text[:4].lower() == "tel:":
        text = text[4:].strip()
    if not any(char.isdigit() for char in text):
        return None
    return Point("phone", text, label)


def url_point(raw: str, label: str = "") -> Point | None:
    """A web page, or a LinkedIn profile (kind "linkedin") shown with its accents decoded."""
    text = clean(raw)
    if not text or " " in text:
        return None
    if linkedin_profile(text) is None:
        return Point("url", text, label)
    readable = unquote(text)
    # "%C3%A7" is "ç"; a broken escape would turn into U+FFFD: then the URL stays as it was.
    if "\ufffd" not in readable and readable.isprintable() and " " not in readable:
        text = readable
    return Point("linkedin", text, label)


def address_point(parts: Iterable[str], label: str = "") -> Point | None:
    """One readable line from an address's parts, in order, blanks and repeats dropped."""
    lines: list[str] = []
    for part in parts:
        for line in re.split(r"[\r\n]+", part or ""):
            line = clean(line)
            if line and line not in lines:
                lines.append(line)
    return Point("address", ", ".join(lines), label) if lines else None


def postal_parts(
    street: str = "",
    extended: str = "",
    po_box: str = "",
    city: str = "",
    region: str = "",
    postcode: str = "",
    country: str = "",
) -> list[str]:
    """Address parts in reading order: "12 rue X, Bât. B, BP 4, 69002 Lyon, Rhône, France"."""
    return [street, extended, po_box, clean(f"{postcode} {city}"), region, country]


def join_location(*parts: str) -> str:
    return ", ".join(dict.fromkeys(clean(part) for part in parts if clean(part)))


# Contacts ------------------------------------------------------------------------------------


def split_tags(raw: str, separators: str = r"[,;]|:::") -> list[str]:
    tags = (clean(tag) for tag in re.split(separators, raw or ""))
    return list(dict.fromkeys(tag for tag in tags if tag))


def has_identity(contact: ParsedContact) -> bool:
    """Something to recognise the person by: a name, an email, a phone or an organisation."""
    names = (contact.given_name, contact.family_name, contact.display_name, contact.nickname)
    if any(names) or contact.organisation:
        return True
    return any(point.kind in ("email", "phone") for point in contact.points)


def nothing_to_import(line: int, what: str = "This row") -> RowProblem:
    return RowProblem(
        line, f"{what} has no name, email, phone or organisation: nothing to import.", "skipped"
    )


def finish(contact: ParsedContact, what: str = "This row") -> ParsedContact | RowProblem:
    """The contact when it can be recognised, else a "skipped" problem for its line."""
    return contact if has_identity(contact) else nothing_to_import(contact.line, what)
