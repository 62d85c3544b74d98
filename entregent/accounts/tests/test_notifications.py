"""The bell: an unread count in every member's header, the notifications page, marking read.
Only one's own notifications, ever."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from entregent.accounts.models import Notification, User
from entregent.test import BaseTestCase


def notify(
    user: User, title: str, url: str = "", minutes_ago: int = 0, **extra: object
) -> Notification:
    return Notification.objects.create(
        recipient=user,
        kind="tests.event",
        title=title,
        url=url,
        created_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        **extra,
    )


class BellTests(BaseTestCase):
    def test_the_bell_says_how_many_are_unread(self) -> None:
        for i in range(3):
            notify(self.alice, f"News {i}")
        notify(self.alice, "Old news", read_at=timezone.now())
        notify(self.bob, "Bob's news")
        self.client.force_login(self.alice)

        response = self.client.get(reverse("network:contact-list"))

        self.assertContains(response, 'aria-label="Notifications, 3 unread"')
        self.assertContains(response, '<span class="bell-count" aria-hidden="true">3</span>')
        self.assertContains(response, f'href="{reverse("accounts:notifications")}"')

    def test_a_quiet_bell_shows_no_count(self) -> None:
        notify(self.alice, "Read", read_at=timezone.now())
        self.client.force_login(self.alice)

        response = self.client.get(reverse("home"))

        self.assertContains(response, 'aria-label="Notifications"')
        self.assertNotContains(response, "bell-count")

    def test_the_count_costs_one_query_and_none_for_visitors(self) -> None:
        notify(self.alice, "News")
        self.client.force_login(self.alice)

        def inbox_queries() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.client.get(reverse("accounts:profile"))
            return sum('"accounts_notification"' in q["sql"] for q in queries)

        self.assertEqual(inbox_queries(), 1)
        self.client.logout()
        self.assertEqual(inbox_queries(), 0)
        response = self.client.get(reverse("home"))
        self.assertNotContains(response, "Notifications")


class NotificationPageTests(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_visitors_are_sent_to_log_in(self) -> None:
        self.client.logout()
        for name in ("accounts:notifications", "accounts:notifications-read"):
            response = self.client.get(reverse(name))
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(reverse("account_login")))

    def test_it_lists_ones_own_newest_first_unread_marked(self) -> None:
        notify(self.alice, "Your weekly digest was sent", url="/network/tend/", minutes_ago=5)
        notify(self.alice, "Something newer", body="With a few words.")
        notify(self.alice, "Long read", minutes_ago=60, read_at=timezone.now())
        notify(self.bob, "Bob's private news")

        response = self.client.get(reverse("accounts:notifications"))

        html = response.content.decode()
        self.assertLess(html.index("Something newer"), html.index("Your weekly digest was sent"))
        self.assertLess(html.index("Your weekly digest was sent"), html.index("Long read"))
        self.assertIn("With a few words.", html)
        self.assertEqual(html.count('class="card unread"'), 2)
        self.assertNotIn("Bob's private news", html)
        self.assertContains(response, "Mark all as read")

    def test_mark_all_as_read(self) -> None:
        for i in range(2):
            notify(self.alice, f"News {i}")
        bobs = notify(self.bob, "Bob's news")

        response = self.client.post(reverse("accounts:notifications-read"))

        self.assertRedirects(response, reverse("accounts:notifications"))
        self.assertFalse(Notification.objects.filter(recipient=self.alice).unread().exists())
        bobs.refresh_from_db()
        self.assertIsNone(bobs.read_at)
        page = self.client.get(reverse("accounts:notifications"))
        self.assertNotContains(page, "Mark all as read")
        self.assertNotContains(page, "bell-count")

    def test_marking_read_needs_a_post(self) -> None:
        notify(self.alice, "News")
        self.assertEqual(self.client.get(reverse("accounts:notifications-read")).status_code, 405)
        self.assertTrue(Notification.objects.unread().exists())

    def test_opening_one_marks_it_read_and_follows_its_link(self) -> None:
        notification = notify(self.alice, "Digest sent", url=reverse("goals:tend"))
        other = notify(self.alice, "Still unread")

        response = self.client.get(reverse("accounts:notification-open", args=[notification.pk]))

        self.assertRedirects(response, reverse("goals:tend"), fetch_redirect_response=False)
        notification.refresh_from_db()
        other.refresh_from_db()
        self.assertIsNotNone(notification.read_at)
        self.assertIsNone(other.read_at)

    def test_a_link_to_another_site_is_never_followed(self) -> None:
        notification = notify(self.alice, "Odd", url="https://evil.example/phish")

        response = self.client.get(reverse("accounts:notification-open", args=[notification.pk]))

        self.assertRedirects(response, reverse("accounts:notifications"))

    def test_nobody_opens_someone_elses(self) -> None:
        bobs = notify(self.bob, "Bob's news", url="/network/")

        response = self.client.get(reverse("accounts:notification-open", args=[bobs.pk]))

        self.assertEqual(response.status_code, 404)
        bobs.refresh_from_db()
        self.assertIsNone(bobs.read_at)

    def test_many_notifications_are_paginated(self) -> None:
        Notification.objects.bulk_create(
            Notification(recipient=self.alice, kind="tests.event", title=f"Item {i:03}")
            for i in range(45)
        )
        first = self.client.get(reverse("accounts:notifications"))
        second = self.client.get(reverse("accounts:notifications"), {"page": 2})
        self.assertContains(first, "Page 1 of 2")
        self.assertEqual(first.content.decode().count('class="card unread"'), 30)
        self.assertEqual(second.content.decode().count('class="card unread"'), 15)
