"""Whatever the bytes, a parser either yields rows or raises `ImportFormatError`, nothing else.

Members upload anything: a spreadsheet saved in the wrong format, a truncated vCard, a photo.
The import must answer with a message, never with a server error.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entregent.imports import parsers
from entregent.imports.parsers import csv, google, linkedin, outlook, vcard
from entregent.imports.records import ImportFormatError, ParsedContact, ParsedRow, RowProblem

PARSERS: dict[str, Callable[[bytes], Iterator[ParsedRow]]] = {
    "linkedin": linkedin.parse,
    "google": google.parse,
    "outlook": outlook.parse,
    "vcard": vcard.parse,
    "csv": csv.parse,
    "auto": parsers.parse,
}
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_every_parser(data: bytes) -> None:
    assert parsers.detect_format(data[: parsers.HEAD_SIZE], "file") in parsers.FORMATS
    for name, parse in PARSERS.items():
        try:
            for row in parse(data):
                assert isinstance(row, ParsedContact | RowProblem), (name, row)
                assert row.line >= 1, (name, row)
                if isinstance(row, RowProblem):
                    assert row.kind in ("skipped", "error", "warning"), (name, row)
        except ImportFormatError as error:
            assert error.line is None or error.line >= 1, (name, error)


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes_never_crash_a_parser(data: bytes) -> None:
    check_every_parser(data)


# CSV ------------------------------------------------------------------------------------------

HEADERS = [
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
    "First Name,Last Name,Email Address,Company,Position,Connected On",
    "First Name,Middle Name,Last Name,Organization Name,Birthday,Notes,Labels,"
    "E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,"
    "Address 1 - Label,Address 1 - Formatted,Address 1 - City,Website 1 - Value",
    "Name,Given Name,Family Name,Birthday,Group Membership,E-mail 1 - Type,E-mail 1 - Value,"
    "Organization 1 - Name,Organization 1 - Title",
    '"Title","First Name","Last Name","Company","Job Title","Business City","Mobile Phone",'
    '"Birthday","Categories","E-mail Address","E-mail Type","Notes","Web Page"',
    "Prénom;Nom;Société;Profession;Tél. mobile;Anniversaire;Catégories;Adresse de messagerie",
    "First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,Screen Name,"
    "Work Phone,Home Phone,Fax Number,Pager Number,Mobile Number,Home Address,Home Address 2,"
    "Home City,Home State,Home ZipCode,Home Country,Work Address,Work Address 2,Work City,"
    "Work State,Work ZipCode,Work Country,Job Title,Department,Organization,Web Page 1,"
    "Web Page 2,Birth Year,Birth Month,Birth Day,Custom 1,Custom 2,Custom 3,Custom 4,Notes,",
    "Nom;Prénom;Courriel;Téléphone;Société;Date de naissance;Étiquettes;LinkedIn;Site",
    "Notes:",
]
# Cells that reach the interesting paths: dates, addresses, separators, quotes, marks.
CELLS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "0/0/00",
            "4/12/1985",
            "--04-12",
            "1985-02-30",
            "22 Nov 2025",
            "1/8/18, 6:14 PM",
            "99/99/9999",
            "* myContacts ::: Friends",
            " ::: ",
            "a@b ::: c@d",
            "https://www.linkedin.com/in/fran%C3%A7ois",
            "https://www.linkedin.com/in/%ZZ",
            "\u202a+33 6\u202c",
            "Dupont, PhD, PMP",
            '"',
            "\r\n",
            "=",
            ";",
            "\x00",
            "/o=Exchange/cn=x",
        ]
    ),
)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    header = draw(st.one_of(st.sampled_from(HEADERS), st.text(max_size=60)))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    width = draw(st.integers(min_value=0, max_value=12))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=width), max_size=8))
    quote = draw(st.booleans())
    lines = [header]
    for row in rows:
        cells = [f'"{cell.replace(chr(34), chr(34) * 2)}"' if quote else cell for cell in row]
        lines.append(delimiter.join(cells))
    preamble = draw(st.sampled_from(["", "Notes:\n", 'Notes:\n"A sentence, quoted."\n\n']))
    text = preamble + draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "cp1252"]))
    return text.encode(encoding, errors="replace")


@FUZZ
@given(csv_files())
def test_random_csv_files_never_crash_a_parser(data: bytes) -> None:
    check_every_parser(data)


# vCard ----------------------------------------------------------------------------------------

NAMES = st.sampled_from(
    [
        "BEGIN",
        "END",
        "VERSION",
        "N",
        "FN",
        "ORG",
        "TITLE",
        "TEL",
        "EMAIL",
        "ADR",
        "URL",
        "NOTE",
        "BDAY",
        "PHOTO",
        "CATEGORIES",
        "UID",
        "NICKNAME",
        "ROLE",
        "X-SOCIALPROFILE",
        "item1.X-ABLabel",
        "item1.EMAIL",
        "item1.TEL",
        "",
        "é",
    ]
)
PARAMS = st.sampled_from(
    [
        "CHARSET=UTF-8",
        "CHARSET=ISO-8859-1",
        "CHARSET=base64",
        "CHARSET=idna",
        "CHARSET=",
        "ENCODING=QUOTED-PRINTABLE",
        "QUOTED-PRINTABLE",
        "ENCODING=b",
        "ENCODING=BASE64",
        "BASE64",
        "TYPE=WORK,VOICE",
        'TYPE="work,voice"',
        "CELL",
        "VALUE=uri",
        "X-APPLE-OMIT-YEAR=1604",
        "type=linkedin",
        "x-user=ana",
        '"',
        "=",
    ]
)
VALUES = st.one_of(
    st.text(max_size=40),
    st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
    st.sampled_from(
        [
            "VCARD",
            "3.0",
            "2.1",
            "Dupont;Jean;;;",
            "=C3=",
            "=A9",
            "=E7=8E=8B;=E5=B0=",
            "tel:+33-6",
            "data:image/png;base64,iVBORw0KGgo=",
            "data:image/png,%89PNG",
            "data:",
            base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20).decode(),
            "/9j/4AAQ",
            "1604-04-12",
            "--0412",
            "_$!<Mobile>!$_",
            "http://www.linkedin.com/in/ana",
            "a\\nb\\,c\\;d\\:e\\",
        ]
    ),
)


@st.composite
def vcard_files(draw: st.DrawFn) -> bytes:
    lines: list[str] = []
    for _ in range(draw(st.integers(min_value=0, max_value=25))):
        name = draw(NAMES)
        params = "".join(";" + param for param in draw(st.lists(PARAMS, max_size=3)))
        line = f"{name}{params}:{draw(VALUES)}"
        if draw(st.integers(min_value=0, max_value=5)) == 0:
            line = draw(st.sampled_from([" ", "\t", "", "="])) + line  # folds, stray lines
        lines.append(line)
    eol = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    text = eol.join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "utf-16-le", "cp1252"]))
    return text.encode(encoding, errors="replace")


@FUZZ
@given(vcard_files())
def test_random_vcard_files_never_crash_a_parser(data: bytes) -> None:
    check_every_parser(data)


@FUZZ
@given(vcard_files(), st.integers(min_value=0, max_value=400))
def test_vcards_cut_anywhere_never_crash_the_vcard_parser(data: bytes, cut: int) -> None:
    try:
        for row in vcard.parse(data[:cut]):
            assert isinstance(row, ParsedContact | RowProblem)
    except ImportFormatError:
        pass
