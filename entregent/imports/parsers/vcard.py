"""vCard files (.vcf), versions 2.1, 3.0 and 4.0, as phones and address books write them.

Read at the byte level rather than with vobject, which gives up on a whole file for one bad
card: real files fold lines in the middle of a UTF-8 character, break quoted-printable values
with soft line breaks (again inside a character), mix 2.1 bare parameters ("TEL;CELL;VOICE:")
with 3.0 ones ("TYPE=cell"), lose an END:VCARD when cut short. So lines are unfolded as bytes,
values decoded once whole, and the file split into cards here: a broken card becomes a
`RowProblem` naming it and its line, and the others still import.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from urllib.parse import unquote_to_bytes

from entregent.imports.records import (
    ImportFormatError,
    ParsedContact,
    ParsedRow,
    Point,
    RowProblem,
)

from .text import (
    address_point,
    clean,
    clean_multiline,
    decode_with,
    email_points,
    finish,
    guess_encoding,
    join_location,
    parse_date,
    parse_day_month,
    phone_point,
    postal_parts,
    read_all,
    set_birthday,
    split_full_name,
    split_tags,
    url_point,
)

# Bigger photos are dropped: an address book picture needs far less, and the import keeps
# every contact of a file in one request.
MAX_PHOTO_BYTES = 2 * 1024 * 1024

_EOL = re.compile(rb"\r\n|\r|\n")
_FOLD = re.compile(rb"(?:\r\n|\r|\n)[ \t]|=(?:\r\n|\r|\n)")
_BASE64_LINE = re.compile(rb"[A-Za-z0-9+/=]+")
_NAME = re.compile(r"(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_APPLE_LABEL = re.compile(r"_\$!<(.*)>!\$_")
_BARE_ENCODINGS = frozenset(("QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"))
# Image types recognised by their first bytes: a value whose bytes are not an image (a
# truncated or mangled base64 string) is not kept as a photo.
_IMAGE_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF8", "image/gif"),
    (b"BM", "image/bmp"),
)


@dataclass
class Property:
    line: int
    group: str  # lower case ("item1"), "" when none
    name: str  # upper case
    params: dict[str, list[str]] = field(default_factory=dict)  # upper-case keys
    value: bytes = b""

    def param(self, key: str) -> str:
        return (self.params.get(key) or [""])[0]

    @property
    def types(self) -> set[str]:
        return {value.lower() for value in self.params.get("TYPE", [])}


def parse(data: bytes | BinaryIO) -> Iterator[ParsedRow]:
    raw = read_all(data)
    if not raw.strip():
        raise ImportFormatError("The file is empty.")
    encoding = guess_encoding(raw)
    if encoding.startswith("utf-16"):
        # Everything below works on ASCII-compatible bytes.
        raw = raw.decode(encoding, errors="replace").encode("utf-8")
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    # Guessed on unfolded bytes: a fold inside a character looks like broken UTF-8.
    unfolded = guess_encoding(_FOLD.sub(b"", raw))
    default = "utf-8" if unfolded.startswith("utf-8") else "cp1252"
    yield from _cards(_logical_lines(raw), default)


def _physical_lines(raw: bytes) -> Iterator[tuple[int, bytes]]:
    number, position = 0, 0
    for match in _EOL.finditer(raw):
        number += 1
        yield number, raw[position : match.start()]
        position = match.end()
    if position < len(raw):
        yield number + 1, raw[position:]


def _logical_lines(raw: bytes) -> Iterator[tuple[int, bytes]]:
    """Unfolded lines with the line where each starts, joined as bytes so that a fold or a
    soft line break in the middle of a UTF-8 character rejoins it before decoding."""
    current: bytearray | None = None
    start = 0
    quoted_printable = base64 = False  # what the current line's parameters announce
    for number, line in _physical_lines(raw):
        if current is not None:
            boundary = line.strip().upper() in (b"BEGIN:VCARD", b"END:VCARD")
            if quoted_printable and current.endswith(b"=") and not boundary:
                # A soft line break: the next line goes on, whatever it starts with.
                del current[-1]
                current += line
                continue
            if line[:1] in (b" ", b"\t"):
                current += line[1:]
                continue
            if base64 and _BASE64_LINE.fullmatch(line):
                # 2.1 photos: some phones do not indent the lines of the picture.
                current += line
                continue
            yield start, bytes(current)
            current = None
        if line.strip():
            current, start = bytearray(line), number
            head = line[: line.find(b":")].upper() if b":" in line else b""
            quoted_printable, base64 = b"QUOTED-PRINTABLE" in head, b"BASE64" in head
    if current is not None:
        yield start, bytes(current)


def _cards(lines: Iterator[tuple[int, bytes]], default: str) -> Iterator[ParsedRow]:
    card_start: int | None = None
    properties: list[Property] = []
    stray_start: int | None = None  # the first property line seen outside a card
    stray_name = ""
    seen_card = False
    for line, content in lines:
        marker = content.strip().upper()
        if marker == b"BEGIN:VCARD":
            seen_card = True
            if card_start is not None:
                why = f"before the next card begins on line {line}."
                yield _unfinished(card_start, properties, default, why)
            card_start, properties, stray_start, stray_name = line, [], None, ""
        elif marker == b"END:VCARD":
            seen_card = True
            if card_start is not None:
                yield _contact(card_start, properties, default)
            else:
                name = f" “{stray_name}”" if stray_name else ""
                yield RowProblem(
                    stray_start or line,
                    f"The card{name} ending on line {line} has no BEGIN:VCARD, so it was not "
                    "imported.",
                )
            card_start, properties, stray_start, stray_name = None, [], None, ""
        elif (prop := _property(line, content)) is not None:
            if card_start is not None:
                properties.append(prop)
            else:
                stray_start = stray_start or line
                if prop.name == "FN" and not stray_name:
                    stray_name = clean(_text(prop, default, "3.0"))
    if card_start is not None:
        yield _unfinished(
            card_start, properties, default, "before the file ends: was it cut short?"
        )
    if not seen_card:
        raise ImportFormatError("This is not a vCard file: it has no BEGIN:VCARD line.")


def _unfinished(start: int, properties: list[Property], default: str, why: str) -> RowProblem:
    name = _card_name(properties, default)
    label = f" “{name}”" if name else ""
    return RowProblem(
        start,
        f"The card{label} starting on line {start} has no END:VCARD {why} It was not imported.",
    )


def _card_name(properties: list[Property], default: str) -> str:
    for prop in properties:
        if prop.name in ("FN", "N"):
            name = " ".join(_structured(prop, default, "3.0")[1::-1])
            return clean(_text(prop, default, "3.0") if prop.name == "FN" else name)
    return ""


# Properties --------------------------------------------------------------------------------


def _property(line: int, content: bytes) -> Property | None:
    """``[group.]NAME;PARAM=A,B;BARE:value``, split at the first colon outside quotes."""
    colon = content.find(b":")
    if colon < 0:
        return None
    if b'"' in content[:colon]:
        # A quoted parameter may hold a colon (4.0: LABEL="12 rue X: bât. B").
        quoted = False
        for index, byte in enumerate(content):
            if byte == 0x22:
                quoted = not quoted
            elif byte == 0x3A and not quoted:
                colon = index
                break
    head = content[:colon].decode("ascii", errors="replace")
    name, *params = _split_outside_quotes(head, ";")
    match = _NAME.fullmatch(name.strip())
    if not match:
        return None
    prop = Property(line, (match[1] or "").lower(), match[2].upper(), value=content[colon + 1 :])
    for param in params:
        key, equals, values = param.partition("=")
        if not equals:
            # vCard 2.1 bare parameters: "TEL;CELL;VOICE:", "NOTE;QUOTED-PRINTABLE:".
            key, values = ("ENCODING" if key.upper() in _BARE_ENCODINGS else "TYPE"), key
        key = key.strip().upper()
        for value in _split_outside_quotes(values, ","):
            value = value.strip().strip('"')
            # 4.0 quotes lists: TYPE="work,voice".
            parts = value.split(",") if key == "TYPE" else [value]
            prop.params.setdefault(key, []).extend(part.strip() for part in parts)
    return prop


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _raw_value(prop: Property) -> bytes:
    encoding = prop.param("ENCODING").upper()
    if encoding == "QUOTED-PRINTABLE":
        return quopri.decodestring(prop.value)
    if encoding in ("B", "BASE64"):
        return _base64(prop.value) or b""
    return prop.value


def _text(prop: Property, default: str, version: str) -> str:
    """The value as text, unescaped: 3.0 and 4.0 escape \\n \\, \\; \\\\, 2.1 only \\;."""
    text = decode_with(_raw_value(prop), prop.param("CHARSET"), default)
    return _unescape(text, version)


def _unescape(text: str, version: str) -> str:
    # Google escapes colons too ("https\://"); a backslash before anything else is kept
    # (a Windows path in a 2.1 note).
    def replace(match: re.Match[str]) -> str:
        char = match[1]
        if char in "nN":
            return "\n" if version != "2.1" else match[0]
        return char if char in ";,:\\" else match[0]

    return _ESCAPE.sub(replace, text) if "\\" in text else text


def _structured(prop: Property, default: str, version: str) -> list[str]:
    """The parts of N, ADR, ORG: split at ";" not escaped by a backslash, then unescaped."""
    text = decode_with(_raw_value(prop), prop.param("CHARSET"), default)
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in text:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ";":
            parts.append(_unescape("".join(current), version))
            current = []
        else:
            current.append(char)
    parts.append(_unescape("".join(current), version))
    return parts


# Cards -------------------------------------------------------------------------------------


def _contact(start: int, properties: list[Property], default: str) -> ParsedRow:
    version = next(
        (
            clean(prop.value.decode("ascii", "replace"))
            for prop in properties
            if prop.name == "VERSION"
        ),
        "3.0",
    )
    # Apple and Google label a value through a property of the same group: item1.EMAIL with
    # item1.X-ABLabel:_$!<Mobile>!$_ (one of Apple's own labels) or a label the member typed.
    labels = {
        prop.group: _apple_label(_text(prop, default, version))
        for prop in properties
        if prop.name == "X-ABLABEL" and prop.group
    }
    contact = ParsedContact(line=start)
    full_name, notes = "", []
    for prop in properties:
        label = labels.get(prop.group, "") or _type_label(prop.types)
        if prop.name in ("N", "ORG", "ADR"):
            parts = [clean(part) for part in _structured(prop, default, version)]
            _structured_property(contact, prop.name, parts + [""] * 7, label)
        elif prop.name == "PHOTO":
            if contact.photo is None:
                contact.photo, contact.photo_type = _photo(prop)
        else:
            text = _text(prop, default, version)
            if prop.name == "FN":
                full_name = full_name or clean(text)
            elif prop.name == "NOTE":
                notes.append(clean_multiline(text))
            else:
                _text_property(contact, prop, text, label)
    contact.notes = "\n\n".join(note for note in notes if note)
    _names(contact, full_name)
    return finish(contact, "This card")


def _structured_property(contact: ParsedContact, name: str, parts: list[str], label: str) -> None:
    if name == "N" and not (contact.given_name or contact.family_name):
        family, given, additional = parts[:3]
        contact.given_name, contact.family_name = clean(f"{given} {additional}"), family
    elif name == "ORG" and not contact.organisation:
        contact.organisation = parts[0]
        contact.department = ", ".join(part for part in parts[1:] if part)
    elif name == "ADR":
        po_box, extended, street, city, region, postcode, country = parts[:7]
        address = postal_parts(street, extended, po_box, city, region, postcode, country)
        if point := address_point(address, label):
            contact.points.append(point)
        contact.location = contact.location or join_location(city, country)


def _text_property(contact: ParsedContact, prop: Property, text: str, label: str) -> None:
    name = prop.name
    if name == "EMAIL":
        contact.points.extend(email_points(text, label))
    elif name == "TEL":
        if point := phone_point(text, label):
            contact.points.append(point)
    elif name == "URL":
        if point := url_point(text, label):
            contact.points.append(point)
    elif name == "X-SOCIALPROFILE":
        if point := _social_profile(prop, text):
            contact.points.append(point)
    elif name == "TITLE":
        contact.job_title = contact.job_title or clean(text)
    elif name == "ROLE" and not contact.job_title:
        contact.job_title = clean(text)
    elif name == "NICKNAME":
        contact.nickname = contact.nickname or clean(text.split(",")[0])
    elif name == "CATEGORIES":
        contact.tags = list(dict.fromkeys([*contact.tags, *split_tags(text, ",")]))
    elif name == "UID":
        contact.uid = contact.uid or clean(text)
    # entregent's own exports say what vCard has no property for: read them back.
    elif name == "X-ENTREGENT-HEADLINE":
        contact.headline = contact.headline or clean(text)
    elif name == "X-ENTREGENT-LOCATION":
        contact.location = contact.location or clean(text)
    elif name == "X-ENTREGENT-CONNECTED-ON":
        contact.connected_on = contact.connected_on or parse_date(text)
    elif name == "BDAY" and contact.birthday_month is None:
        found = parse_day_month(text)
        # Apple writes a birthday without a year as 1604-04-12;X-APPLE-OMIT-YEAR=1604.
        if found and str(found.year) == prop.param("X-APPLE-OMIT-YEAR"):
            found = found._replace(year=None)
        set_birthday(contact, found)


def _names(contact: ParsedContact, full_name: str) -> None:
    """Fill the names each from the other: N from FN, FN from N, else the organisation or
    the email address."""
    named = contact.given_name or contact.family_name
    # A company card's FN is the organisation (Apple's X-ABShowAs:COMPANY): no person there.
    if full_name and not named and full_name != contact.organisation and "@" not in full_name:
        contact.given_name, contact.family_name = split_full_name(full_name)
    emails = [point.raw for point in contact.points if point.kind == "email"]
    contact.display_name = (
        full_name
        or clean(f"{contact.given_name} {contact.family_name}")
        or contact.organisation
        or contact.nickname
        or (emails[0] if emails else "")
    )


def _apple_label(text: str) -> str:
    label = clean(text)
    if match := _APPLE_LABEL.fullmatch(label):
        return match[1].lower()
    return label


def _type_label(types: set[str]) -> str:
    if types & {"cell", "mobile", "iphone"}:
        return "mobile"
    place = "work" if "work" in types else "home" if "home" in types else ""
    if "fax" in types:
        return f"{place} fax".strip()
    if "pager" in types:
        return "pager"
    return place or ("main" if "main" in types else "other" if "other" in types else "")


def _social_profile(prop: Property, text: str) -> Point | None:
    point = url_point(text, prop.param("TYPE").lower())
    if point and point.kind == "linkedin":
        return point
    user = prop.param("X-USER")
    if "linkedin" in prop.types and user:
        return url_point(f"https://www.linkedin.com/in/{user}")
    return point if point and text.lower().startswith(("http://", "https://")) else None


# Photos ------------------------------------------------------------------------------------


def _photo(prop: Property) -> tuple[bytes | None, str]:
    value = prop.value.strip()
    if value[:5].lower() == b"data:":
        # vCard 4.0: PHOTO:data:image/jpeg;base64,/9j/4AAQ...
        meta, _, payload = value[5:].partition(b",")
        if b";base64" in meta.lower():
            data = _base64(payload)
        else:
            data = unquote_to_bytes(payload) if len(payload) <= 3 * MAX_PHOTO_BYTES else None
    elif prop.param("ENCODING").upper() in ("B", "BASE64"):
        data = _base64(value)
    else:
        return None, ""  # a link to a picture elsewhere: not fetched
    if not data or len(data) > MAX_PHOTO_BYTES:
        return None, ""
    for magic, media_type in _IMAGE_MAGIC:
        if data.startswith(magic):
            return data, media_type
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        return data, "image/webp"
    return None, ""


def _base64(value: bytes) -> bytes | None:
    compact = re.sub(rb"[^A-Za-z0-9+/]", b"", value.split(b"=", 1)[0])
    # Checked before decoding, so that a huge picture is never held twice.
    if len(compact) * 3 // 4 > MAX_PHOTO_BYTES:
        return None
    try:
        return base64.b64decode(compact + b"=" * (-len(compact) % 4))
    except (binascii.Error, ValueError):
        return None
