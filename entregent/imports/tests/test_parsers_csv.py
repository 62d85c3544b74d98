"""Any other CSV: delimiter and encoding detected, columns guessed from French or English names."""

from __future__ import annotations

from pathlib import Path

import pytest

from entregent.imports.parsers import csv
from entregent.imports.parsers.csv import guess_mapping
from entregent.imports.records import ImportFormatError, ParsedContact, ParsedRow, RowProblem

DATA = Path(__file__).parent / "data"


def parse(data: bytes, mapping: dict[str, str] | None = None) -> list[ParsedRow]:
    return list(csv.parse(data, mapping))


def contacts(rows: list[ParsedRow]) -> list[ParsedContact]:
    return [row for row in rows if isinstance(row, ParsedContact)]


def points(contact: ParsedContact, kind: str) -> list[str]:
    return [p.raw for p in contact.points if p.kind == kind]


# Guessing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "field"),
    [
        ("Name", "display_name"),
        ("Full name", "display_name"),
        ("Nom complet", "display_name"),
        ("Nom et prénom", "display_name"),
        ("First name", "given_name"),
        ("PRÉNOM", "given_name"),
        ("prenom", "given_name"),
        ("Last Name", "family_name"),
        ("Nom de famille", "family_name"),
        ("Surname", "family_name"),
        ("E-mail", "email"),
        ("Email Address", "email"),
        ("Adresse e-mail", "email"),
        ("Courriel", "email"),
        ("Phone", "phone"),
        ("Téléphone", "phone"),
        ("Tél.", "phone"),
        ("Mobile", "phone"),
        ("Company", "organisation"),
        ("Société", "organisation"),
        ("Entreprise", "organisation"),
        ("Nom de l'entreprise", "organisation"),
        ("Organisation", "organisation"),
        ("Company name", "organisation"),
        ("Title", "job_title"),
        ("Job title", "job_title"),
        ("Poste", "job_title"),
        ("Fonction", "job_title"),
        ("Position", "job_title"),
        ("Notes", "notes"),
        ("Tags", "tags"),
        ("Étiquettes", "tags"),
        ("City", "location"),
        ("Ville", "location"),
        ("Address", "address"),
        ("Adresse", "address"),
        ("Birthday", "birthday"),
        ("Anniversaire", "birthday"),
        ("Date de naissance", "birthday"),
        ("LinkedIn", "linkedin"),
        ("LinkedIn URL", "linkedin"),
        ("Website", "url"),
        ("Site web", "url"),
    ],
)
def test_it_guesses_a_column_from_its_name(column: str, field: str) -> None:
    assert guess_mapping(["Whatever", column]) == {field: column}


@pytest.mark.parametrize("column", ["Middle name", "Nickname", "E-mail Type", "Code client", ""])
def test_columns_that_only_look_like_ours_are_ignored(column: str) -> None:
    assert guess_mapping([column]) == {}


def test_nom_beside_prenom_is_the_family_name_and_alone_the_whole_name() -> None:
    assert guess_mapping(["Nom", "Prénom"]) == {"family_name": "Nom", "given_name": "Prénom"}
    assert guess_mapping(["Nom", "Courriel"]) == {"display_name": "Nom", "email": "Courriel"}


def test_the_first_of_two_candidate_columns_wins() -> None:
    assert guess_mapping(["Email", "Email 2"]) == {"email": "Email"}


# Reading --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def french() -> list[ParsedRow]:
    data = (DATA / "generic_fr.csv").read_bytes()
    assert b"\r\n" in data and "Prénom".encode("cp1252") in data
    return parse(data)


def test_a_french_excel_file_with_semicolons_and_windows_1252_is_read(
    french: list[ParsedRow],
) -> None:
    sophie = contacts(french)[0]
    assert (sophie.given_name, sophie.family_name) == ("Sophie", "Durand")
    assert (sophie.organisation, sophie.job_title, sophie.location) == (
        "Boulangerie Durand",
        "Gérante",
        "Nantes",
    )
    assert points(sophie, "email") == ["sophie.durand@example.fr"]
    assert points(sophie, "phone") == ["06 01 02 03 04"]
    assert sophie.tags == ["Commerçants", "Nantes"]
    assert sophie.notes == "Fournisseur du pain\npour les événements"


def test_generic_dates_are_read_day_first(french: list[ParsedRow]) -> None:
    sophie = contacts(french)[0]
    assert (sophie.birthday_day, sophie.birthday_month, sophie.birthday_year) == (5, 3, 1979)


