"""A facilitator takes a method from nothing to a step open for feedback through the pages:
the method, its team, a step, its versions, their dates in the facilitator's own time zone,
the lifecycle's messages, the differences between versions, link previews and share links."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entregent.accounts.models import Notification, User
from entregent.method.models import Method, MethodRole, Step, StepVersion, Subscription
from entregent.method.tests.factories import make_method, make_version, subscribe
from entregent.test import BaseTestCase

State = StepVersion.State
# Monday 30 November 2026, 10:00 UTC.
NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)


def travel(moment: dt.datetime = NOW) -> Any:
    return time_machine.travel(moment, tick=False)


def transition(method: Method, step: int, version: int, action: str) -> str:
    return reverse("methods:version-transition", args=[method.slug, step, version, action])


VERSION_DATA = {
    "title": "Faire l'inventaire de son réseau",
    "reasoning": "On ne peut pas entretenir ce qu'on ne connaît pas.",
    "recommendation": "Listez **toutes** les personnes que vous connaissez.",
    "checklist_text": "- Exporter ses contacts\n\n2. Importer le fichier\n  Noter 20 métiers  \n",
    "expected_kind": "reactivation",
    "expected_count": "2",
    "expected_share": "60",
    "expected_window_days": "30",
    "expectation_text": "",
}


class MethodPagesTests(BaseTestCase):
    def test_staff_create_a_method_and_become_its_facilitator(self) -> None:
        User.objects.filter(pk=self.facilitator.pk).update(is_staff=True)
        self.client.force_login(self.facilitator)
        self.assertContains(self.client.get(reverse("methods:list")), reverse("methods:new"))
        response = self.client.post(
            reverse("methods:new"),
            {
                "title": "Développer son réseau",
                "slug": "",
                "description": "Pas à pas.",
                "language": "fr",
                "visibility": "public",
            },
            follow=True,
        )
        method = Method.objects.get()
        self.assertEqual(method.slug, "developper-son-reseau")
        self.assertTrue(method.is_facilitator(self.facilitator))
        self.assertRedirects(response, method.get_absolute_url())
        self.assertContains(response, "is created")

    def test_the_add_method_permission_also_lets_a_member_create_one(self) -> None:
        self.bob.user_permissions.add(Permission.objects.get(codename="add_method"))
        self.client.force_login(self.bob)
        self.assertContains(self.client.get(reverse("methods:list")), reverse("methods:new"))
        self.assertEqual(self.client.get(reverse("methods:new")).status_code, 200)

    def test_a_member_sees_no_new_method_button(self) -> None:
        self.client.force_login(self.alice)
        self.assertNotContains(self.client.get(reverse("methods:list")), reverse("methods:new"))

    def test_new_is_not_a_method_name(self) -> None:
        User.objects.filter(pk=self.facilitator.pk).update(is_staff=True)
        self.client.force_login(self.facilitator)
        data = {"title": "New", "slug": "new", "language": "en", "visibility": "public"}
        response = self.client.post(reverse("methods:new"), data)
        self.assertContains(response, "is reserved")
        self.assertFalse(Method.objects.exists())

    def test_the_list_shows_members_only_methods_to_members_only(self) -> None:
        make_method(self.facilitator, slug="public-one", title="Public one")
        make_method(
            self.facilitator,
            slug="inner",
            title="Inner circle",
            visibility=Method.Visibility.MEMBERS,
        )
        visitor = self.client.get(reverse("methods:list"))
        self.assertContains(visitor, "Public one")
        self.assertNotContains(visitor, "Inner circle")
        self.client.force_login(self.bob)
        self.assertContains(self.client.get(reverse("methods:list")), "Inner circle")

    def test_the_method_page_lists_the_steps_a_reader_may_see_in_order(self) -> None:
        method = make_method(self.facilitator)
        make_version(method, 1, state=State.VALIDATED, title="Inventaire")
        make_version(method, 1, 2, state=State.OPEN, title="Inventaire par cercles")
        make_version(method, 2, state=State.SCHEDULED, title="Reprendre contact")
        make_version(method, 3, state=State.DRAFT, title="Brouillon secret")
        page = self.client.get(method.get_absolute_url()).content.decode()
        # Step 1 under its validated version, with its second version in discussion below.
        self.assertLess(page.index("Inventaire"), page.index("Open for feedback"))
        self.assertIn(reverse("methods:version", args=[method.slug, 1, 2]), page)
        self.assertNotIn("Reprendre contact", page)
        self.assertNotIn("Brouillon secret", page)
        # The scheduled step is announced by its number and date, without its text or a link.
        self.assertIn("Step 2", page)
        self.assertIn("to be published on", page)
        self.assertNotIn(reverse("methods:step", args=[method.slug, 2]), page)
        self.assertNotIn("Step 3", page)
        self.client.force_login(self.facilitator)
        page = self.client.get(method.get_absolute_url()).content.decode()
        self.assertLess(page.index("Reprendre contact"), page.index("Brouillon secret"))
        self.assertIn(reverse("methods:step-new", args=[method.slug]), page)

    def test_the_method_page_reads_as_many_queries_with_one_step_or_six(self) -> None:
        method = make_method(self.facilitator, moderator=self.moderator)
        make_version(method, 1, state=State.OPEN)
        self.client.force_login(self.alice)
        with CaptureQueriesContext(connection) as one:
            self.client.get(method.get_absolute_url())
        for number in range(2, 7):
            make_version(method, number, state=State.VALIDATED)
            make_version(method, number, 2, state=State.OPEN)
        with CaptureQueriesContext(connection) as six:
            response = self.client.get(method.get_absolute_url())
        self.assertContains(response, reverse("methods:step", args=[method.slug, 6]))
        self.assertEqual(len(six), len(one))

    def test_members_subscribe_and_unsubscribe(self) -> None:
        method = make_method(self.facilitator)
        url = reverse("methods:subscribe", args=[method.slug])
        self.client.force_login(self.alice)
        response = self.client.post(url, follow=True)
        self.assertContains(response, "Subscribed")
        self.assertContains(response, "Unsubscribe")
        self.assertTrue(Subscription.objects.filter(method=method, user=self.alice).exists())
        self.client.post(url)
        self.assertFalse(Subscription.objects.filter(method=method, user=self.alice).exists())


class TeamTests(BaseTestCase):
    def setUp(self) -> None:
        self.method = make_method(self.facilitator)
        self.url = reverse("methods:edit", args=[self.method.slug])
        self.client.force_login(self.facilitator)

    def add(self, email: str, role: str) -> Any:
        return self.client.post(
            self.url, {"action": "add-member", "team-email": email, "team-role": role}, follow=True
        )

    def test_a_facilitator_adds_a_moderator_and_a_facilitator_by_email(self) -> None:
        self.assertContains(self.add("MODERATOR@example.org", "moderator"), "is now moderator")
        self.add("alice@example.org", "facilitator")
        self.assertTrue(self.method.is_moderator(self.moderator))
        self.assertFalse(self.method.is_facilitator(self.moderator))
        self.assertTrue(self.method.is_facilitator(self.alice))

    def test_an_unknown_address_says_so(self) -> None:
        self.assertContains(self.add("nobody@example.org", "moderator"), "No member has this")
        self.assertEqual(self.method.roles.count(), 1)

    def test_the_last_facilitator_cannot_be_removed(self) -> None:
        role = self.method.roles.get()
        response = self.client.post(
            self.url, {"action": "remove-member", "role": role.pk}, follow=True
        )
        self.assertContains(response, "at least one facilitator")
        self.assertTrue(self.method.roles.filter(pk=role.pk).exists())

    def test_a_facilitator_removes_another(self) -> None:
        other = self.method.add_role(self.alice, MethodRole.Role.FACILITATOR)
        self.client.post(self.url, {"action": "remove-member", "role": other.pk})
        self.assertFalse(MethodRole.objects.filter(pk=other.pk).exists())

    def test_settings_are_saved_and_the_address_stays(self) -> None:
        self.client.post(
            self.url,
            {
                "action": "save",
                "title": "Grandir",
                "slug": "changed",
                "description": "",
                "language": "en",
                "visibility": "members",
            },
        )
        self.method.refresh_from_db()
        self.assertEqual(
            (self.method.title, self.method.slug, self.method.visibility),
            ("Grandir", "developper-son-reseau", "members"),
        )


class FacilitatorJourneyTests(BaseTestCase):
    """From an empty method to a step open for feedback, then a second version validated."""

    def setUp(self) -> None:
        User.objects.filter(pk=self.facilitator.pk).update(time_zone="America/New_York")
        self.facilitator.refresh_from_db()
        self.method = make_method(self.facilitator)
        subscribe(self.method, self.alice)
        self.client.force_login(self.facilitator)

    def test_a_step_from_draft_to_scheduled_to_open(self) -> None:
        with travel():
            response = self.client.post(
                reverse("methods:step-new", args=[self.method.slug]), VERSION_DATA, follow=True
            )
        version = StepVersion.objects.get()
        self.assertRedirects(response, version.get_absolute_url())
        self.assertContains(response, "Step 1 is drafted")
        self.assertEqual(
            version.checklist, ["Exporter ses contacts", "Importer le fichier", "Noter 20 métiers"]
        )
        self.assertEqual((version.state, version.number, version.step.number), (State.DRAFT, 1, 1))

        # Scheduled for Tuesday 1 December at 09:00 in New York, the facilitator's zone.
        with travel():
            response = self.client.post(
                transition(self.method, 1, 1, "schedule"),
                {"schedule-publish_at": "2026-12-01T09:00", "schedule-feedback_closes_at": ""},
                follow=True,
            )
        version.refresh_from_db()
        self.assertEqual(version.state, State.SCHEDULED)
        self.assertEqual(version.publish_at, dt.datetime(2026, 12, 1, 14, 0, tzinfo=dt.UTC))
        self.assertContains(response, "Tuesday 1 December at 09:00 (America/New_York)")

        with travel():
            response = self.client.post(transition(self.method, 1, 1, "publish"), follow=True)
        version.refresh_from_db()
        self.assertEqual(version.state, State.OPEN)
        self.assertContains(response, "1 subscriber is being told")
        self.assertTrue(Notification.objects.filter(recipient=self.alice).exists())

    def test_a_date_in_the_past_is_refused_on_the_page(self) -> None:
        version = make_version(self.method)
        with travel():
            response = self.client.post(
                transition(self.method, 1, 1, "schedule"),
                {"schedule-publish_at": "2026-11-29T09:00"},
            )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Choose a moment in the future", status_code=400)
        version.refresh_from_db()
        self.assertEqual(version.state, State.DRAFT)

    def test_the_feedback_cannot_close_before_publication(self) -> None:
        make_version(self.method)
        with travel():
            response = self.client.post(
                transition(self.method, 1, 1, "schedule"),
                {
                    "schedule-publish_at": "2026-12-02T09:00",
                    "schedule-feedback_closes_at": "2026-12-01T09:00",
                },
            )
        self.assertContains(response, "only close after", status_code=400)

    def test_a_transition_that_does_not_apply_says_so(self) -> None:
        make_version(self.method)
        response = self.client.post(transition(self.method, 1, 1, "close"), follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Nothing was changed")

    def test_publishing_twice_publishes_once(self) -> None:
        make_version(self.method)
        self.client.post(transition(self.method, 1, 1, "publish"))
        response = self.client.post(transition(self.method, 1, 1, "publish"), follow=True)
        self.assertContains(response, "Nothing was changed")
        self.assertEqual(Notification.objects.filter(recipient=self.alice).count(), 1)

    def test_validating_asks_first_then_supersedes_the_older_version(self) -> None:
        first = make_version(self.method, state=State.VALIDATED)
        second = make_version(self.method, number=2, state=State.SYNTHESIS)
        url = transition(self.method, 1, 2, "validate")
        confirm = self.client.get(url)
        self.assertContains(confirm, "This cannot be undone")
        self.assertContains(confirm, "Version 1, validated until now, will be superseded")
        second.refresh_from_db()
        self.assertEqual(second.state, State.SYNTHESIS)
        response = self.client.post(url, follow=True)
        self.assertContains(response, "Version 2 is validated")
        first.refresh_from_db()
        second.refresh_from_db()
        self.assertEqual((first.state, second.state), (State.SUPERSEDED, State.VALIDATED))

    def test_close_and_reopen_the_feedback(self) -> None:
        version = make_version(self.method, state=State.OPEN)
        self.assertContains(
            self.client.post(transition(self.method, 1, 1, "close"), follow=True),
            "it is in synthesis",
        )
        self.client.post(transition(self.method, 1, 1, "reopen"))
        version.refresh_from_db()
        self.assertEqual(version.state, State.OPEN)

    def test_a_new_version_is_prefilled_from_the_latest(self) -> None:
        first = make_version(self.method, state=State.OPEN, checklist=["Appeler Paul"])
        url = reverse("methods:version-new", args=[self.method.slug, 1])
        form = self.client.get(url)
        self.assertContains(form, "Appeler Paul")
        self.assertContains(form, html.escape(first.title))
        data = {**VERSION_DATA, "title": "Inventaire, par cercles"}
        response = self.client.post(url, data)
        second = StepVersion.objects.get(number=2)
        self.assertRedirects(response, second.get_absolute_url())
        self.assertEqual((second.based_on, second.state), (first, State.DRAFT))

    def test_only_one_version_is_prepared_at_a_time(self) -> None:
        make_version(self.method, state=State.OPEN)
        make_version(self.method, number=2)
        response = self.client.get(reverse("methods:version-new", args=[self.method.slug, 1]))
        self.assertRedirects(
            response, reverse("methods:version-edit", args=[self.method.slug, 1, 2])
        )
        self.assertEqual(StepVersion.objects.count(), 2)

    def test_the_expectation_is_checked(self) -> None:
        make_version(self.method)
        url = reverse("methods:version-edit", args=[self.method.slug, 1, 1])
        cases = [
            ({"expected_count": ""}, "Say how many"),
            ({"expected_kind": ""}, "Say which outcome"),
            ({"expected_share": "0"}, "greater than or equal to 1"),
            ({"expected_share": "101"}, "less than or equal to 100"),
            ({"expected_window_days": "3651"}, "less than or equal to 3650"),
        ]
        for change, message in cases:
            with self.subTest(change=change):
                response = self.client.post(url, {**VERSION_DATA, **change})
                self.assertContains(response, message)
        self.client.post(url, VERSION_DATA)
        version = StepVersion.objects.get()
        self.assertEqual(
            version.expectation_summary(),
            "Reactivated contact: at least 2, for 60% of those who apply it, within 30 days",
        )

    def test_a_published_version_is_not_edited(self) -> None:
        version = make_version(self.method, state=State.OPEN)
        url = reverse("methods:version-edit", args=[self.method.slug, 1, 1])
        response = self.client.post(url, {**VERSION_DATA, "title": "Changed"}, follow=True)
        self.assertContains(response, "its text no longer changes")
        version.refresh_from_db()
        self.assertNotEqual(version.title, "Changed")

    def test_changes_to_a_version_published_meanwhile_are_not_saved(self) -> None:
        version = make_version(self.method, state=State.SCHEDULED)
        url = reverse("methods:version-edit", args=[self.method.slug, 1, 1])
        form = self.client.get(url)
        self.assertEqual(form.status_code, 200)
        # The scheduler publishes it while the facilitator types.
        StepVersion.objects.filter(pk=version.pk).update(state=State.OPEN)
        self.client.post(url, {**VERSION_DATA, "title": "Changed"})
        version.refresh_from_db()
        self.assertNotEqual(version.title, "Changed")


class StepPageTests(BaseTestCase):
    def setUp(self) -> None:
        self.method = make_method(self.facilitator)

    def test_the_step_page_shows_the_current_version_and_links_to_the_others(self) -> None:
        make_version(self.method, state=State.VALIDATED, title="Inventaire")
        make_version(self.method, number=2, state=State.OPEN, title="Inventaire par cercles")
        make_version(self.method, number=3, title="Brouillon caché")
        response = self.client.get(reverse("methods:step", args=[self.method.slug, 1]))
        page = response.content.decode()
        self.assertIn("Inventaire", page)
        self.assertIn(reverse("methods:version", args=[self.method.slug, 1, 2]), page)
        self.assertIn("A newer version of this step", page)
        self.assertNotIn("Brouillon caché", page)
        self.assertNotIn(reverse("methods:version", args=[self.method.slug, 1, 3]), page)

    def test_an_older_version_says_which_is_current(self) -> None:
        make_version(self.method, state=State.SUPERSEDED)
        make_version(self.method, number=2, state=State.VALIDATED)
        response = self.client.get(reverse("methods:version", args=[self.method.slug, 1, 1]))
        self.assertContains(response, "This is version 1 of this step")
        self.assertContains(response, "The current version is")

    def test_the_markdown_is_rendered_and_sanitised(self) -> None:
        make_version(
            self.method,
            state=State.OPEN,
            recommendation="**Appelez** <script>alert(1)</script>[x](javascript:alert(1))",
        )
        response = self.client.get(reverse("methods:step", args=[self.method.slug, 1]))
        self.assertContains(response, "<strong>Appelez</strong>")
        self.assertNotContains(response, "<script>alert")
        self.assertNotContains(response, "javascript:")

    def test_the_page_reads_as_many_queries_with_one_version_or_five(self) -> None:
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(reverse("methods:step", args=[self.method.slug, 1]))
            self.assertEqual(response.status_code, 200)
            return len(queries)

        self.client.force_login(self.facilitator)
        make_version(self.method, state=State.SUPERSEDED)
        one = count()
        for number in range(2, 5):
            make_version(self.method, number=number, state=State.SUPERSEDED)
        make_version(self.method, number=5, state=State.VALIDATED)
        self.assertEqual(count(), one)

    def test_the_diff_marks_what_changed_with_words_for_screen_readers(self) -> None:
        make_version(self.method, state=State.SUPERSEDED, recommendation="Appelez trois amis.")
        make_version(
            self.method, number=2, state=State.VALIDATED, recommendation="Appelez cinq amis."
        )
        response = self.client.get(reverse("methods:diff", args=[self.method.slug, 1, 1, 2]))
        self.assertContains(response, "trois<span")
        self.assertContains(response, '<del class="diff-del"><span class="visually-hidden">')
        self.assertContains(response, '<ins class="diff-ins"><span class="visually-hidden">')
        self.assertContains(response, "removed:")
        self.assertContains(response, "added:")


class LinkPreviewTests(BaseTestCase):
    def test_public_pages_carry_open_graph_tags_and_share_links(self) -> None:
        method = make_method(self.facilitator, description="Pas à pas, **ensemble**.")
        make_version(method, state=State.OPEN)
        for url in (
            method.get_absolute_url(),
            reverse("methods:step", args=[method.slug, 1]),
            reverse("methods:version", args=[method.slug, 1, 1]),
        ):
            with self.subTest(url=url):
                page = self.client.get(url).content.decode()
                self.assertIn('<meta property="og:type" content="article">', page)
                self.assertIn('<meta name="twitter:card" content="summary">', page)
                self.assertIn(
                    f'<meta property="og:url" content="http://127.0.0.1:8000{url}">', page
                )
                self.assertIn("https://www.linkedin.com/sharing/share-offsite/?url=", page)
                self.assertIn("https://twitter.com/intent/tweet?url=", page)
                self.assertIn("https://mastodonshare.com/?url=", page)
                self.assertIn("mailto:?subject=", page)
                self.assertNotIn('<script src="http', page)
        page = self.client.get(method.get_absolute_url()).content.decode()
        # A plain-text description: no Markdown, no tags.
        self.assertIn('<meta property="og:description" content="Pas à pas, ensemble.">', page)

    def test_members_only_pages_carry_neither(self) -> None:
        method = make_method(self.facilitator, visibility=Method.Visibility.MEMBERS)
        make_version(method, state=State.OPEN)
        self.client.force_login(self.bob)
        for url in (method.get_absolute_url(), reverse("methods:step", args=[method.slug, 1])):
            with self.subTest(url=url):
                page = self.client.get(url).content.decode()
                self.assertNotIn("og:title", page)
                self.assertNotIn("linkedin.com", page)

    def test_a_draft_is_not_shared_even_on_a_public_method(self) -> None:
        method = make_method(self.facilitator)
        make_version(method)
        self.client.force_login(self.facilitator)
        page = self.client.get(reverse("methods:step", args=[method.slug, 1])).content.decode()
        self.assertNotIn("og:title", page)
        self.assertNotIn("linkedin.com", page)

    def test_steps_are_created_one_after_the_other(self) -> None:
        method = make_method(self.facilitator)
        make_version(method, state=State.OPEN)
        self.client.force_login(self.facilitator)
        self.client.post(reverse("methods:step-new", args=[method.slug]), VERSION_DATA)
        self.assertEqual(list(Step.objects.values_list("number", flat=True)), [1, 2])
