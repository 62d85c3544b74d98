"""The helpers every parser shares: encodings, delimiters, CSV line numbers, dates, names."""

from __future__ import annotations

import datetime as dt

import pytest

from entregent.imports.parsers import text
from entregent.imports.parsers.text import DayMonth, parse_date, parse_day_month
from entregent.imports.records import ImportFormatError

SAMPLE = "Prénom,Société\nÉlodie,Crédit Agricole\n"


# Encodings ------------------------------------------------------------------------------------


def test_it_reads_utf8_without_a_bom() -> None:
    assert text.decode(SAMPLE.encode("utf-8")) == SAMPLE


def test_it_drops_a_utf8_bom() -> None:
    assert text.decode(b"\xef\xbb\xbf" + SAMPLE.encode("utf-8")) == SAMPLE


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_it_reads_utf16_with_a_bom(codec: str) -> None:
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(codec, b"")
    assert text.decode(bom + SAMPLE.encode(codec)) == SAMPLE


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_it_recognises_utf16_without_a_bom_by_its_nul_bytes(codec: str) -> None:
    assert text.guess_encoding(SAMPLE.encode(codec)) == codec
    assert text.decode(SAMPLE.encode(codec)) == SAMPLE


def test_it_falls_back_to_windows_1252_with_its_curly_quotes_and_euro_sign() -> None:
    data = "Société,“Chargée d’affaires”,12 €\n".encode("cp1252")
    assert text.guess_encoding(data) == "cp1252"
    assert text.decode(data) == "Société,“Chargée d’affaires”,12 €\n"


def test_a_utf8_file_cut_inside_a_character_stays_utf8() -> None:
    data = ("Élodie Lévêque, Crédit Agricole, Société Générale\n" * 3).encode() + "é".encode()[:1]
    assert text.guess_encoding(data) == "utf-8"
    assert text.decode(data).startswith("Élodie Lévêque")


def test_the_undefined_windows_1252_bytes_do_not_break_decoding() -> None:
    assert text.decode(b"caf\xe9 \x81") == "café \ufffd"


def test_a_charset_named_in_the_file_is_used_and_latin1_means_windows_1252() -> None:
    assert text.decode_with(b"\x80 \xe9", "ISO-8859-1", "utf-8") == "€ é"
    assert text.decode_with("é".encode(), "UTF-8", "cp1252") == "é"


@pytest.mark.parametrize("charset", ["base64", "idna", "no-such-charset", "", "utf\x00"])
def test_a_charset_python_cannot_use_falls_back_to_the_default(charset: str) -> None:
    assert text.decode_with(b"caf\xe9", charset, "cp1252") == "café"


# Delimiters and rows ------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_it_detects_the_delimiter(delimiter: str) -> None:
    rows = [["Nom", "Prénom", "Courriel"], ["Dupont", "Jean", "jean@example.fr"]] * 3
    sample = "\n".join(delimiter.join(row) for row in rows)
    assert text.sniff_delimiter(sample) == delimiter


def test_commas_inside_cells_do_not_fool_the_delimiter_detection() -> None:
    sample = "Nom;Adresse\nDupont;12, rue de la Paix\nMartin;3, place Bellecour\n"
    assert text.sniff_delimiter(sample) == ";"


def test_rows_carry_the_line_where_they_start_even_after_multi_line_cells() -> None:
    csv_text = 'a,b\r\n"one\r\ntwo\r\nthree",x\r\n\r\nlast,y\r\n'
    rows = list(text.csv_rows(csv_text, ","))
    assert rows == [
        (1, ["a", "b"]),
        (2, ["one\r\ntwo\r\nthree", "x"]),
        (5, []),
        (6, ["last", "y"]),
    ]


def test_a_cell_over_the_csv_size_limit_is_a_format_error_with_its_line() -> None:
    csv_text = 'a\n"' + "x" * 200_000 + '"\n'
    with pytest.raises(ImportFormatError) as caught:
        list(text.csv_rows(csv_text, ","))
    assert caught.value.line == 2


def test_columns_are_found_whatever_their_case_accents_and_punctuation() -> None:
    columns = text.Columns(["E-MAIL ADDRESS", "Tél. mobile ", "Titre", "Titre"])
    row = ["a@example.com", "06", "", "Directrice"]
    assert columns.get(row, "E-mail Address") == "a@example.com"
    assert columns.get(row, "Tel mobile") == "06"
    # A repeated name: the first non-empty cell wins.
    assert columns.get(row, "Titre") == "Directrice"
    assert columns.get(row, "Missing", "e-mail address") == "a@example.com"


# Dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1985-04-12", DayMonth(12, 4, 1985)),
        ("19850412", DayMonth(12, 4, 1985)),
        ("1985-04-12T00:00:00Z", DayMonth(12, 4, 1985)),
        ("--0412", DayMonth(12, 4, None)),
        ("--04-12", DayMonth(12, 4, None)),
        ("--02-29", DayMonth(29, 2, None)),
        ("4/12/1985", DayMonth(12, 4, 1985)),
        ("1/8/18, 6:14 PM", DayMonth(8, 1, 2018)),
        ("22 Nov 2025", DayMonth(22, 11, 2025)),
        ("23-Nov-21", DayMonth(23, 11, 2021)),
        ("12 avr. 1985", DayMonth(12, 4, 1985)),
        ("3 février 1990", DayMonth(3, 2, 1990)),
        ("Nov 22, 2025", DayMonth(22, 11, 2025)),
        ("1985/04/12", DayMonth(12, 4, 1985)),
    ],
)
def test_it_reads_dates_as_exports_write_them(value: str, expected: DayMonth) -> None:
    assert parse_day_month(value) == expected


