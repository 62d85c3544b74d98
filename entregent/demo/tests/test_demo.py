"""`manage.py demo`: the accounts a newcomer logs in with after `make run`, and their networks."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import time_machine
from django.core.management import call_command
from django.db.models import Count, Max, Min, Q
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from entregent.accounts.models import User
from entregent.demo.loader import DEMO_EMAILS, PASSWORD
from entregent.demo.method import LIGHT_EMAILS
from entregent.lib.dates import months_before
from entregent.network.models import (
    Cadence,
    Contact,
    ContactPoint,
    Interaction,
    Relationship,
    Tag,
)
from entregent.network.search import search
from entregent.test import make_user

CAMILLE = "camille@demo.entregent.org"
SAM = "sam@demo.entregent.org"
MEMBERS = (CAMILLE, SAM)

# How each network describes its graphic designers: a headline, a job title or only the notes.
DESIGNERS = {
    CAMILLE: (
        "graphiste",
        "UI designer",
        "directrice artistique",
        "infographiste 3D",
        "designer graphique",
        "illustratrice",
    ),
    SAM: ("Graphic designer", "UX/UI Designer", "art director", "illustrator", "graphiste"),
}


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def snapshot(email: str) -> dict[str, list[Any]]:
    """What a member sees of their network, in a stable order."""
    user = User.objects.get(email=email)
    contacts = Contact.objects.filter(owner=user).order_by("display_name", "created_at")
    return {
        "contacts": list(
            contacts.values_list(
                "display_name",
                "headline",
                "job_title",
                "tie_strength",
                "cadence",
                "last_interaction_on",
                "created_at",
                "introduced_by__display_name",
            )
        ),
        "points": sorted(
            ContactPoint.objects.filter(contact__owner=user).values_list("kind", "value")
        ),
        "interactions": sorted(
            Interaction.objects.filter(owner=user)
            .annotate(people=Count("contacts"))
            .values_list("occurred_on", "kind", "summary", "people")
        ),
        "tags": sorted(Tag.objects.filter(owner=user).values_list("name", flat=True)),
    }


class DemoCommandTests(TestCase):
    summary: dict[str, Any]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.summary = json.loads(run_demo("--json"))

    def network(self, email: str) -> Any:
        return Contact.objects.owned_by(User.objects.get(email=email))

    def test_it_creates_the_demo_accounts_that_log_in_with_the_demo_password(self) -> None:
        self.assertEqual(
            sorted(User.objects.values_list("email", flat=True)),
            sorted(DEMO_EMAILS + LIGHT_EMAILS),
        )
        for email in DEMO_EMAILS:
            with self.subTest(email=email):
                self.assertTrue(self.client.login(email=email, password=PASSWORD))
                self.client.logout()

    def test_the_login_page_lets_them_in_despite_mandatory_email_verification(self) -> None:
        response = self.client.post(
            reverse("account_login"), {"login": CAMILLE, "password": PASSWORD}
        )

        self.assertRedirects(response, "/", fetch_redirect_response=False)
        camille = User.objects.get(email=CAMILLE)
        self.assertEqual(self.client.session["_auth_user_id"], str(camille.pk))

    def test_the_admin_is_a_superuser_and_the_members_are_not(self) -> None:
        admin = User.objects.get(email="admin@demo.entregent.org")
        self.assertTrue(admin.is_superuser and admin.is_staff)
        members = User.objects.exclude(pk=admin.pk)
        self.assertFalse(members.filter(Q(is_staff=True) | Q(is_superuser=True)).exists())

    def test_camille_is_french_and_sam_english(self) -> None:
        camille, sam = User.objects.get(email=CAMILLE), User.objects.get(email=SAM)
        self.assertEqual((camille.language, camille.time_zone), ("fr", "Europe/Paris"))
        self.assertEqual((sam.language, sam.time_zone), ("en", "Europe/London"))
        facilitator = User.objects.get(email="facilitator@demo.entregent.org")
        self.assertEqual(facilitator.display_name, "Fatou Ndiaye")

    def test_each_member_has_a_network_of_at_least_300_contacts(self) -> None:
        for email in MEMBERS:
            with self.subTest(email=email):
                self.assertGreaterEqual(self.network(email).count(), 300)

    def test_the_facilitator_has_a_few_contacts_and_the_admin_none(self) -> None:
        self.assertTrue(1 <= self.network("facilitator@demo.entregent.org").count() <= 10)
        self.assertEqual(self.network("admin@demo.entregent.org").count(), 0)

    def test_interactions_span_the_last_two_years_and_use_every_kind(self) -> None:
        today = timezone.localdate()
        for email in MEMBERS:
            with self.subTest(email=email):
                interactions = Interaction.objects.filter(owner__email=email)
                span = interactions.aggregate(first=Min("occurred_on"), last=Max("occurred_on"))
                self.assertLessEqual(span["last"], today)
                self.assertGreater(span["last"], today - dt.timedelta(days=14))
                self.assertGreaterEqual(span["first"], today - dt.timedelta(days=731))
                self.assertLess(span["first"], today - dt.timedelta(days=700))
                kinds = set(interactions.values_list("kind", flat=True))
                self.assertEqual(kinds, set(Interaction.Kind.values))

    def test_some_interactions_involve_several_contacts_and_some_have_notes(self) -> None:
        for email in MEMBERS:
            with self.subTest(email=email):
                interactions = Interaction.objects.filter(owner__email=email)
                shared = interactions.annotate(people=Count("contacts")).filter(people__gt=1)
                self.assertGreater(shared.count(), 20)
                self.assertGreater(interactions.exclude(notes="").count(), 50)

    def test_each_member_has_contacts_due_and_dormant_but_most_strong_ties_are_recent(
        self,
    ) -> None:
        for email in MEMBERS:
            with self.subTest(email=email):
                network = self.network(email)
                due, dormant = network.due().count(), network.dormant().count()
                self.assertGreater(dormant, 10)
                self.assertGreater(due, dormant)
                self.assertLess(due, network.count() / 2)
                strong = network.active().filter(tie_strength__gte=4)
                self.assertGreater(strong.count(), 30)
                self.assertLess(strong.due().count(), strong.count() / 2)

    def test_last_interaction_dates_match_the_interactions(self) -> None:
        for email in MEMBERS:
            with self.subTest(email=email):
                network = self.network(email).annotate(latest=Max("interactions__occurred_on"))
                pairs = list(network.values_list("last_interaction_on", "latest"))
                self.assertEqual([last for last, _ in pairs], [latest for _, latest in pairs])

    def test_the_graphic_designers_are_found_whatever_the_words(self) -> None:
        for email, phrases in DESIGNERS.items():
            network = self.network(email)
            for phrase in phrases:
                with self.subTest(email=email, phrase=phrase):
                    matches = network.filter(
                        Q(headline__icontains=phrase)
                        | Q(job_title__icontains=phrase)
                        | Q(notes__icontains=phrase)
                    )
                    self.assertTrue(matches.exists())

    def test_asking_the_network_for_a_graphic_designer_finds_them(self) -> None:
        expected = {
            (CAMILLE, "graphiste"): {"Hélène Marchand", "Karim Benali", "Aurélie Lemoine"},
            (SAM, "graphic designer"): {"Priya Shah", "Ben Carter", "Julien Moreau"},
        }
        for (email, text), names in expected.items():
            with self.subTest(email=email, text=text):
                results = search(User.objects.get(email=email), text, limit=50)
                self.assertLessEqual(names, {hit.contact.display_name for hit in results.hits})

    def test_one_designer_is_only_described_in_the_notes(self) -> None:
        network = self.network(CAMILLE)
        hidden = network.filter(notes__icontains="designer graphique")
        self.assertTrue(hidden.exclude(headline__icontains="design").exists())

    def test_contacts_are_rich_but_not_uniform(self) -> None:
        for email in MEMBERS:
            with self.subTest(email=email):
                network = self.network(email)
                total = network.count()
                for field in ("headline", "job_title", "met_story", "notes", "trust_note"):
                    filled = network.exclude(**{field: ""}).count()
                    self.assertTrue(0 < filled < total, field)
                self.assertTrue(network.filter(tie_strength__isnull=True).exists())
                self.assertEqual(
                    set(network.values_list("tie_strength", flat=True)), {None, 1, 2, 3, 4, 5}
                )
                self.assertTrue(network.filter(trust_noted_on__isnull=False).exists())
                self.assertTrue(
                    network.filter(birthday_year__isnull=True, birthday_day__gt=0).exists()
                )
                self.assertTrue(network.filter(birthday_year__gt=1900).exists())
                self.assertTrue(network.exclude(introduced_by=None).exists())
                self.assertTrue(network.archived().exists())
                self.assertTrue(network.filter(cadence=Cadence.NEVER).exists())
                self.assertTrue(network.filter(cadence=Cadence.MONTHLY).exists())
                self.assertGreaterEqual(Tag.objects.filter(owner__email=email).count(), 8)
                kinds = Relationship.objects.filter(owner__email=email).values_list("kind")
                self.assertEqual({k for (k,) in kinds}, set(Relationship.Kind.values))

    def test_camille_network_speaks_french_with_its_accents(self) -> None:
        network = self.network(CAMILLE)
        self.assertTrue(network.filter(given_name__in=["Hélène", "Stéphane", "Noémie"]).exists())
        self.assertTrue(
            network.filter(organisation__in=["Société Générale", "BNP Paribas"]).exists()
        )
        self.assertTrue(
            Tag.objects.filter(owner__email=CAMILLE, name="anciens collègues").exists()
        )
        summaries = Interaction.objects.filter(owner__email=CAMILLE).values_list(
            "summary", flat=True
        )
        self.assertIn("Café pour parler de sa reconversion", summaries)

    def test_contact_points_are_stored_normalised(self) -> None:
        for email in MEMBERS:
            with self.subTest(email=email):
                points = ContactPoint.objects.filter(contact__owner__email=email)
                self.assertEqual(
                    set(points.values_list("kind", flat=True)), set(ContactPoint.Kind.values)
                )
                phones = points.filter(kind="phone")
                self.assertGreater(phones.count(), 100)
                self.assertFalse(phones.exclude(value__regex=r"^\+[1-9][0-9]{6,14}$").exists())
                # Typed in several national formats, stored in one.
                self.assertGreater(phones.values("raw").count(), phones.count() // 2)
                self.assertTrue(phones.filter(raw__startswith="0").exists() or email == SAM)
                for point in points.filter(kind="email"):
                    self.assertEqual(point.value, point.raw.lower())
                linkedin = points.filter(kind="linkedin")
                self.assertFalse(
                    linkedin.exclude(value__startswith="https://www.linkedin.com/in/").exists()
                )

    def test_running_it_again_gives_the_same_networks(self) -> None:
        before = {email: snapshot(email) for email in MEMBERS}
        users_before = dict(User.objects.values_list("email", "pk"))

        summary = json.loads(run_demo("--json"))

        self.assertEqual(summary["members"], self.summary["members"])
        self.assertEqual(dict(User.objects.values_list("email", "pk")), users_before)
        for email in MEMBERS:
            with self.subTest(email=email):
                self.assertEqual(snapshot(email), before[email])

    def test_running_it_again_leaves_other_members_alone(self) -> None:
        alice = make_user("alice@example.org", "Alice")
        Contact.objects.create(owner=alice, display_name="Ada Lovelace")

        run_demo()

        self.assertEqual(Contact.objects.filter(owner=alice).count(), 1)

    def test_if_empty_does_nothing_once_there_are_users(self) -> None:
        before = snapshot(CAMILLE)
        Contact.objects.filter(owner__email=CAMILLE).delete()

        output = run_demo("--if-empty")

        self.assertIn("skipped", output)
        self.assertEqual(self.network(CAMILLE).count(), 0)
        self.assertNotEqual(before["contacts"], [])

    def test_the_summary_says_what_each_member_got(self) -> None:
        by_email = {m["email"]: m for m in self.summary["members"]}
        self.assertEqual(set(by_email), set(DEMO_EMAILS))
        camille = by_email[CAMILLE]
        self.assertEqual(camille["contacts"], self.network(CAMILLE).count())
        self.assertEqual(camille["due"], self.network(CAMILLE).due().count())
        self.assertFalse(self.summary["skipped"])


class DemoOnAnEmptyDatabaseTests(TestCase):
    def test_if_empty_fills_an_empty_database(self) -> None:
        output = run_demo("--if-empty", "--contacts", "40")

        self.assertIn("Demo data ready", output)
        self.assertEqual(User.objects.count(), len(DEMO_EMAILS + LIGHT_EMAILS))
        self.assertEqual(Contact.objects.filter(owner__email=SAM).count(), 40)

    def test_a_dry_run_writes_nothing(self) -> None:
        summary = json.loads(run_demo("--dry-run", "--json", "--contacts", "40"))

        self.assertTrue(summary["dry_run"])
        self.assertEqual({m["email"]: m["contacts"] for m in summary["members"]}[CAMILLE], 40)
        self.assertFalse(User.objects.exists())

    def test_a_network_is_the_same_for_the_same_day_and_seed(self) -> None:
        run_demo("--contacts", "40", "--seed", "one")
        first = snapshot(SAM)
        run_demo("--contacts", "40", "--seed", "two")
        second = snapshot(SAM)
        run_demo("--contacts", "40", "--seed", "one")

        self.assertEqual(snapshot(SAM), first)
        self.assertNotEqual(second, first)

    def test_dates_are_relative_to_today(self) -> None:
        with time_machine.travel(dt.datetime(2031, 3, 15, 12, tzinfo=dt.UTC), tick=False):
            run_demo("--contacts", "40")

        span = Interaction.objects.filter(owner__email=SAM).aggregate(
            first=Min("occurred_on"), last=Max("occurred_on")
        )
        self.assertLessEqual(span["last"], dt.date(2031, 3, 15))
        self.assertGreaterEqual(span["last"], months_before(dt.date(2031, 3, 15), 1))
        self.assertGreaterEqual(span["first"], dt.date(2029, 3, 15))
