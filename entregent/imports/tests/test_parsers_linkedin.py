"""LinkedIn's Connections.csv, as exported today, in 2018, and after a trip through Excel."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from entregent.imports.parsers import linkedin
from entregent.imports.records import ImportFormatError, ParsedContact, ParsedRow, RowProblem

DATA = Path(__file__).parent / "data"
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"


def parse(data: bytes) -> list[ParsedRow]:
    return list(linkedin.parse(data))


def contacts(rows: list[ParsedRow]) -> list[ParsedContact]:
    return [row for row in rows if isinstance(row, ParsedContact)]


def problems(rows: list[ParsedRow], kind: str | None = None) -> list[RowProblem]:
    return [row for row in rows if isinstance(row, RowProblem) and kind in (None, row.kind)]


def by_name(rows: list[ParsedRow], given_name: str) -> ParsedContact:
    return next(c for c in contacts(rows) if c.given_name == given_name)


@pytest.fixture(scope="module")
def current() -> list[ParsedRow]:
    return parse((DATA / "linkedin_connections.csv").read_bytes())


def test_it_finds_the_header_after_the_notes_preamble(current: list[ParsedRow]) -> None:
    camille = contacts(current)[0]
    assert (camille.line, camille.given_name, camille.family_name) == (5, "Camille", "Martin")
    assert camille.organisation == "Société Générale"


def test_the_position_is_both_the_headline_and_the_job_title(current: list[ParsedRow]) -> None:
    camille = by_name(current, "Camille")
    assert camille.headline == camille.job_title == "Cheffe de projet transformation digitale"


def test_the_profile_url_becomes_a_linkedin_point(current: list[ParsedRow]) -> None:
    points = by_name(current, "Camille").points
    assert [(p.kind, p.raw) for p in points] == [
        ("linkedin", "https://www.linkedin.com/in/camille-martin-7b2a1c")
    ]


def test_percent_encoded_profile_urls_are_decoded(current: list[ParsedRow]) -> None:
    (point,) = by_name(current, "François").points
    assert point.raw == "https://www.linkedin.com/in/françois-dupont-4a5b6c"


def test_the_connection_date_is_read(current: list[ParsedRow]) -> None:
    assert by_name(current, "Camille").connected_on == dt.date(2025, 11, 22)
    assert by_name(current, "David").connected_on == dt.date(2025, 9, 3)


def test_it_skips_members_who_hid_themselves(current: list[ParsedRow]) -> None:
    hidden = problems(current, "skipped")
    assert [p.line for p in hidden] == [9, 16]
    assert all("only the connection date" in p.message for p in hidden)


def test_the_rare_email_address_is_kept(current: list[ParsedRow]) -> None:
    sarah = by_name(current, "Sarah")
    assert ("email", "sarah.morris@example.com") in [(p.kind, p.raw) for p in sarah.points]
    assert not any(p.kind == "email" for p in by_name(current, "Camille").points)


@pytest.mark.parametrize(
    ("given", "family"),
    [("Sarah", "Morris"), ("David", "Levy"), ("Marie", "Dupont"), ("Jane", "Smith")],
)
def test_credentials_are_stripped_from_the_last_name(
    current: list[ParsedRow], given: str, family: str
) -> None:
    contact = by_name(current, given)
    assert contact.family_name == family
    # Dropped, not moved to the notes (see linkedin.py for why).
    assert contact.notes == ""


def test_leading_and_trailing_spaces_are_trimmed(current: list[ParsedRow]) -> None:
    elodie = by_name(current, "Élodie")
    assert (elodie.family_name, elodie.organisation, elodie.job_title) == (
        "Bernard",
        "Doctolib",
        "Product Manager",
    )


def test_non_latin_companies_and_titles_come_through(current: list[ParsedRow]) -> None:
    assert by_name(current, "Hiroshi").organisation == "株式会社日本語テック"
    assert by_name(current, "Olga").organisation == "ООО «Кириллица»"
    assert by_name(current, "Youssef").job_title == "مدير المشاريع"


def test_quoted_positions_with_commas_stay_whole(current: list[ParsedRow]) -> None:
    assert by_name(current, "François").job_title == "Consultant senior, Data & IA"


def test_it_counts_every_row_once(current: list[ParsedRow]) -> None:
    assert (len(contacts(current)), len(problems(current))) == (11, 2)
    assert not problems(current, "warning")


def test_the_2018_export_has_no_preamble_and_no_url_column() -> None:
    rows = parse((DATA / "linkedin_connections_2018.csv").read_bytes())
    thomas = contacts(rows)[0]
    assert (thomas.line, thomas.given_name, thomas.job_title) == (2, "Thomas", "Ingénieur réseau")
    assert [(p.kind, p.raw) for p in thomas.points] == [("email", "thomas.girard@example.com")]


def test_the_2018_dates_are_american_with_a_time() -> None:
    rows = parse((DATA / "linkedin_connections_2018.csv").read_bytes())
    assert [c.connected_on for c in contacts(rows)] == [
        dt.date(2018, 1, 8),
        dt.date(2017, 12, 23),
        dt.date(2016, 3, 5),
    ]
    assert [p.line for p in problems(rows, "skipped")] == [4]


def test_an_excel_resave_with_crlf_padding_commas_and_windows_1252_is_read() -> None:
    data = (DATA / "linkedin_connections_excel.csv").read_bytes()
    assert b"\r\n" in data and "é".encode("cp1252") in data  # the sample is what it claims
    rows = parse(data)
    assert [c.given_name for c in contacts(rows)] == ["Camille", "Hiroshi", "Zoë"]
    assert contacts(rows)[0].organisation == "Société Générale"
    assert contacts(rows)[2].job_title == "Chargée d’affaires"


def test_excel_dates_like_23_nov_21_are_read() -> None:
    rows = parse((DATA / "linkedin_connections_excel.csv").read_bytes())
    assert contacts(rows)[0].connected_on == dt.date(2021, 11, 23)
    assert contacts(rows)[2].connected_on == dt.date(2020, 2, 1)


def test_trailing_rows_of_padding_commas_are_ignored_silently() -> None:
    rows = parse((DATA / "linkedin_connections_excel.csv").read_bytes())
    assert [p.line for p in problems(rows)] == [7]


@pytest.mark.parametrize("blank_lines", [0, 1, 2])
def test_the_header_is_found_after_any_number_of_blank_lines(blank_lines: int) -> None:
    data = 'Notes:\n"A sentence."\n' + "\n" * blank_lines + HEADER + "\nAna,Lima,,,,,\n"
    rows = parse(data.encode())
    assert [(c.line, c.given_name) for c in contacts(rows)] == [(4 + blank_lines, "Ana")]


def test_a_file_with_only_the_header_and_rows_works_without_preamble() -> None:
    rows = parse(f"{HEADER}\nAna,Lima,,,Acme,CEO,01 Jan 2024\n".encode())
    assert [(c.line, c.organisation) for c in contacts(rows)] == [(2, "Acme")]


def test_an_unknown_header_of_seven_columns_is_read_by_position_with_a_warning() -> None:
    header = "Prénom,Nom,Profil,Adresse e-mail,Entreprise,Poste,Date de connexion"
    rows = parse(f"{header}\nAna,Lima,,,Acme,CEO,01 Jan 2024\n".encode())
    (warning,) = problems(rows, "warning")
    assert warning.line == 1 and "First Name" in warning.message
    assert [(c.given_name, c.family_name, c.job_title) for c in contacts(rows)] == [
        ("Ana", "Lima", "CEO")
    ]
    assert rows[0] is warning  # before any contact, so a preview sees it


def test_a_headerless_file_of_seven_columns_keeps_its_first_row() -> None:
    rows = parse(b"Ana,Lima,,,Acme,CEO,01 Jan 2024\nBo,Chen,,,Beta,CTO,02 Jan 2024\n")
    assert len(problems(rows, "warning")) == 1
    assert [(c.line, c.given_name) for c in contacts(rows)] == [(1, "Ana"), (2, "Bo")]


def test_a_file_that_is_not_linkedins_is_a_format_error() -> None:
    with pytest.raises(ImportFormatError, match="LinkedIn"):
        parse(b"Name,Email\nAna,ana@example.com\n")


def test_a_row_with_too_many_cells_is_an_error_and_the_others_import() -> None:
    data = f"{HEADER}\nAna,Lima,,,Acme, Inc,CEO,01 Jan 2024\nBo,Chen,,,Beta,CTO,02 Jan 2024\n"
    rows = parse(data.encode())
    (error,) = problems(rows, "error")
    assert error.line == 2 and "8 cells" in error.message
    assert [c.given_name for c in contacts(rows)] == ["Bo"]


def test_an_invalid_date_leaves_the_field_empty() -> None:
    rows = parse(f"{HEADER}\nAna,Lima,,,Acme,CEO,31 Feb 2024\n".encode())
    assert contacts(rows)[0].connected_on is None


def test_a_whole_last_name_that_is_a_credential_moves_the_name_out_of_the_first_name() -> None:
    rows = parse(f'{HEADER}\nJane Smith,"PhD, MBA",,,Acme,CEO,01 Jan 2024\n'.encode())
    assert (contacts(rows)[0].given_name, contacts(rows)[0].family_name) == ("Jane", "Smith")


def test_it_reads_from_a_binary_stream() -> None:
    rows = list(linkedin.parse(io.BytesIO(f"{HEADER}\nAna,Lima,,,,,\n".encode())))
    assert [c.given_name for c in contacts(rows)] == ["Ana"]


def test_it_yields_rows_as_it_reads_them() -> None:
    data = (HEADER + "\n" + "Ana,Lima,,,Acme,CEO,01 Jan 2024\n" * 100_000).encode()
    rows = linkedin.parse(data)
    first = next(rows)
    assert isinstance(first, ParsedContact) and first.line == 2
