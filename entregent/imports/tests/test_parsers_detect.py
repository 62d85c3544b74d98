"""Recognising a file's format from its first bytes, and the `parse` dispatcher."""

from __future__ import annotations

import io
import tracemalloc
import types
from pathlib import Path

import pytest

from entregent.imports.parsers import FORMATS, HEAD_SIZE, detect_format, parse
from entregent.imports.records import ImportFormatError, ParsedContact, RowProblem

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("linkedin_connections.csv", "linkedin"),
        ("linkedin_connections_2018.csv", "linkedin"),
        ("linkedin_connections_excel.csv", "linkedin"),
        ("google_contacts.csv", "google"),
        ("google_contacts_legacy.csv", "google"),
        ("outlook_desktop.csv", "outlook"),
        ("outlook_com.csv", "outlook"),
        ("outlook_fr.csv", "outlook"),
        ("thunderbird_en.csv", "outlook"),
        ("thunderbird_fr.csv", "outlook"),
        ("android_21.vcf", "vcard"),
        ("apple_30.vcf", "vcard"),
        ("google_30.vcf", "vcard"),
        ("outlook_21.vcf", "vcard"),
        ("v40.vcf", "vcard"),
        ("windows_utf16.vcf", "vcard"),
        ("broken.vcf", "vcard"),
        ("generic_fr.csv", "csv"),
        ("generic_unicode_text.txt", "csv"),
        ("generic_no_name.csv", "csv"),
    ],
)
def test_it_recognises_each_sample_from_its_head_alone(name: str, fmt: str) -> None:
    head = (DATA / name).read_bytes()[:HEAD_SIZE]
    assert detect_format(head, "upload.bin") == fmt
    assert detect_format(head, name) == fmt


def test_the_content_wins_over_the_file_name() -> None:
    head = (DATA / "google_contacts.csv").read_bytes()[:HEAD_SIZE]
    assert detect_format(head, "contacts.vcf") == "google"


def test_the_vcf_extension_settles_a_vcard_with_stray_lines_first() -> None:
    head = b"Exported by MyPhone\r\n\r\nVERSION:3.0\r\n"
    assert detect_format(head, "contacts.VCF") == "vcard"
    assert detect_format(head, "contacts.csv") == "csv"


def test_a_head_cut_in_the_middle_of_a_character_is_fine() -> None:
    head = (DATA / "linkedin_connections.csv").read_bytes()
    cut = head.index("é".encode()) + 1
    assert detect_format(head[: max(cut, 600)], "") == "linkedin"


def test_an_empty_head_is_a_generic_csv() -> None:
    assert detect_format(b"", "") == "csv"


def test_parse_recognises_the_format_and_reads_streams() -> None:
    data = (DATA / "outlook_fr.csv").read_bytes()
    rows = list(parse(io.BytesIO(data)))
    assert [r.given_name for r in rows if isinstance(r, ParsedContact)] == [
        "Jean-Baptiste",
        "Inès",
    ]


def test_parse_with_a_mapping_reads_the_file_as_a_generic_csv() -> None:
    data = (DATA / "linkedin_connections_2018.csv").read_bytes()
    rows = list(parse(data, mapping={"organisation": "Position"}))
    thomas = rows[0]
    assert isinstance(thomas, ParsedContact)
    assert thomas.organisation == "Ingénieur réseau"  # the member's choice, whatever it means
    assert thomas.connected_on is None


def test_parse_can_be_told_the_format() -> None:
    data = (DATA / "linkedin_connections.csv").read_bytes()
    with pytest.raises(ImportFormatError):
        list(parse(data, "google"))


def test_parse_refuses_unknown_formats_and_mappings_for_other_formats() -> None:
    with pytest.raises(ValueError, match="Unknown format"):
        parse(b"", "excel")
    with pytest.raises(ValueError, match="generic CSV"):
        parse(b"", "vcard", mapping={"email": "Email"})


def test_every_format_has_a_parser_and_every_sample_parses_cleanly() -> None:
    assert FORMATS == ("linkedin", "google", "outlook", "vcard", "csv")
    for path in sorted(DATA.iterdir()):
        if path.name == "generic_no_name.csv":
            continue
        for row in parse(path.read_bytes()):
            assert isinstance(row, ParsedContact | RowProblem)
            assert row.line >= 1
            if isinstance(row, RowProblem):
                assert row.kind in ("skipped", "error", "warning") and row.message


@pytest.mark.parametrize(
    ("fmt", "head", "row"),
    [
        (
            "linkedin",
            "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n",
            "Camille,Martin,https://www.linkedin.com/in/c-m,,Société Générale,CEO,22 Nov 2025\n",
        ),
        (
            "vcard",
            "",
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Camille Martin\r\nORG:Société Générale\r\n"
            "TEL;TYPE=CELL:06 11 22 33 44\r\nEND:VCARD\r\n",
        ),
    ],
)
def test_parsing_streams_rows_without_holding_them_all(fmt: str, head: str, row: str) -> None:
    data = (head + row * 3_000).encode()
    rows = parse(data, fmt)
    assert isinstance(rows, types.GeneratorType)
    tracemalloc.start()
    try:
        count = sum(1 for _ in rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 3_000
    # The decoded text and one row at a time (2 to 3.5 times the file); a list of the contacts
    # would be 7 to 12 times.
    assert peak < 5 * len(data)
