from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from entregent.accounts import registry
from entregent.accounts.models import User
from entregent.network.models import ContactPoint, Relationship
from entregent.network.tests.factories import log_interaction, make_contact, make_tag
from entregent.test import PASSWORD, BaseTestCase


def give_a_network(owner: User, name: str) -> None:
    """A small network with a row of every network model."""
    tag = make_tag(owner, f"{name}'s clients")
    first = make_contact(owner, f"{name}'s designer")
    second = make_contact(owner, f"{name}'s printer")
    first.tags.add(tag)
    ContactPoint.objects.create(contact=first, kind="email", raw=f"designer.{name}@example.org")
    log_interaction(owner, [first, second], dt.date(2025, 3, 14), summary=f"Lunch with {name}")
    Relationship.objects.create(owner=owner, from_contact=first, to_contact=second)


def owned_rows(user_pk: int) -> dict[str, set[Any]]:
    """Every row each registered model holds for the member with this pk."""
    return {
        holding.label: set(
            holding.model._default_manager.filter(**{holding.owner_lookup: user_pk}).values_list(
                "pk", flat=True
            )
        )
        for holding in registry.holdings()
    }


class ExportTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        give_a_network(cls.alice, "alice")
        give_a_network(cls.bob, "bob")

    def archive(self) -> dict[str, bytes]:
        """The downloaded archive's files, by name."""
        self.client.force_login(self.alice)
        response = self.client.post(reverse("accounts:export"))
        self.assertEqual(response.status_code, 200)
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return {name: archive.read(name) for name in archive.namelist()}

    def download(self) -> dict[str, Any]:
        today = timezone.localdate().isoformat()
        return dict(json.loads(self.archive()[f"entregent-export-{today}.json"]))

    def test_the_page_says_what_the_file_holds_and_what_it_leaves_out(self) -> None:
        self.client.force_login(self.alice)

        response = self.client.get(reverse("accounts:export"))

        self.assertContains(response, "Contacts")
        self.assertContains(response, "Interactions")
        self.assertContains(response, "calendar secret")

    def test_the_file_is_named_after_the_day(self) -> None:
        self.client.force_login(self.alice)

        response = self.client.post(reverse("accounts:export"))

        today = timezone.localdate().isoformat()
        self.assertEqual(
            response["Content-Disposition"],
            f'attachment; filename="entregent-export-{today}.zip"',
        )
        self.assertEqual(response["Content-Type"], "application/zip")

    def test_the_archive_holds_the_contacts_as_a_vcard_file(self) -> None:
        files = self.archive()

        vcard = files["contacts.vcf"].decode()
        self.assertEqual(vcard.count("BEGIN:VCARD"), 2)
        self.assertIn("FN:alice's designer", vcard)
        self.assertIn("EMAIL:designer.alice@example.org", vcard)
        self.assertNotIn("bob", vcard.lower())

    def test_the_page_names_the_files_beside_the_data(self) -> None:
        self.client.force_login(self.alice)

        response = self.client.get(reverse("accounts:export"))

        self.assertContains(response, "<code>contacts.vcf</code>", html=True)

    def test_alices_export_holds_all_her_network_and_nothing_of_bobs(self) -> None:
        data = self.download()["data"]

        exported = {label: {row["pk"] for row in rows} for label, rows in data.items()}
        alices = owned_rows(self.alice.pk)
        bobs = owned_rows(self.bob.pk)
        for label in (
            "network.Contact",
            "network.ContactPoint",
            "network.Tag",
            "network.Interaction",
            "network.Relationship",
        ):
            with self.subTest(label):
                self.assertTrue(alices[label])
                self.assertEqual(exported[label], alices[label])
                self.assertFalse(exported[label] & bobs[label])
        self.assertNotIn("bob", json.dumps(data).lower())

    def test_the_export_leaves_out_secrets(self) -> None:
        data = self.download()["data"]

        (me,) = data["accounts.User"]
        self.assertEqual(me["fields"]["email"], self.alice.email)
        self.assertNotIn("password", me["fields"])
        self.assertNotIn("calendar_secret", me["fields"])
        self.assertEqual(data["account.EmailAddress"][0]["fields"]["email"], self.alice.email)

    def test_visitors_are_sent_to_log_in(self) -> None:
        response = self.client.post(reverse("accounts:export"))

        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("account_login")))


class EraseTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        give_a_network(cls.alice, "alice")
        give_a_network(cls.bob, "bob")

    def test_a_wrong_password_erases_nothing_and_says_so_next_to_the_field(self) -> None:
        self.client.force_login(self.alice)
        before = owned_rows(self.alice.pk)

        response = self.client.post(reverse("accounts:erase"), {"password": "not hers"})

        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].has_error("password", "incorrect_password"))
        self.assertContains(response, 'id="id_password_error"')
        self.assertEqual(owned_rows(self.alice.pk), before)

    def test_the_password_cannot_be_guessed_here_once_the_login_limit_is_reached(
        self,
    ) -> None:
        self.client.force_login(self.alice)
        for _attempt in range(5):
            self.client.post(reverse("accounts:erase"), {"password": "guess"})

        response = self.client.post(reverse("accounts:erase"), {"password": PASSWORD})

        self.assertTrue(response.context["form"].has_error("password", "too_many_login_attempts"))
        self.assertTrue(User.objects.filter(pk=self.alice.pk).exists())

    def test_erasing_removes_every_row_of_alices_and_nothing_of_bobs(self) -> None:
        self.client.force_login(self.alice)
        alice_pk = self.alice.pk
        bobs_before = owned_rows(self.bob.pk)

        response = self.client.post(reverse("accounts:erase"), {"password": PASSWORD})

        self.assertRedirects(response, reverse("accounts:goodbye"))
        self.assertEqual({label: rows for label, rows in owned_rows(alice_pk).items() if rows}, {})
        self.assertFalse(User.objects.filter(pk=alice_pk).exists())
        self.assertFalse(EmailAddress.objects.filter(email=self.alice.email).exists())
        self.assertEqual(owned_rows(self.bob.pk), bobs_before)

    def test_erasing_logs_the_member_out(self) -> None:
        self.client.force_login(self.alice)

        self.client.post(reverse("accounts:erase"), {"password": PASSWORD})

        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(self.client.get(reverse("accounts:profile")).status_code, 302)

    def test_erasure_is_all_or_nothing(self) -> None:
        def fail(user: User) -> None:
            raise RuntimeError("disk full")

        self.client.force_login(self.alice)
        before = owned_rows(self.alice.pk)
        holdings = dict(registry._holdings)
        # Contact points fail to erase after relationships, interactions and tags are gone:
        # those deletions must be undone too.
        registry.register(ContactPoint, "contact__owner", erase=fail)
        try:
            with self.assertRaises(RuntimeError):
                self.client.post(reverse("accounts:erase"), {"password": PASSWORD})
        finally:
            registry._holdings.clear()
            registry._holdings.update(holdings)

        self.assertEqual(owned_rows(self.alice.pk), before)
        self.assertEqual(self.client.session["_auth_user_id"], str(self.alice.pk))

    def test_the_erase_page_lists_what_will_go(self) -> None:
        self.client.force_login(self.alice)

        response = self.client.get(reverse("accounts:erase"))

        self.assertContains(response, "Contacts: 2")
        self.assertContains(response, '<label for="id_password">')