def test_an_invalid_date_leaves_the_birthday_empty(french: list[ParsedRow]) -> None:
    luc = contacts(french)[1]
    assert (luc.given_name, luc.birthday_month) == ("Luc", None)


def test_rows_with_nothing_to_recognise_are_skipped_and_lines_count_multi_line_cells(
    french: list[ParsedRow],
) -> None:
    assert [(row.line, type(row).__name__) for row in french] == [
        (2, "ParsedContact"),
        (4, "ParsedContact"),
        (5, "RowProblem"),
        (6, "ParsedContact"),
    ]
    assert isinstance(french[2], RowProblem) and french[2].kind == "skipped"


def test_an_organisation_alone_is_enough(french: list[ParsedRow]) -> None:
    assert contacts(french)[2].organisation == "Association Les Amis du Quai"


def test_excels_unicode_text_in_utf16_with_tabs_is_read() -> None:
    data = (DATA / "generic_unicode_text.txt").read_bytes()
    assert data.startswith(b"\xff\xfe")
    ada, jean = contacts(parse(data))
    assert (ada.display_name, ada.given_name, ada.family_name) == (
        "Ada Lovelace",
        "Ada",
        "Lovelace",
    )
    assert (ada.organisation, ada.job_title, ada.tags) == (
        "Analytical Engines",
        "Mathematician",
        ["science", "history"],
    )
    assert points(ada, "linkedin") == ["https://www.linkedin.com/in/ada-lovelace"]
    assert (ada.birthday_day, ada.birthday_month, ada.birthday_year) == (10, 12, 1815)
    assert (jean.given_name, jean.family_name) == ("Jean", "de La Fontaine")


def test_a_mapping_overrides_the_guess() -> None:
    data = "Contact,Société,Mail perso,Mail pro\nAna Lima,Acme,ana@home.example,ana@acme.example\n"
    (ana,) = contacts(parse(data.encode(), {"email": "Mail pro", "organisation": ""}))
    assert points(ana, "email") == ["ana@acme.example"]
    assert ana.organisation == ""
    assert ana.display_name == "Ana Lima"


def test_a_mapping_names_columns_whatever_their_case_and_accents() -> None:
    (ana,) = contacts(
        parse(b"Col A,Col B\nAna,ana@example.com\n", {"given_name": "col a", "email": "COL B"})
    )
    assert (ana.given_name, points(ana, "email")) == ("Ana", ["ana@example.com"])


def test_a_mapping_to_a_column_that_is_not_there_is_a_format_error() -> None:
    with pytest.raises(ImportFormatError, match="Téléphone"):
        parse(b"Name\nAna\n", {"phone": "Téléphone"})


def test_a_mapping_to_an_unknown_field_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="shoe_size"):
        parse(b"Name\nAna\n", {"shoe_size": "Name"})


def test_a_file_without_a_name_or_email_column_says_what_it_found() -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse((DATA / "generic_no_name.csv").read_bytes())
    assert caught.value.line == 1
    assert "“Code”, “Montant”, “Date”" in caught.value.message
    assert "choose the columns by hand" in caught.value.message


def test_unknown_columns_are_ignored() -> None:
    (ana,) = contacts(parse(b"Name,Shoe size,Favourite colour\nAna,38,green\n"))
    assert (ana.display_name, ana.notes) == ("Ana", "")


def test_a_bare_linkedin_profile_name_becomes_a_profile_url() -> None:
    (ana,) = contacts(parse(b"Name,LinkedIn\nAna,ana-lima\n"))
    assert points(ana, "linkedin") == ["https://www.linkedin.com/in/ana-lima"]


def test_a_linkedin_url_in_the_website_column_is_still_a_linkedin_point() -> None:
    (ana,) = contacts(parse(b"Name,Website\nAna,https://fr.linkedin.com/in/ana-lima\n"))
    assert points(ana, "linkedin") == ["https://fr.linkedin.com/in/ana-lima"]


def test_several_emails_in_one_cell_are_split() -> None:
    (ana,) = contacts(parse(b'Name,Email\nAna,"a@example.com, b@example.com"\n'))
    assert points(ana, "email") == ["a@example.com", "b@example.com"]


def test_spaces_are_trimmed_everywhere() -> None:
    (ana,) = contacts(parse(b"Name ; Email ; Company \n  Ana Lima ;  ana@example.com ;  Acme \n"))
    assert (ana.display_name, ana.organisation, points(ana, "email")) == (
        "Ana Lima",
        "Acme",
        ["ana@example.com"],
    )


def test_an_empty_file_is_a_format_error() -> None:
    with pytest.raises(ImportFormatError, match="empty"):
        parse(b"\r\n\r\n")
