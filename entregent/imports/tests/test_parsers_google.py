"""Google Contacts CSV: the current layout (UTF-8 with a BOM) and the older one (UTF-16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from entregent.imports.parsers import google
from entregent.imports.records import ImportFormatError, ParsedContact, ParsedRow, RowProblem

DATA = Path(__file__).parent / "data"


def parse(data: bytes) -> list[ParsedRow]:
    return list(google.parse(data))


def contacts(rows: list[ParsedRow]) -> list[ParsedContact]:
    return [row for row in rows if isinstance(row, ParsedContact)]


def points(contact: ParsedContact, kind: str) -> list[tuple[str, str]]:
    return [(p.raw, p.label) for p in contact.points if p.kind == kind]


@pytest.fixture(scope="module")
def current() -> list[ParsedRow]:
    data = (DATA / "google_contacts.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the sample has the BOM it claims
    return parse(data)


@pytest.fixture(scope="module")
def legacy() -> list[ParsedRow]:
    data = (DATA / "google_contacts_legacy.csv").read_bytes()
    assert data.startswith(b"\xff\xfe")
    return parse(data)


def test_the_bom_does_not_hide_the_first_column(current: list[ParsedRow]) -> None:
    assert contacts(current)[0].given_name == "Camille Anne"


def test_names_organisation_and_nickname_are_read(current: list[ParsedRow]) -> None:
    camille = contacts(current)[0]
    assert (camille.family_name, camille.nickname) == ("Martin", "Cam")
    assert (camille.organisation, camille.job_title, camille.department) == (
        "Société Générale",
        "Cheffe de projet",
        "Transformation digitale",
    )


def test_multi_line_notes_keep_their_lines_and_the_next_rows_keep_their_line_numbers(
    current: list[ParsedRow],
) -> None:
    assert contacts(current)[0].notes == (
        "Rencontrée au salon VivaTech.\nParle aussi espagnol.\n\nÀ relancer en juin."
    )
    assert [row.line for row in current] == [2, 8, 9, 11]


def test_several_values_in_one_cell_share_the_groups_label(current: list[ParsedRow]) -> None:
    assert points(contacts(current)[0], "email") == [
        ("camille.martin@example.com", "work"),
        ("c.martin@example.org", "work"),
        ("camille@example.net", "home"),
    ]


def test_phones_websites_and_addresses_come_with_their_labels(current: list[ParsedRow]) -> None:
    camille = contacts(current)[0]
    assert points(camille, "phone") == [
        ("+33 6 11 22 33 44", "mobile"),
        ("01 42 14 20 00", "work"),
    ]
    assert points(camille, "linkedin") == [
        ("https://www.linkedin.com/in/camille-martin-7b2a1c", "profile")
    ]
    assert points(camille, "address") == [("29 Boulevard Haussmann, 75009 Paris, France", "work")]
    assert camille.location == "Paris, France"


def test_system_labels_are_not_tags(current: list[ParsedRow]) -> None:
    assert contacts(current)[0].tags == ["Coworkers", "Paris"]
    assert contacts(current)[1].tags == ["Football"]


def test_birthdays_with_and_without_a_year(current: list[ParsedRow]) -> None:
    camille, karim = contacts(current)[:2]
    assert (camille.birthday_day, camille.birthday_month, camille.birthday_year) == (12, 4, 1985)
    assert (karim.birthday_day, karim.birthday_month, karim.birthday_year) == (19, 12, None)


def test_an_impossible_birthday_is_left_empty(current: list[ParsedRow]) -> None:
    mairie = contacts(current)[2]
    assert mairie.organisation == "Mairie de Lyon"
    assert mairie.birthday_month is None


def test_direction_marks_around_phone_numbers_are_stripped(current: list[ParsedRow]) -> None:
    assert points(contacts(current)[1], "phone") == [("+33 7 12 34 56 78", "mobile")]


def test_a_row_with_only_notes_and_labels_is_skipped(current: list[ParsedRow]) -> None:
    (problem,) = [row for row in current if isinstance(row, RowProblem)]
    assert (problem.line, problem.kind) == (9, "skipped")


def test_the_older_layout_in_utf16_is_read(legacy: list[ParsedRow]) -> None:
    juergen = contacts(legacy)[0]
    assert (juergen.display_name, juergen.given_name, juergen.family_name) == (
        "Jürgen Weiß",
        "Jürgen",
        "Weiß",
    )
    assert juergen.notes == "Ancien collègue\nchez Siemens"


def test_the_older_layout_has_organisations_in_numbered_groups(legacy: list[ParsedRow]) -> None:
    juergen = contacts(legacy)[0]
    assert (juergen.organisation, juergen.job_title, juergen.department) == (
        "Siemens AG",
        "Projektleiter",
        "Mobility",
    )


def test_the_older_layouts_starred_types_and_group_membership(legacy: list[ParsedRow]) -> None:
    juergen = contacts(legacy)[0]
    assert points(juergen, "email") == [("juergen.weiss@example.de", "work")]
    assert juergen.tags == ["Anciens collègues"]
    assert points(juergen, "address") == [("Karlstraße 12, 80333 München, Deutschland", "home")]
    assert points(juergen, "linkedin") == [
        ("http://www.linkedin.com/pub/juergen-weiss/12/345/678", "profile")
    ]


def test_the_older_layout_counts_lines_across_crlf_notes(legacy: list[ParsedRow]) -> None:
    assert [row.line for row in legacy] == [2, 4]


def test_any_number_of_groups_is_read() -> None:
    header = "First Name,E-mail 1 - Label,E-mail 1 - Value," + ",".join(
        f"Phone {n} - Label,Phone {n} - Value" for n in range(1, 13)
    )
    row = "Ana,,ana@example.com," + ",".join(f"Work,01 00 00 00 {n:02d}" for n in range(1, 13))
    (ana,) = contacts(parse(f"{header}\n{row}\n".encode()))
    assert len(points(ana, "phone")) == 12
    assert points(ana, "phone")[-1] == ("01 00 00 00 12", "work")


def test_addresses_without_a_formatted_cell_are_built_from_their_parts() -> None:
    header = (
        "First Name,Labels,Address 1 - Label,Address 1 - Street,Address 1 - City,"
        "Address 1 - Postal Code,Address 1 - Country"
    )
    data = f"{header}\nAna,,Home,1 rue A ::: 2 rue B,Lyon ::: Paris,69001 ::: 75002,France\n"
    (ana,) = contacts(parse(data.encode()))
    assert points(ana, "address") == [
        ("1 rue A, 69001 Lyon, France", "home"),
        ("2 rue B, 75002 Paris", "home"),
    ]


def test_a_file_that_is_not_googles_is_a_format_error_on_its_header_line() -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse(b"\n\nCode,Amount\n1,2\n")
    assert caught.value.line == 3


def test_an_empty_file_is_a_format_error() -> None:
    with pytest.raises(ImportFormatError, match="empty"):
        parse(b"")
