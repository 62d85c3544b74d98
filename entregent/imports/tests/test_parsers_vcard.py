"""vCards as Android, Apple, Google, Outlook and Windows write them, broken ones included."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from entregent.imports.parsers import vcard
from entregent.imports.records import ImportFormatError, ParsedContact, ParsedRow, RowProblem

DATA = Path(__file__).parent / "data"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)


def parse(data: bytes) -> list[ParsedRow]:
    return list(vcard.parse(data))


def contacts(rows: list[ParsedRow]) -> list[ParsedContact]:
    return [row for row in rows if isinstance(row, ParsedContact)]


def problems(rows: list[ParsedRow]) -> list[RowProblem]:
    return [row for row in rows if isinstance(row, RowProblem)]


def one(*lines: str | bytes) -> ParsedContact:
    """The contact of a single card made of these lines (CRLF, BEGIN and END added)."""
    body = [line.encode() if isinstance(line, str) else line for line in lines]
    rows = parse(b"\r\n".join([b"BEGIN:VCARD", *body, b"END:VCARD", b""]))
    (contact,) = rows
    assert isinstance(contact, ParsedContact), contact
    return contact


def points(contact: ParsedContact, kind: str) -> list[tuple[str, str]]:
    return [(p.raw, p.label) for p in contact.points if p.kind == kind]


def birthday(contact: ParsedContact) -> tuple[int | None, int | None, int | None]:
    return contact.birthday_day, contact.birthday_month, contact.birthday_year


# Android 2.1 ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def android() -> list[ParsedRow]:
    data = (DATA / "android_21.vcf").read_bytes()
    # The quirks are really in the sample: soft line breaks cutting a UTF-8 character.
    assert b"caf=C3=\r\n=A9" in data and b"=E5=B0=\r\n=8F" in data
    return parse(data)


def test_quoted_printable_soft_breaks_that_split_a_character_are_joined(
    android: list[ParsedRow],
) -> None:
    elodie = contacts(android)[0]
    assert (elodie.given_name, elodie.family_name) == ("Élodie", "Lévêque")
    assert elodie.notes == "Rencontrée au salon du livre à Paris.\nAime le café serré."
    assert (contacts(android)[2].given_name, contacts(android)[2].family_name) == ("小明", "王")


def test_a_soft_break_inside_a_structured_value_keeps_its_parts(android: list[ParsedRow]) -> None:
    elodie = contacts(android)[0]
    assert (elodie.organisation, elodie.department) == (
        "Bibliothèque nationale de France",
        "Manuscrits",
    )


def test_bare_21_parameters_give_the_labels(android: list[ParsedRow]) -> None:
    elodie = contacts(android)[0]
    assert points(elodie, "phone") == [
        ("+33 6 12 34 56 78", "mobile"),
        ("+33 1 40 20 50 50", "work"),
    ]
    assert points(elodie, "email") == [("elodie.leveque@example.fr", "home")]


def test_a_21_base64_photo_ending_with_a_blank_line_is_kept(android: list[ParsedRow]) -> None:
    elodie = contacts(android)[0]
    assert elodie.photo is not None and elodie.photo.startswith(b"\xff\xd8\xff")
    assert elodie.photo_type == "image/jpeg"
    # The line after the photo's blank line is still read.
    assert birthday(elodie) == (12, 4, 1985)


def test_direction_marks_around_a_phone_number_are_stripped(android: list[ParsedRow]) -> None:
    assert points(contacts(android)[1], "phone") == [("+33 7 00 11 22 33", "mobile")]


def test_a_card_with_nothing_to_recognise_is_skipped_with_its_line(
    android: list[ParsedRow],
) -> None:
    (problem,) = problems(android)
    assert (problem.kind, problem.line) == ("skipped", 32)
    assert problem.message.startswith("This card has no name, email, phone or organisation")
    assert [c.line for c in contacts(android)] == [1, 20, 26]


# Apple 3.0 ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def apple() -> list[ParsedRow]:
    return parse((DATA / "apple_30.vcf").read_bytes())


def test_a_fold_inside_a_multibyte_character_is_unfolded_before_decoding(
    apple: list[ParsedRow],
) -> None:
    data = (DATA / "apple_30.vcf").read_bytes()
    folds = [m.start() for m in re.finditer(rb"\r\n ", data)]
    # At least one fold of the sample falls inside a UTF-8 character.
    assert any(data[fold - 1] >= 0x80 and 0x80 <= data[fold + 3] < 0xC0 for fold in folds)
    assert contacts(apple)[0].notes == (
        "Rencontrée à Hanoï, atelier « lumière naturelle » cet été près du lac Hoàn Kiếm.\n"
        "À recontacter en mai."
    )


def test_apple_item_groups_take_their_label_from_x_ablabel(apple: list[ParsedRow]) -> None:
    anh = contacts(apple)[0]
    assert points(anh, "email") == [
        ("minhanh@example.com", "other"),
        ("atelier@example.com", "Atelier"),
    ]
    assert points(anh, "phone") == [
        ("+33 6 98 76 54 32", "mobile"),
        ("+84 28 3822 1234", "mobile"),
    ]


def test_linkedin_urls_and_social_profiles_become_linkedin_points(apple: list[ParsedRow]) -> None:
    assert points(contacts(apple)[0], "linkedin") == [
        ("https://www.linkedin.com/in/minh-anh-nguyen", "LinkedIn"),
        ("http://www.linkedin.com/in/minhanhnguyen", "linkedin"),
    ]


def test_apples_birthday_without_a_year(apple: list[ParsedRow]) -> None:
    assert birthday(contacts(apple)[0]) == (12, 4, None)


def test_org_units_title_categories_address_and_uid(apple: list[ParsedRow]) -> None:
    anh = contacts(apple)[0]
    assert (anh.given_name, anh.family_name) == ("Thị Minh Anh", "Nguyễn")
    assert (anh.organisation, anh.department, anh.job_title) == (
        "Atelier Lumière",
        "Studio photo",
        "Photographe",
    )
    assert anh.tags == ["Photographes", "Lyon"]
    assert points(anh, "address") == [("12 rue des Lilas, 69003 Lyon, France", "home")]
    assert anh.location == "Lyon, France"
    assert anh.uid == "6B29FC40-CA47-1067-B31D-00DD010662DA"


def test_a_folded_30_photo_is_decoded(apple: list[ParsedRow]) -> None:
    anh = contacts(apple)[0]
    assert anh.photo is not None and anh.photo_type == "image/jpeg"
    assert anh.photo == contacts(parse((DATA / "android_21.vcf").read_bytes()))[0].photo


def test_a_company_card_is_an_organisation_not_a_person(apple: list[ParsedRow]) -> None:
    bakery = contacts(apple)[1]
    assert (bakery.given_name, bakery.family_name) == ("", "")
    assert bakery.display_name == bakery.organisation == "Boulangerie Au Bon Pain"


# Google, Outlook, 4.0, UTF-16 -----------------------------------------------------------------


def test_googles_escaped_colons_commas_and_semicolons_are_unescaped() -> None:
    (camille,) = contacts(parse((DATA / "google_30.vcf").read_bytes()))
    assert points(camille, "linkedin") == [
        ("https://www.linkedin.com/in/camille-martin-7b2a1c", "Profile")
    ]
    assert "VivaTech, stand" in camille.notes and "facilitation; à relancer" in camille.notes
    assert birthday(camille) == (3, 11, 1990)
    assert camille.tags == ["myContacts", "Clients"]


def test_outlooks_windows_1252_vcard_with_quoted_printable_notes() -> None:
    (helene,) = contacts(parse((DATA / "outlook_21.vcf").read_bytes()))
    assert (helene.given_name, helene.family_name) == ("Hélène", "Lefèvre")
    assert (helene.organisation, helene.department) == ("Crédit Agricole", "Direction financière")
    assert helene.job_title == "Contrôleuse de gestion"
    assert helene.notes == "Coordonnées récupérées à la conférence\n(stand 42)."
    assert points(helene, "address") == [
        ("12, place des États-Unis, 92120 Montrouge, France", "work")
    ]
    assert points(helene, "email") == [("helene.lefevre@example.fr", "")]
    assert birthday(helene) == (22, 3, 1978)


def test_vcard_40_tel_uris_quoted_type_lists_and_data_uri_photos() -> None:
    (ana,) = contacts(parse((DATA / "v40.vcf").read_bytes()))
    assert points(ana, "phone") == [("+55-11-5555-0100", "work"), ("+55-11-99999-0101", "mobile")]
    assert ana.photo == PNG and ana.photo_type == "image/png"
    assert birthday(ana) == (12, 4, None)
    assert ana.uid == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert (ana.given_name, ana.display_name) == ("Ana Beatriz", "Ana Souza")
    assert points(ana, "url") == [("https://ana.example.com.br", "home")]


def test_a_utf16_file_with_a_bom_is_read() -> None:
    data = (DATA / "windows_utf16.vcf").read_bytes()
    assert data.startswith(b"\xff\xfe")
    (piotr,) = contacts(parse(data))
    assert (piotr.display_name, piotr.organisation) == ("Piotr Kowalski", "Łódź Software")
    assert birthday(piotr) == (31, 1, 1980)


def test_a_utf16_file_without_a_bom_is_read() -> None:
    data = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Faure\r\nEND:VCARD\r\n".encode("utf-16-be")
    assert [c.display_name for c in contacts(parse(data))] == ["Zoë Faure"]


def test_a_windows_1252_file_without_a_charset_is_read() -> None:
    data = "BEGIN:VCARD\nVERSION:2.1\nFN:Zoë Faure\nEND:VCARD\n".encode("cp1252")
    assert [c.display_name for c in contacts(parse(data))] == ["Zoë Faure"]


# Broken files ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def broken() -> list[ParsedRow]:
    return parse((DATA / "broken.vcf").read_bytes())


def test_the_good_cards_of_a_broken_file_still_import(broken: list[ParsedRow]) -> None:
    assert [(c.line, c.display_name) for c in contacts(broken)] == [
        (1, "Alice Premier"),
        (10, "Chloé Troisième"),
        (22, "Emma Dernière"),
    ]


def test_a_card_missing_its_end_is_named_with_its_line(broken: list[ParsedRow]) -> None:
    bruno = problems(broken)[0]
    assert (bruno.line, bruno.kind) == (6, "error")
    assert "Bruno Sansfin" in bruno.message and "END:VCARD" in bruno.message


def test_a_card_missing_its_begin_is_named_with_its_line(broken: list[ParsedRow]) -> None:
    denis = problems(broken)[1]
    assert (denis.line, denis.kind) == (14, "error")
    assert "Denis Sansdébut" in denis.message and "BEGIN:VCARD" in denis.message


def test_a_file_cut_short_reports_its_last_card(broken: list[ParsedRow]) -> None:
    fabien = problems(broken)[-1]
    assert fabien.line == 26 and "Fabien Coupé" in fabien.message


def test_an_empty_card_is_skipped(broken: list[ParsedRow]) -> None:
    assert [(p.line, p.kind) for p in problems(broken)] == [
        (6, "error"),
        (14, "error"),
        (18, "skipped"),
        (26, "error"),
    ]


def test_a_file_without_any_card_is_a_format_error() -> None:
    with pytest.raises(ImportFormatError, match="BEGIN:VCARD"):
        parse(b"Name,Email\nAna,ana@example.com\n")


def test_an_empty_file_is_a_format_error() -> None:
    with pytest.raises(ImportFormatError, match="empty"):
        parse(b"  \r\n")


# Names ----------------------------------------------------------------------------------------


def test_a_card_without_n_gets_its_names_from_fn() -> None:
    contact = one("VERSION:3.0", "FN:Jean de La Fontaine")
    assert (contact.given_name, contact.family_name) == ("Jean", "de La Fontaine")


def test_a_card_without_fn_gets_its_display_name_from_n() -> None:
    contact = one("VERSION:3.0", "N:Dupont;Jean;Paul;Dr;")
    assert (contact.given_name, contact.family_name) == ("Jean Paul", "Dupont")
    assert contact.display_name == "Jean Paul Dupont"


def test_a_card_without_names_is_shown_by_its_organisation_or_its_email() -> None:
    assert one("VERSION:3.0", "ORG:Acme;Sales").display_name == "Acme"
    only_email = one("VERSION:3.0", "EMAIL:ana@example.com")
    assert (only_email.display_name, only_email.given_name) == ("ana@example.com", "")


def test_a_fn_that_is_an_email_address_is_not_split_into_names() -> None:
    contact = one("VERSION:3.0", "FN:ana@example.com", "EMAIL:ana@example.com")
    assert (contact.given_name, contact.display_name) == ("", "ana@example.com")


# Values ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("BDAY:1985-04-12", (12, 4, 1985)),
        ("BDAY:19850412", (12, 4, 1985)),
        ("BDAY:--0412", (12, 4, None)),
        ("BDAY:1985-04-12T00:00:00Z", (12, 4, 1985)),
        ("BDAY;VALUE=text:circa 1985", (None, None, None)),
        ("BDAY:1985-02-30", (None, None, None)),
    ],
)
def test_birthdays_in_all_their_forms(line: str, expected: tuple[int | None, ...]) -> None:
    assert birthday(one("VERSION:3.0", "FN:Ana", line)) == expected


def test_a_fold_inside_a_multibyte_character_rejoins_it() -> None:
    value = "Société".encode()
    split = value.index(b"\xc3") + 1  # between the two bytes of "é"
    contact = one("VERSION:3.0", b"FN:" + value[:split] + b"\r\n " + value[split:])
    assert contact.display_name == "Société"


def test_a_soft_break_at_the_end_of_a_card_does_not_swallow_end_vcard() -> None:
    data = b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;ENCODING=QUOTED-PRINTABLE:Ana=\r\nEND:VCARD\r\n"
    assert [c.display_name for c in contacts(parse(data))] == ["Ana"]


def test_quoted_printable_in_latin1_is_read_as_windows_1252() -> None:
    contact = one("VERSION:2.1", "FN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Zo=EB =80")
    assert contact.display_name == "Zoë €"


def test_an_unknown_charset_falls_back_to_the_files_encoding() -> None:
    assert one("VERSION:2.1", "FN;CHARSET=X-UNKNOWN:Zoë").display_name == "Zoë"


def test_backslash_n_is_a_line_break_in_30_but_not_in_21() -> None:
    assert one("VERSION:3.0", "FN:Ana", r"NOTE:one\ntwo").notes == "one\ntwo"
    assert one("VERSION:2.1", "FN:Ana", r"NOTE:C:\new").notes == r"C:\new"


def test_apple_labels_for_urls_and_a_social_profile_given_only_by_its_user_name() -> None:
    contact = one(
        "VERSION:3.0",
        "FN:Ana",
        "item1.URL:https://ana.example.com",
        "item1.X-ABLabel:_$!<HomePage>!$_",
        "X-SOCIALPROFILE;type=linkedin;x-user=ana-lima:x-apple:ana-lima",
        "X-SOCIALPROFILE;type=twitter:https://twitter.com/analima",
    )
    assert points(contact, "url") == [
        ("https://ana.example.com", "homepage"),
        ("https://twitter.com/analima", "twitter"),
    ]
    assert points(contact, "linkedin") == [("https://www.linkedin.com/in/ana-lima", "")]


def test_multiple_notes_and_categories_are_gathered() -> None:
    contact = one(
        "VERSION:3.0", "FN:Ana", "NOTE:one", "NOTE:two", "CATEGORIES:a,b", "CATEGORIES:b,c"
    )
    assert (contact.notes, contact.tags) == ("one\n\ntwo", ["a", "b", "c"])


def test_phone_labels_from_types() -> None:
    contact = one(
        "VERSION:3.0",
        "FN:Ana",
        "TEL;TYPE=WORK,FAX:1",
        "TEL;TYPE=PAGER:2",
        "TEL;TYPE=iPhone:3",
        "TEL;TYPE=MAIN:4",
        "TEL:5",
    )
    assert [label for _, label in points(contact, "phone")] == [
        "work fax",
        "pager",
        "mobile",
        "main",
        "",
    ]


# Photos ---------------------------------------------------------------------------------------


def test_a_21_photo_whose_lines_are_not_indented_is_kept() -> None:
    encoded = base64.b64encode(PNG)
    lines = [encoded[i : i + 20] for i in range(0, len(encoded), 20)]
    contact = one(
        "VERSION:2.1", "FN:Ana", b"PHOTO;ENCODING=BASE64;TYPE=PNG:" + lines[0], *lines[1:]
    )
    assert contact.photo == PNG


def test_a_photo_bigger_than_the_limit_is_dropped_and_the_card_kept() -> None:
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * (vcard.MAX_PHOTO_BYTES + 1)
    contact = one("VERSION:3.0", "FN:Ana", b"PHOTO;ENCODING=b;TYPE=PNG:" + base64.b64encode(big))
    assert (contact.display_name, contact.photo, contact.photo_type) == ("Ana", None, "")


def test_a_big_21_photo_folded_over_thousands_of_lines_is_dropped_quickly() -> None:
    encoded = base64.b64encode(b"\xff\xd8\xff" + b"\x00" * (vcard.MAX_PHOTO_BYTES + 1000))
    lines = [b" " + encoded[i : i + 76] for i in range(0, len(encoded), 76)]
    contact = one("VERSION:2.1", "FN:Ana", b"PHOTO;ENCODING=BASE64;JPEG:", *lines, b"", "TEL:06")
    assert (contact.photo, points(contact, "phone")) == (None, [("06", "")])


def test_a_photo_at_the_limit_is_kept() -> None:
    at_limit = b"\x89PNG\r\n\x1a\n" + b"\x00" * (vcard.MAX_PHOTO_BYTES - 8)
    contact = one("VERSION:3.0", "FN:Ana", b"PHOTO;ENCODING=b:" + base64.b64encode(at_limit))
    assert contact.photo is not None and len(contact.photo) == vcard.MAX_PHOTO_BYTES


@pytest.mark.parametrize(
    "line",
    [
        "PHOTO;VALUE=uri:https://example.com/ana.jpg",
        "PHOTO;ENCODING=b;TYPE=JPEG:not*base64*at*all",
        "PHOTO;ENCODING=b;TYPE=JPEG:" + base64.b64encode(b"not an image").decode(),
        "PHOTO:data:image/png;base64,@@@",
    ],
)
def test_photos_that_are_links_or_not_images_are_not_kept(line: str) -> None:
    contact = one("VERSION:3.0", "FN:Ana", line)
    assert (contact.display_name, contact.photo) == ("Ana", None)


def test_lower_case_markers_and_lf_line_ends_are_fine() -> None:
    rows = parse(b"begin:vcard\nversion:3.0\nfn:Ana\nend:vcard\n")
    assert [c.display_name for c in contacts(rows)] == ["Ana"]


def test_the_dollar_mobile_label_is_in_lower_case() -> None:
    contact = one("VERSION:3.0", "FN:Ana", "item1.TEL:06", "item1.X-ABLabel:_$!<Mobile>!$_")
    assert points(contact, "phone") == [("06", "mobile")]


def test_a_quoted_parameter_may_hold_a_colon() -> None:
    contact = one(
        "VERSION:4.0", "FN:Ana", 'ADR;LABEL="12 rue X: bât. B";TYPE=work:;;12 rue X;Paris;;;'
    )
    assert points(contact, "address") == [("12 rue X, Paris", "work")]
