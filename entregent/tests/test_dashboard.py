"""The dashboard and the pages every visitor may stumble on."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from entregent.accounts.models import User
from entregent.network.tests.factories import log_interaction, make_contact
from entregent.scheduler.models import JobState
from entregent.test import BaseTestCase


class DashboardTests(BaseTestCase):
    def test_a_member_sees_whom_to_call_closest_ties_first(self) -> None:
        long_ago = timezone.localdate() - dt.timedelta(days=800)
        close = make_contact(self.alice, "Zoé Close", tie_strength=5)
        distant = make_contact(self.alice, "Aaron Distant", tie_strength=1)
        log_interaction(self.alice, [close, distant], long_ago)
        self.client.force_login(self.alice)
        response = self.client.get(reverse("home"))
        due = [c.display_name for c in response.context["due"]]
        self.assertEqual(due, ["Zoé Close", "Aaron Distant"])
        self.assertEqual(response.context["due_count"], 2)

    def test_members_see_whether_reminders_run_not_the_job_table(self) -> None:
        JobState.objects.create(name="network.empty_bin", consecutive_failures=2)
        self.client.force_login(self.alice)
        response = self.client.get(reverse("home"))
        self.assertContains(response, "Background jobs")
        self.assertContains(response, "1 background job failed at its last run.")
        self.assertNotContains(response, "network.empty_bin")

    def test_operators_see_the_job_table(self) -> None:
        operator = User.objects.create_superuser("ops@example.org", "x")
        self.client.force_login(operator)
        self.assertContains(self.client.get(reverse("home")), "network.empty_bin")

    def test_a_visitor_gets_the_presentation(self) -> None:
        response = self.client.get(reverse("home"))
        self.assertContains(response, reverse("account_signup"))


class ErrorPageTests(BaseTestCase):
    def test_not_found_keeps_the_site_layout(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get("/network/contacts/999999/")
        self.assertContains(response, "Page not found", status_code=404)
        self.assertContains(response, 'class="site-header"', status_code=404)