def test_day_first_settles_ambiguous_dates_and_a_part_above_12_settles_it_alone() -> None:
    assert parse_day_month("04/05/1985", day_first=True) == DayMonth(4, 5, 1985)
    assert parse_day_month("04/05/1985", day_first=False) == DayMonth(5, 4, 1985)
    assert parse_day_month("25/12/1985", day_first=False) == DayMonth(25, 12, 1985)
    assert parse_day_month("12/25/1985", day_first=True) == DayMonth(25, 12, 1985)


@pytest.mark.parametrize(
    "value",
    ["", "0/0/00", "1985-02-30", "31/02/1990", "--13-01", "not a date", "1985", "٢٠٢٠-٠١-٠١"],
)
def test_an_invalid_date_is_left_empty(value: str) -> None:
    assert parse_day_month(value) is None


def test_two_digit_years_are_the_latest_such_year_not_in_the_future() -> None:
    this_year = dt.date.today().year % 100
    assert parse_date("1/1/85") == dt.date(1985, 1, 1)
    assert parse_date(f"1/1/{this_year:02d}") == dt.date(2000 + this_year, 1, 1)


def test_a_date_needs_a_year() -> None:
    assert parse_date("--04-12") is None
    assert parse_date("2025-11-22") == dt.date(2025, 11, 22)


def test_a_date_in_three_cells_is_read_and_a_missing_year_is_allowed() -> None:
    assert text.day_month_from_parts("29", "2", "") == DayMonth(29, 2, None)
    assert text.day_month_from_parts("21", "7", "1988") == DayMonth(21, 7, 1988)
    assert text.day_month_from_parts("", "7", "1988") is None
    assert text.day_month_from_parts("31", "4", "1988") is None


# Names and points -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Morris, MS", "Morris"),
        ("Levy Ph.D", "Levy"),
        ("Dupont, PhD, PMP", "Dupont"),
        ("MBA", ""),
        ("Henderson, CPA", "Henderson"),
        ("Martin, CHRL", "Martin"),
        ("Nguyen (she/her)", "Nguyen"),
        ("Smith, Jr.", "Smith, Jr."),
        ("Ma", "Ma"),
        ("Yo-Yo Ma", "Yo-Yo Ma"),
        ("Dupont-Aignan", "Dupont-Aignan"),
    ],
)
def test_it_strips_credentials_from_family_names(written: str, expected: str) -> None:
    assert text.strip_credentials(written) == expected


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("Jean Dupont", ("Jean", "Dupont")),
        ("Dupont, Jean", ("Jean", "Dupont")),
        ("Jean de La Fontaine", ("Jean", "de La Fontaine")),
        ("Ludwig van Beethoven", ("Ludwig", "van Beethoven")),
        ("Madonna", ("Madonna", "")),
        ("Thị Minh Anh Nguyễn", ("Thị Minh Anh", "Nguyễn")),
    ],
)
def test_it_splits_a_full_name(full: str, expected: tuple[str, str]) -> None:
    assert text.split_full_name(full) == expected


def test_clean_strips_direction_marks_and_isolates_around_phone_numbers() -> None:
    marks = "\u200e\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
    assert text.clean(f"{marks}+33 6 12{marks}") == "+33 6 12"
    assert text.clean("  Jean \n  Dupont ") == "Jean Dupont"


def test_notes_keep_their_line_breaks() -> None:
    assert text.clean_multiline("  one  \r\ntwo\rthree\n\n") == "one\ntwo\nthree"


def test_a_linkedin_url_becomes_a_linkedin_point_with_its_accents_decoded() -> None:
    point = text.url_point("https://www.linkedin.com/in/fran%C3%A7ois-dupont-4a5b6c")
    assert point is not None
    assert (point.kind, point.raw) == (
        "linkedin",
        "https://www.linkedin.com/in/françois-dupont-4a5b6c",
    )


def test_a_broken_percent_escape_leaves_the_url_as_written() -> None:
    point = text.url_point("https://www.linkedin.com/in/fran%C3-x")
    assert point is not None and point.raw == "https://www.linkedin.com/in/fran%C3-x"


def test_other_urls_stay_urls() -> None:
    point = text.url_point("https://example.com/a%20b")
    assert point is not None and (point.kind, point.raw) == ("url", "https://example.com/a%20b")


def test_exchange_addresses_are_not_emails_and_several_addresses_in_a_cell_are_split() -> None:
    assert list(text.email_points("/o=ExchangeLabs/ou=Exchange/cn=Recipients/cn=bob")) == []
    emails = [p.raw for p in text.email_points("a@example.com; b@example.com, c@example.com")]
    assert emails == ["a@example.com", "b@example.com", "c@example.com"]


def test_a_tel_uri_is_a_phone_and_a_phone_needs_a_digit() -> None:
    point = text.phone_point("tel:+33-6-12-34-56-78", "mobile")
    assert point is not None and (point.raw, point.label) == ("+33-6-12-34-56-78", "mobile")
    assert text.phone_point("n/a") is None
