"""The follow-ups calendar feed, /calendar/<secret>.ics: valid iCalendar (read back with the
icalendar library), only the secret's owner's follow-ups, 404 for any other secret."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from entregent.accounts.models import User
from entregent.goals.views_reminders import FEED_MAX_EVENTS
from entregent.network.models import Contact
from entregent.network.tests.factories import log_interaction, make_contact
from entregent.privacy import SECRET_LINK_ROUTES
from entregent.test import BaseTestCase

# Noon in Paris on Monday 8 June 2026.
NOW = dt.datetime(2026, 6, 8, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 8)


def schedule(contact: Contact, due_on: dt.date | None, dormant_on: dt.date | None) -> None:
    # Set as the cadence rules would have (they are tested with the network).
    Contact.objects.filter(pk=contact.pk).update(due_on=due_on, dormant_on=dormant_on)


@time_machine.travel(NOW, tick=False)
@override_settings(SITE_URL="https://entregent.example")
class CalendarFeedTests(BaseTestCase):
    overdue: Contact
    soon: Contact
    snoozed: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.overdue = make_contact(
            cls.alice, "Olga Overdue", headline="printer", met_story="At the  Lyon\nfair."
        )
        log_interaction(cls.alice, [cls.overdue], dt.date(2025, 12, 1), "Quote for flyers")
        schedule(cls.overdue, dt.date(2026, 3, 1), dt.date(2026, 6, 2))
        cls.soon = make_contact(cls.alice, "Sonia Soon")
        schedule(cls.soon, dt.date(2026, 7, 14), dt.date(2026, 10, 15))
        cls.snoozed = make_contact(cls.alice, "Simon Snoozed", snoozed_until=dt.date(2026, 6, 20))
        schedule(cls.snoozed, dt.date(2026, 6, 1), dt.date(2026, 9, 2))
        for name, extra in (
            ("Never Nadia", {}),  # cadence "never": no due date
            ("Archived Arnaud", {"archived_at": NOW}),
            ("Binned Bernard", {"deleted_at": NOW}),
        ):
            contact = make_contact(cls.alice, name, **extra)
            schedule(contact, None if name == "Never Nadia" else TODAY, None)
        far = make_contact(cls.alice, "Faraway Fanny")
        schedule(far, dt.date(2027, 8, 1), dt.date(2028, 8, 1))
        bobs = make_contact(cls.bob, "Bob's Bruno")
        schedule(bobs, TODAY, None)

    def feed(self, user: User | None = None, secret: str | None = None) -> Any:
        if secret is None:
            assert user is not None
            user.refresh_from_db()
            secret = user.calendar_secret
        return self.client.get(reverse("calendar:feed", args=[secret]))

    def events(self, response: Any) -> dict[str, Any]:
        calendar = Calendar.from_ical(response.content)
        return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}

    def test_it_is_valid_icalendar_with_one_all_day_event_per_follow_up(self) -> None:
        response = self.feed(self.alice)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        self.assertEqual(response["Cache-Control"], "private, no-store")
        calendar = Calendar.from_ical(response.content)
        self.assertEqual(str(calendar["X-WR-CALNAME"]), "entregent: follow-ups")
        self.assertEqual(str(calendar["VERSION"]), "2.0")
        events = self.events(response)
        self.assertEqual(
            sorted(events),
            [
                "Get back in touch with Olga Overdue",
                "Get back in touch with Simon Snoozed",
                "Get back in touch with Sonia Soon",
            ],
        )
        for event in events.values():
            start, end = event.decoded("DTSTART"), event.decoded("DTEND")
            self.assertIsInstance(start, dt.date)
            self.assertNotIsInstance(start, dt.datetime)  # all day
            self.assertEqual(end - start, dt.timedelta(days=1))
            self.assertEqual(event.decoded("DTSTAMP"), NOW)

    def test_each_event_is_on_the_day_it_is_due_or_today_when_overdue(self) -> None:
        events = self.events(self.feed(self.alice))

        def day(name: str) -> dt.date:
            start: dt.date = events[f"Get back in touch with {name}"].decoded("DTSTART")
            return start

        self.assertEqual(day("Olga Overdue"), TODAY)
        self.assertEqual(day("Sonia Soon"), dt.date(2026, 7, 14))
        # Snoozed: back on the day the snooze ends.
        self.assertEqual(day("Simon Snoozed"), dt.date(2026, 6, 20))

    def test_an_event_says_why_and_links_to_the_contact(self) -> None:
        event = self.events(self.feed(self.alice))["Get back in touch with Olga Overdue"]

        self.assertEqual(
            str(event["DESCRIPTION"]),
            "Drifting away: dormant since June 2, 2026.\n"
            "Last interaction: Dec. 1, 2025.\n"
            "What they do: printer\n"
            "How you met: At the Lyon fair.",
        )
        self.assertEqual(
            str(event["URL"]), f"https://entregent.example/network/contacts/{self.overdue.pk}/"
        )

    def test_uids_are_stable_per_contact_and_due_date(self) -> None:
        first = {str(e["UID"]) for e in self.events(self.feed(self.alice)).values()}
        with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
            second = {str(e["UID"]) for e in self.events(self.feed(self.alice)).values()}
        self.assertEqual(first, second)
        self.assertIn(f"follow-up-{self.overdue.pk}-20260301@entregent.example", first)
        # Once in touch again, the contact is due on another day: a new event.
        schedule(self.overdue, dt.date(2026, 12, 8), dt.date(2027, 6, 8))
        third = {str(e["UID"]) for e in self.events(self.feed(self.alice)).values()}
        self.assertIn(f"follow-up-{self.overdue.pk}-20261208@entregent.example", third)

    def test_it_holds_only_the_secrets_owners_contacts(self) -> None:
        alices = self.feed(self.alice).content.decode()
        bobs = self.feed(self.bob).content.decode()

        self.assertNotIn("Bruno", alices)
        self.assertIn("Bob's Bruno", bobs)
        for name in ("Olga", "Sonia", "Simon"):
            self.assertNotIn(name, bobs)

    def test_a_wrong_secret_answers_404(self) -> None:
        self.alice.refresh_from_db()
        for secret in ("nope", self.alice.calendar_secret[:-1], self.alice.calendar_secret + "x"):
            self.assertEqual(self.feed(secret=secret).status_code, 404, secret)

    def test_a_new_secret_makes_the_old_address_404(self) -> None:
        self.alice.refresh_from_db()
        old = self.alice.calendar_secret
        self.client.force_login(self.alice)
        self.client.post(reverse("accounts:calendar-secret"))
        self.client.logout()

        self.assertEqual(self.feed(secret=old).status_code, 404)
        response = self.feed(self.alice)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Olga Overdue", response.content.decode())

    def test_a_deactivated_members_feed_is_gone(self) -> None:
        User.objects.filter(pk=self.alice.pk).update(is_active=False)
        self.assertEqual(self.feed(self.alice).status_code, 404)

    def test_it_only_reads(self) -> None:
        self.alice.refresh_from_db()
        url = reverse("calendar:feed", args=[self.alice.calendar_secret])
        self.assertEqual(self.client.post(url).status_code, 405)

    def test_it_is_a_secret_link_route(self) -> None:
        self.assertIn("calendar:feed", SECRET_LINK_ROUTES)
        self.assertEqual(self.feed(self.alice).status_code, 200)  # no login

    def test_it_is_written_in_the_members_language(self) -> None:
        User.objects.filter(pk=self.alice.pk).update(language="fr")
        response = self.feed(self.alice)
        self.assertEqual(response.status_code, 200)
        # The French catalogue decides the words; the feed must not fall back to the site's.
        with translation.override("fr"):
            expected = translation.gettext("Get back in touch with %(name)s") % {
                "name": "Olga Overdue"
            }
        self.assertIn(expected, self.events(response))

    def test_its_size_is_bounded_and_its_queries_do_not_grow(self) -> None:
        with self.assertNumQueries(2):
            self.feed(secret=self.alice.calendar_secret)
        Contact.objects.bulk_create(
            Contact(owner=self.alice, display_name=f"Many {i}", due_on=TODAY)
            for i in range(FEED_MAX_EVENTS + 10)
        )
        with self.assertNumQueries(2):
            response = self.feed(secret=self.alice.calendar_secret)
        self.assertEqual(len(self.events(response)), FEED_MAX_EVENTS)
