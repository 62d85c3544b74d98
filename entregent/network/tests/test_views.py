from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from entregent.network.models import (
    Contact,
    ContactPhoto,
    ContactPoint,
    Interaction,
    Relationship,
    Tag,
)
from entregent.network.tests.factories import log_interaction, make_contact, make_tag
from entregent.test import BaseTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse


class ContactCreateTests(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def post_contact(self, **overrides: object) -> _MonkeyPatchedWSGIResponse:
        data: dict[str, object] = {
            "given_name": "Hélène",
            "family_name": "Martin",
            "display_name": "",
            "headline": "Graphiste indépendante",
            "organisation": "Atelier Martin",
            "tie_strength": "4",
            "new_tags": "clients, Graphisme",
            "points-TOTAL_FORMS": "2",
            "points-INITIAL_FORMS": "0",
            "points-0-kind": "phone",
            "points-0-raw": "06 12 34 56 78",
            "points-0-label": "mobile",
            "points-1-kind": "email",
            "points-1-raw": "Helene@Example.org",
        }
        data.update(overrides)
        return self.client.post(reverse("network:contact-create"), data)

    def test_it_creates_a_contact_with_points_and_new_tags(self) -> None:
        response = self.post_contact()
        contact = Contact.objects.get(owner=self.alice)
        self.assertRedirects(response, contact.get_absolute_url())
        self.assertEqual(contact.display_name, "Hélène Martin")
        self.assertEqual(contact.source, Contact.Source.MANUAL)
        phone, email = contact.points.order_by("position")
        self.assertEqual(
            (phone.kind, phone.value, phone.raw), ("phone", "+33612345678", "06 12 34 56 78")
        )
        self.assertEqual(email.value, "helene@example.org")
        self.assertEqual(sorted(t.name for t in contact.tags.all()), ["Graphisme", "clients"])

    def test_a_bad_phone_is_reported_and_nothing_is_saved(self) -> None:
        response = self.post_contact(**{"points-0-raw": "call me maybe"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "is not a phone number we recognise")
        self.assertFalse(Contact.objects.filter(owner=self.alice).exists())
        self.assertFalse(Tag.objects.filter(owner=self.alice).exists())

    def test_a_contact_needs_a_name_or_an_organisation(self) -> None:
        response = self.post_contact(given_name="", family_name="", organisation="")
        self.assertContains(response, "Give at least a name or an organisation.")
        self.assertFalse(Contact.objects.exists())

    def test_an_impossible_birthday_is_refused_next_to_the_field(self) -> None:
        response = self.post_contact(birthday_day="31", birthday_month="2")
        self.assertContains(response, "This day does not exist in that month.")
        self.assertFalse(Contact.objects.exists())

    def test_a_birthday_without_year_is_fine(self) -> None:
        self.post_contact(birthday_day="29", birthday_month="2")
        contact = Contact.objects.get()
        self.assertEqual((contact.birthday_day, contact.birthday_month), (29, 2))
        self.assertIsNone(contact.birthday_year)

    def test_introduced_by_cannot_be_someone_elses_contact(self) -> None:
        stranger = make_contact(self.bob, "Bob's friend")
        response = self.post_contact(introduced_by=str(stranger.pk))
        self.assertContains(response, "Select a valid choice")
        self.assertFalse(Contact.objects.filter(owner=self.alice).exists())

    def test_quick_add_from_any_page(self) -> None:
        response = self.client.post(
            reverse("network:contact-quick-add"),
            {"display_name": "  Noémie   Roux ", "headline": "UI designer", "next": "/"},
        )
        contact = Contact.objects.get(owner=self.alice)
        self.assertRedirects(response, contact.get_absolute_url())
        self.assertEqual(contact.display_name, "Noémie Roux")
        self.assertEqual(contact.headline, "UI designer")


class ContactDetailTests(BaseTestCase):
    contact: Contact
    other: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.contact = make_contact(
            cls.alice,
            "Ada Lovelace",
            headline="Analyst",
            notes="**Great** <script>alert(1)</script>",
            trust_rating=5,
            trust_note="Delivered on time, twice.",
        )
        cls.other = make_contact(cls.alice, "Charles Babbage")
        ContactPoint.objects.create(contact=cls.contact, kind="url", raw="linkedin.com/in/ada")
        log_interaction(cls.alice, [cls.contact, cls.other], dt.date(2026, 2, 3), "Lunch at Soho")

    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_it_shows_who_they_are_and_the_timeline(self) -> None:
        response = self.client.get(self.contact.get_absolute_url())
        self.assertContains(response, "Ada Lovelace")
        self.assertContains(response, "Lunch at Soho")
        self.assertContains(response, "Charles Babbage")  # met together
        self.assertContains(response, "https://www.linkedin.com/in/ada")
        self.assertContains(response, "Delivered on time, twice.")

    def test_notes_are_rendered_as_markdown_without_scripts(self) -> None:
        response = self.client.get(self.contact.get_absolute_url())
        self.assertContains(response, "<strong>Great</strong>", html=False)
        self.assertNotContains(response, "<script>alert(1)</script>", html=False)

    def test_logging_an_interaction_from_the_contact_page(self) -> None:
        url = reverse("network:contact-interaction-create", args=[self.contact.pk])
        response = self.client.post(
            url,
            {
                "occurred_on": "2026-05-02",
                "kind": "call",
                "summary": "Talked about the new brief",
                "contacts": [str(self.contact.pk)],
            },
        )
        self.assertRedirects(response, self.contact.get_absolute_url())
        self.contact.refresh_from_db()
        self.assertEqual(self.contact.last_interaction_on, dt.date(2026, 5, 2))
        page = self.client.get(self.contact.get_absolute_url())
        self.assertContains(page, "Talked about the new brief")

    def test_an_interaction_in_the_future_is_refused(self) -> None:
        url = reverse("network:contact-interaction-create", args=[self.contact.pk])
        future = timezone.localdate() + dt.timedelta(days=10)
        response = self.client.post(
            url,
            {
                "occurred_on": future.isoformat(),
                "kind": "call",
                "summary": "Later",
                "contacts": [str(self.contact.pk)],
            },
        )
        self.assertContains(response, "cannot be in the future")
        self.assertFalse(Interaction.objects.filter(summary="Later").exists())

    def test_a_link_between_two_contacts(self) -> None:
        url = reverse("network:relationship-create", args=[self.contact.pk])
        response = self.client.post(url, {"kind": "introduced", "to_contact": self.other.pk})
        self.assertRedirects(response, self.contact.get_absolute_url())
        rel = Relationship.objects.get()
        self.assertEqual(
            (rel.from_contact, rel.to_contact, rel.owner), (self.contact, self.other, self.alice)
        )
        page = self.client.get(self.other.get_absolute_url())
        self.assertContains(page, "Ada Lovelace")
        again = self.client.post(url, {"kind": "introduced", "to_contact": self.other.pk})
        self.assertContains(again, "This link is already recorded.")


class ArchiveAndBinTests(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)
        self.contact = make_contact(self.alice, "Zoé Perrin")

    def test_archive_hides_from_the_active_list_and_restore_brings_back(self) -> None:
        response = self.client.post(
            reverse("network:contact-archive", args=[self.contact.pk]), follow=True
        )
        self.assertContains(response, "Zoé Perrin was archived.")
        self.assertNotContains(self.client.get(reverse("network:contact-list")), "Zoé Perrin")
        archived = self.client.get(reverse("network:contact-list"), {"status": "archived"})
        self.assertContains(archived, "Zoé Perrin")
        self.client.post(reverse("network:contact-unarchive", args=[self.contact.pk]))
        self.assertContains(self.client.get(reverse("network:contact-list")), "Zoé Perrin")

    def test_delete_moves_to_the_bin_and_keeps_everything_for_a_restore(self) -> None:
        tag = make_tag(self.alice, "mentors")
        self.contact.tags.add(tag)
        log_interaction(self.alice, [self.contact], dt.date(2026, 1, 1), "Workshop")
        self.client.post(reverse("network:contact-delete", args=[self.contact.pk]))
        self.assertEqual(self.client.get(self.contact.get_absolute_url()).status_code, 404)
        self.assertContains(self.client.get(reverse("network:bin")), "Zoé Perrin")

        self.client.post(reverse("network:bin-restore", args=[self.contact.pk]))
        page = self.client.get(self.contact.get_absolute_url())
        self.assertContains(page, "Workshop")
        self.assertContains(page, "mentors")

    def test_delete_for_good_from_the_bin(self) -> None:
        self.client.post(reverse("network:contact-delete", args=[self.contact.pk]))
        self.client.post(reverse("network:bin-purge", args=[self.contact.pk]))
        self.assertFalse(Contact.objects.filter(pk=self.contact.pk).exists())

    def test_a_live_contact_cannot_be_purged_directly(self) -> None:
        response = self.client.post(reverse("network:bin-purge", args=[self.contact.pk]))
        self.assertEqual(response.status_code, 404)
        self.assertTrue(Contact.objects.filter(pk=self.contact.pk).exists())


class ContactListTests(BaseTestCase):
    clients: Tag
    ada: Contact
    bea: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        today = timezone.localdate()
        cls.clients = make_tag(cls.alice, "clients")
        cls.ada = make_contact(cls.alice, "Ada", organisation="Analytical Engines", tie_strength=5)
        cls.ada.tags.add(cls.clients)
        cls.bea = make_contact(cls.alice, "Béatrice", organisation="La Poste", tie_strength=2)
        log_interaction(cls.alice, [cls.ada], today - dt.timedelta(days=400))
        log_interaction(cls.alice, [cls.bea], today - dt.timedelta(days=3))

    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def names(self, **params: str) -> list[str]:
        response = self.client.get(reverse("network:contact-list"), params)
        self.assertEqual(response.status_code, 200)
        return [row.contact.display_name for row in response.context["rows"]]

    def test_filters(self) -> None:
        self.assertEqual(self.names(), ["Ada", "Béatrice"])
        self.assertEqual(self.names(tag=str(self.clients.pk)), ["Ada"])
        self.assertEqual(self.names(strength="2"), ["Béatrice"])
        self.assertEqual(self.names(organisation="poste"), ["Béatrice"])
        self.assertEqual(self.names(status="due"), ["Ada"])
        self.assertEqual(self.names(status="dormant"), ["Ada"])
        self.assertEqual(self.names(q="béat"), ["Béatrice"])

    def test_sort_by_last_interaction(self) -> None:
        self.assertEqual(self.names(sort="-last"), ["Béatrice", "Ada"])
        self.assertEqual(self.names(sort="last"), ["Ada", "Béatrice"])

    def test_a_bad_filter_value_is_ignored_not_an_error(self) -> None:
        self.assertEqual(self.names(tag="not-a-number", sort="nonsense"), ["Ada", "Béatrice"])

    def test_pagination(self) -> None:
        Contact.objects.bulk_create(
            Contact(owner=self.alice, display_name=f"Person {i:03}") for i in range(120)
        )
        response = self.client.get(reverse("network:contact-list"), {"page": "3"})
        self.assertEqual(len(response.context["rows"]), 22)
        self.assertContains(response, "Page 3 of 3")


class TagTests(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_create_rename_delete(self) -> None:
        self.client.post(reverse("network:tag-list"), {"name": "  old   colleagues "})
        tag = Tag.objects.get(owner=self.alice)
        self.assertEqual(tag.name, "old colleagues")
        clash = self.client.post(reverse("network:tag-list"), {"name": "Old Colleagues"})
        self.assertContains(clash, "You already have a tag called")
        self.client.post(reverse("network:tag-edit", args=[tag.pk]), {"name": "alumni"})
        tag.refresh_from_db()
        self.assertEqual(tag.name, "alumni")
        contact = make_contact(self.alice)
        contact.tags.add(tag)
        self.client.post(reverse("network:tag-delete", args=[tag.pk]))
        self.assertFalse(Tag.objects.exists())
        self.assertTrue(Contact.objects.filter(pk=contact.pk).exists())

    def test_two_members_can_have_the_same_tag_name(self) -> None:
        make_tag(self.bob, "clients")
        response = self.client.post(reverse("network:tag-list"), {"name": "clients"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Tag.objects.filter(name="clients").count(), 2)


class ContactPhotoTests(BaseTestCase):
    PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

    def setUp(self) -> None:
        self.contact = make_contact(self.alice, "Zoé Perrin")
        ContactPhoto.objects.create(contact=self.contact, data=self.PNG, content_type="image/png")

    def test_the_owner_sees_the_picture_on_the_contact_page_and_downloads_it(self) -> None:
        self.client.force_login(self.alice)
        page = self.client.get(self.contact.get_absolute_url())
        url = reverse("network:contact-photo", args=[self.contact.pk])
        self.assertContains(page, f'src="{url}?v=')
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, self.PNG)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertIn("private", response["Cache-Control"])

    def test_nobody_else_gets_it(self) -> None:
        self.client.force_login(self.bob)
        url = reverse("network:contact-photo", args=[self.contact.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_contact_without_a_picture_shows_none(self) -> None:
        other = make_contact(self.alice, "Sans Photo")
        self.client.force_login(self.alice)
        self.assertNotContains(self.client.get(other.get_absolute_url()), "contact-photo")
        url = reverse("network:contact-photo", args=[other.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_picture_of_a_type_that_could_carry_a_script_is_never_served(self) -> None:
        ContactPhoto.objects.filter(contact=self.contact).update(content_type="image/svg+xml")
        self.client.force_login(self.alice)
        url = reverse("network:contact-photo", args=[self.contact.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
