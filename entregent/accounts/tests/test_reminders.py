"""Reminder settings: the weekly digest's day, time and switch; the calendar feed's address
and its regeneration."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import override_settings
from django.urls import reverse

from entregent.accounts.models import User, Weekday
from entregent.test import BaseTestCase


def _settings(**changes: str | None) -> dict[str, str]:
    data: dict[str, str | None] = {
        "digest_enabled": "on",
        "digest_weekday": "0",
        "digest_time": "08:00",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@override_settings(SITE_URL="https://entregent.example")
class ReminderSettingsTests(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_visitors_are_sent_to_log_in(self) -> None:
        self.client.logout()
        response = self.client.get(reverse("accounts:reminders"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("account_login")))

    def test_the_settings_pages_link_to_it(self) -> None:
        response = self.client.get(reverse("accounts:profile"))
        self.assertContains(response, f'href="{reverse("accounts:reminders")}"')

    def test_choosing_a_day_and_a_time(self) -> None:
        response = self.client.post(
            reverse("accounts:reminders"), _settings(digest_weekday="4", digest_time="17:30")
        )

        self.assertRedirects(
            response, reverse("accounts:reminders"), fetch_redirect_response=False
        )
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.digest_enabled)
        self.assertEqual(self.alice.digest_weekday, Weekday.FRIDAY)
        self.assertEqual(self.alice.digest_time, dt.time(17, 30))
        page = self.client.get(reverse("accounts:reminders"))
        self.assertContains(page, "Your reminder settings are saved.")
        self.assertContains(page, 'value="17:30"')

    @time_machine.travel(dt.datetime(2026, 6, 8, 7, 0, tzinfo=dt.UTC), tick=False)
    def test_it_says_when_the_next_digest_leaves_in_the_members_time_zone(self) -> None:
        User.objects.filter(pk=self.alice.pk).update(time_zone="America/New_York")

        response = self.client.get(reverse("accounts:reminders"))

        # Monday 8 June, 07:00 UTC is 03:00 in New York: today at 08:00 is still to come.
        self.assertContains(response, "Your next digest: <strong>Monday 8 June, 08:00</strong>.")
        self.assertContains(response, "America/New_York")

    def test_switching_it_off(self) -> None:
        self.client.post(reverse("accounts:reminders"), _settings(digest_enabled=None))

        self.alice.refresh_from_db()
        self.assertFalse(self.alice.digest_enabled)
        page = self.client.get(reverse("accounts:reminders"))
        self.assertContains(page, "The digest is switched off")
        self.assertNotContains(page, "Your next digest")

    def test_a_wrong_time_or_day_is_refused_where_it_is(self) -> None:
        response = self.client.post(
            reverse("accounts:reminders"), _settings(digest_time="25:00", digest_weekday="9")
        )

        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertIn("digest_time", form.errors)
        self.assertIn("digest_weekday", form.errors)
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.digest_time, dt.time(8, 0))

    def test_seconds_are_dropped(self) -> None:
        self.client.post(reverse("accounts:reminders"), _settings(digest_time="08:15:42"))
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.digest_time, dt.time(8, 15))

    def test_it_shows_the_calendar_feeds_absolute_address(self) -> None:
        self.alice.refresh_from_db()
        path = reverse("calendar:feed", args=[self.alice.calendar_secret])

        response = self.client.get(reverse("accounts:reminders"))

        self.assertContains(response, f'value="https://entregent.example{path}"')
        self.assertContains(response, f'href="webcal://entregent.example{path}"')

    def test_a_new_address_replaces_the_old_one(self) -> None:
        self.alice.refresh_from_db()
        old = self.alice.calendar_secret

        response = self.client.post(reverse("accounts:calendar-secret"), follow=True)

        self.alice.refresh_from_db()
        self.assertNotEqual(self.alice.calendar_secret, old)
        self.assertGreaterEqual(len(self.alice.calendar_secret), 32)
        self.assertContains(response, "the old one no longer works")
        self.assertContains(response, self.alice.calendar_secret)
        self.assertNotContains(response, old)

    def test_a_new_address_needs_a_post_by_its_owner(self) -> None:
        self.alice.refresh_from_db()
        old = self.alice.calendar_secret
        self.assertEqual(self.client.get(reverse("accounts:calendar-secret")).status_code, 405)
        self.client.force_login(self.bob)
        self.client.post(reverse("accounts:calendar-secret"))
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.calendar_secret, old)
