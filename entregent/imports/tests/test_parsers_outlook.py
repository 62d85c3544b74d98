"""Outlook (desktop, Outlook.com, French) and Thunderbird (English, French) CSV exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from entregent.imports.parsers import outlook
from entregent.imports.records import ImportFormatError, ParsedContact, ParsedRow, RowProblem

DATA = Path(__file__).parent / "data"


def parse(data: bytes) -> list[ParsedRow]:
    return list(outlook.parse(data))


def contacts(rows: list[ParsedRow]) -> list[ParsedContact]:
    return [row for row in rows if isinstance(row, ParsedContact)]


def points(contact: ParsedContact, kind: str) -> list[tuple[str, str]]:
    return [(p.raw, p.label) for p in contact.points if p.kind == kind]


def birthday(contact: ParsedContact) -> tuple[int | None, int | None, int | None]:
    return contact.birthday_day, contact.birthday_month, contact.birthday_year


@pytest.fixture(scope="module")
def desktop() -> list[ParsedRow]:
    data = (DATA / "outlook_desktop.csv").read_bytes()
    header = data.split(b"\r\n", 1)[0]
    # The sample is the real export's shape: 92 quoted columns, CRLF, Windows-1252.
    assert header.count(b'","') == 91 and header.startswith(b'"Title","First Name"')
    assert "Hélène".encode("cp1252") in data
    return parse(data)


def test_the_desktop_export_in_windows_1252_is_read(desktop: list[ParsedRow]) -> None:
    helene = contacts(desktop)[0]
    assert (helene.given_name, helene.family_name) == ("Hélène", "Lefèvre")
    assert (helene.organisation, helene.department, helene.job_title) == (
        "Crédit Agricole",
        "Direction financière",
        "Contrôleuse de gestion",
    )


def test_the_desktop_exports_points_and_their_labels(desktop: list[ParsedRow]) -> None:
    helene = contacts(desktop)[0]
    assert points(helene, "email") == [("helene.lefevre@example.fr", "")]
    assert points(helene, "phone") == [
        ("+33 6 45 67 89 01", "mobile"),
        ("+33 1 43 23 52 00", "work"),
    ]
    assert points(helene, "address") == [
        ("12, place des États-Unis, 92120 Montrouge, France", "work")
    ]
    assert points(helene, "url") == [("http://www.credit-agricole.com/", "")]
    assert helene.location == "Montrouge, France"


def test_outlook_birthdays_are_month_first_and_0_0_00_means_none(desktop: list[ParsedRow]) -> None:
    helene, bob = contacts(desktop)
    assert birthday(helene) == (12, 4, 1985)
    assert birthday(bob) == (None, None, None)


def test_categories_become_tags_and_multi_line_notes_are_kept(desktop: list[ParsedRow]) -> None:
    helene = contacts(desktop)[0]
    assert helene.tags == ["Clients", "VIP"]
    assert helene.notes == "Déjeuner le 3 mars.\nPréfère être appelée le matin."


def test_exchange_addresses_are_skipped_for_the_next_smtp_one(desktop: list[ParsedRow]) -> None:
    bob = contacts(desktop)[1]
    assert points(bob, "email") == [("bob.oconnor@contoso.com", "")]
    assert points(bob, "phone") == [("(425) 555-0100", "home"), ("(425) 555-0199", "work fax")]


def test_a_row_of_only_outlooks_defaults_is_skipped(desktop: list[ParsedRow]) -> None:
    problem = desktop[-1]
    assert isinstance(problem, RowProblem)
    assert (problem.line, problem.kind) == (5, "skipped")
    assert contacts(desktop)[1].line == 4  # after Hélène's two-line note


def test_outlook_com_with_its_61_columns_is_read() -> None:
    data = (DATA / "outlook_com.csv").read_bytes()
    assert data.split(b"\r\n", 1)[0].count(b",") == 60
    (priya,) = contacts(parse(data))
    assert (priya.given_name, priya.family_name, priya.nickname) == ("Priya", "Raman", "Pri")
    assert points(priya, "email") == [("priya.raman@example.com", ""), ("priya@example.in", "")]
    assert points(priya, "url") == [("https://priya.example.in", "home")]
    assert priya.location == "Bengaluru, India"
    assert birthday(priya) == (23, 11, 1991)


@pytest.fixture(scope="module")
def french() -> list[ParsedRow]:
    data = (DATA / "outlook_fr.csv").read_bytes()
    assert b";" in data.split(b"\r\n", 1)[0] and "Prénom".encode("cp1252") in data
    return parse(data)


def test_french_outlook_headers_are_understood(french: list[ParsedRow]) -> None:
    jb = contacts(french)[0]
    assert (jb.given_name, jb.family_name) == ("Jean-Baptiste", "Rousseau")
    assert (jb.organisation, jb.department, jb.job_title) == (
        "Mairie de Bordeaux",
        "Urbanisme",
        "Chargé de mission",
    )
    assert points(jb, "phone") == [("06 70 80 90 10", "mobile"), ("05 56 10 20 30", "work")]
    assert points(jb, "email") == [("jb.rousseau@example.fr", "")]
    assert points(jb, "url") == [("https://www.bordeaux.fr", "")]
    assert jb.tags == ["Collectivités", "Bordeaux"]
    assert jb.location == "Bordeaux, France"


def test_french_outlook_birthdays_are_day_first(french: list[ParsedRow]) -> None:
    jb, ines = contacts(french)
    assert birthday(jb) == (12, 4, 1985)
    assert birthday(ines) == (None, None, None)


def test_the_name_in_the_email_display_name_column_is_not_the_family_name(
    french: list[ParsedRow],
) -> None:
    # "Nom complet de l'adresse de messagerie" must not be read as "Nom".
    assert contacts(french)[1].family_name == "Moulin"


def test_thunderbird_english_with_its_trailing_comma() -> None:
    data = (DATA / "thunderbird_en.csv").read_bytes()
    assert data.split(b"\r\n", 1)[0].endswith(b"Notes,")
    emily, newsletter = contacts(parse(data))
    assert (emily.given_name, emily.family_name, emily.display_name) == (
        "Emily",
        "Clarke",
        "Emily Clarke",
    )
    assert (emily.organisation, emily.department, emily.job_title) == (
        "Cabinet Office",
        "Strategy Unit",
        "Policy Advisor",
    )
    assert points(emily, "phone") == [("+44 7700 900123", "mobile"), ("+44 20 7946 0000", "work")]
    assert points(emily, "address") == [
        ("10 Downing Street, SW1A 2AA London, United Kingdom", "work")
    ]
    assert birthday(emily) == (21, 7, 1988)
    assert emily.notes == "Met at the Open Data Summit.\nVery responsive."
    assert (newsletter.display_name, points(newsletter, "email")) == (
        "Newsletter",
        [("news@example.org", "")],
    )


def test_thunderbird_french_is_read_by_position_despite_its_repeated_names() -> None:
    data = (DATA / "thunderbird_fr.csv").read_bytes()
    assert data.count(b"Ville") == 2 and "Société".encode("cp1252") in data
    (gaelle,) = contacts(parse(data))
    assert (gaelle.given_name, gaelle.family_name, gaelle.organisation) == (
        "Gaëlle",
        "Le Goff",
        "Ifremer",
    )
    assert gaelle.job_title == "Océanographe"
    assert points(gaelle, "email") == [
        ("gaelle.legoff@example.fr", ""),
        ("gaelle@example.bzh", ""),
    ]
    assert points(gaelle, "address") == [
        ("Quimper, France", "work"),
        ("3 rue de Siam, 29200 Brest, France", "home"),
    ]
    assert birthday(gaelle) == (29, 2, None)


def test_a_file_that_is_neither_outlooks_nor_thunderbirds_is_a_format_error() -> None:
    with pytest.raises(ImportFormatError, match="Outlook") as caught:
        parse(b"First Name,Phone\nAna,06\n")
    assert caught.value.line == 1
