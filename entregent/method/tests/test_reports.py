"""Progress reports (/methods/<slug>/reports/): drafts for the facilitators only, published
with the results' released figures of that day frozen in them (later releases change the
results page, never a published report), nothing quoted below five debriefing members, on the
method's page, and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from entregent.method import releases, reports
from entregent.method.models import Method, ProgressReport, StepVersion
from entregent.method.tests.factories import make_method, make_version
from entregent.method.tests.report_factories import debriefs, expected_version, release
from entregent.test import BaseTestCase, make_user
from entregent.tests.browser import NARROW, BrowserTestCase

State = StepVersion.State


def list_url(method: Method) -> str:
    return reverse("methods:reports", args=[method.slug])


def detail_url(report: ProgressReport) -> str:
    return reverse("methods:report-detail", args=[report.method.slug, report.pk])


def action_url(report: ProgressReport, action: str) -> str:
    return reverse(f"methods:report-{action}", args=[report.method.slug, report.pk])


class ReportTestCase(BaseTestCase):
    method: Method
    first: StepVersion
    second: StepVersion

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.method = make_method(cls.facilitator, moderator=cls.moderator)
        # Step 1: version 1 validated then replaced by version 2; step 2 in discussion.
        cls.first = expected_version(cls.method, 1, 1, state=State.SUPERSEDED)
        cls.second = expected_version(cls.method, 1, 2)
        make_version(cls.method, 2, 1, state=State.OPEN, title="Réactiver les liens dormants")

    def draft(self, title: str = "Où en est l'étape 1", body: str = "Le point.") -> ProgressReport:
        return ProgressReport.objects.create(
            method=self.method, title=title, body=body, author=self.facilitator
        )

    def published(
        self, title: str = "Étape 1 : le point", body: str = "Le point."
    ) -> ProgressReport:
        report = self.draft(title, body)
        self.assertTrue(reports.publish(report))
        return report


class AuthorNameTests(ReportTestCase):
    def test_a_facilitator_without_a_display_name_is_never_shown_by_address(self) -> None:
        nameless = make_user("nameless.facilitator@example.org")
        self.method.add_role(nameless, "facilitator")
        report = self.published()
        ProgressReport.objects.filter(pk=report.pk).update(author=nameless)
        for url in (detail_url(report), list_url(self.method), self.method.get_absolute_url()):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertNotContains(response, "nameless.facilitator@example.org")
                self.assertContains(response, "A member")


class DraftTests(ReportTestCase):
    def test_a_draft_is_a_404_to_visitors_and_members_and_readable_by_facilitators(self) -> None:
        report = self.draft("draft-report-marker")

        self.assertEqual(self.client.get(detail_url(report)).status_code, 404)
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(detail_url(report)).status_code, 404)
        # A moderator is no facilitator.
        self.client.force_login(self.moderator)
        self.assertEqual(self.client.get(detail_url(report)).status_code, 404)
        self.client.force_login(self.facilitator)
        response = self.client.get(detail_url(report))
        self.assertContains(response, "draft-report-marker")
        self.assertContains(response, "Only the method’s facilitators see it.")

    def test_drafts_appear_nowhere_a_reader_looks(self) -> None:
        self.draft("draft-report-marker")
        for url in (
            list_url(self.method),
            self.method.get_absolute_url(),
            reverse("methods:feed", args=[self.method.slug]),
        ):
            with self.subTest(url=url):
                self.assertNotContains(self.client.get(url), "draft-report-marker")
        self.client.force_login(self.alice)
        self.assertNotContains(self.client.get(list_url(self.method)), "draft-report-marker")

    def test_facilitators_see_their_drafts_listed_and_counted(self) -> None:
        self.draft("draft-report-marker")
        self.client.force_login(self.facilitator)

        self.assertContains(self.client.get(list_url(self.method)), "draft-report-marker")
        self.assertContains(self.client.get(self.method.get_absolute_url()), "1 draft waiting")


class WritingTests(ReportTestCase):
    def test_a_facilitator_writes_a_draft_then_publishes_it(self) -> None:
        self.client.force_login(self.facilitator)
        response = self.client.post(
            reverse("methods:report-new", args=[self.method.slug]),
            {"title": "  Étape 1 : le point  ", "body": "La version 1 a **échoué**."},
        )
        report = ProgressReport.objects.get()
        self.assertRedirects(response, detail_url(report))
        self.assertEqual(report.title, "Étape 1 : le point")
        self.assertEqual((report.author, report.published_at), (self.facilitator, None))

        response = self.client.post(action_url(report, "publish"), follow=True)

        report.refresh_from_db()
        self.assertIsNotNone(report.published_at)
        self.assertContains(response, "The report is published")
        self.assertContains(response, "<strong>échoué</strong>", html=True)
        # Both versions of step 1 were validated once: both are quoted; step 2 is not.
        self.assertEqual(set(report.figures), {str(self.first.pk), str(self.second.pk)})
        self.assertContains(self.client.get(list_url(self.method)), "Étape 1 : le point")

    def test_a_report_needs_a_title_and_a_text(self) -> None:
        self.client.force_login(self.facilitator)
        response = self.client.post(
            reverse("methods:report-new", args=[self.method.slug]), {"title": " ", "body": ""}
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Give the report a title.")
        self.assertContains(response, "Write the report’s text.")
        self.assertFalse(ProgressReport.objects.exists())

    def test_publishing_twice_publishes_once_with_the_first_figures(self) -> None:
        report = self.draft()
        self.assertTrue(reports.publish(report))
        first_moment = report.published_at
        debriefs(self.second, [2, 2, 3, 2, 4])
        release(self.second)

        self.assertFalse(reports.publish(ProgressReport.objects.get(pk=report.pk)))
        self.client.force_login(self.facilitator)
        response = self.client.post(action_url(report, "publish"), follow=True)

        report.refresh_from_db()
        self.assertEqual(report.published_at, first_moment)
        self.assertFalse(report.figures[str(self.second.pk)]["enough"])
        self.assertContains(response, "already published")

    def test_a_published_text_can_be_corrected_but_its_figures_stay(self) -> None:
        report = self.published(body="Une coquille.")
        frozen = dict(report.figures)
        debriefs(self.second, [2, 2, 3, 2, 4])
        release(self.second)
        self.client.force_login(self.facilitator)

        with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
            response = self.client.post(
                action_url(report, "edit"), {"title": report.title, "body": "Corrigé."}
            )

        self.assertRedirects(response, detail_url(report))
        report.refresh_from_db()
        self.assertEqual((report.body, report.figures), ("Corrigé.", frozen))
        self.assertContains(self.client.get(detail_url(report)), "text edited on")

    def test_a_draft_can_be_deleted_and_a_published_report_cannot(self) -> None:
        draft, published = self.draft(), self.published()
        self.client.force_login(self.facilitator)

        self.assertRedirects(self.client.post(action_url(draft, "delete")), list_url(self.method))
        self.assertEqual(self.client.post(action_url(published, "delete")).status_code, 403)
        self.assertEqual(list(ProgressReport.objects.all()), [published])


class PermissionTests(ReportTestCase):
    def test_visitors_are_sent_to_log_in_to_write(self) -> None:
        report = self.published()
        for url in (
            reverse("methods:report-new", args=[self.method.slug]),
            action_url(report, "edit"),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn(reverse("account_login"), response["Location"])

    def test_members_and_moderators_may_read_but_not_write(self) -> None:
        draft, published = self.draft(), self.published()
        for user in (self.alice, self.moderator):
            self.client.force_login(user)
            with self.subTest(user=user.email):
                self.assertEqual(self.client.get(detail_url(published)).status_code, 200)
                for url in (
                    reverse("methods:report-new", args=[self.method.slug]),
                    action_url(published, "edit"),
                ):
                    self.assertEqual(self.client.get(url).status_code, 403)
                self.assertEqual(
                    self.client.post(action_url(published, "delete")).status_code, 403
                )
                # A draft they may not see is not found, rather than forbidden.
                self.assertEqual(self.client.post(action_url(draft, "publish")).status_code, 404)
        draft.refresh_from_db()
        self.assertIsNone(draft.published_at)

    def test_publishing_and_deleting_take_a_post(self) -> None:
        draft = self.draft()
        self.client.force_login(self.facilitator)

        self.assertEqual(self.client.get(action_url(draft, "publish")).status_code, 405)
        self.assertEqual(self.client.get(action_url(draft, "delete")).status_code, 405)

    def test_a_members_only_methods_reports_are_for_members(self) -> None:
        closed = make_method(
            self.facilitator, slug="entre-nous", visibility=Method.Visibility.MEMBERS
        )
        report = ProgressReport.objects.create(
            method=closed, title="members-report-marker", body="…", author=self.facilitator
        )
        reports.publish(report)

        self.assertEqual(self.client.get(list_url(closed)).status_code, 404)
        self.assertEqual(self.client.get(detail_url(report)).status_code, 404)
        self.client.force_login(self.bob)
        self.assertContains(self.client.get(detail_url(report)), "members-report-marker")
        # No link previews or share links for what is not public.
        self.assertNotContains(self.client.get(detail_url(report)), 'property="og:title"')

    def test_a_report_of_another_method_is_not_found_under_this_one(self) -> None:
        other = make_method(self.facilitator, slug="autre-methode")
        report = self.published()

        url = reverse("methods:report-detail", args=[other.slug, report.pk])
        self.assertEqual(self.client.get(url).status_code, 404)


class FrozenFiguresTests(ReportTestCase):
    def test_publishing_freezes_the_figures_and_later_releases_do_not_change_them(self) -> None:
        # Version 1: five members, none reached the count: it failed.
        debriefs(self.first, [0, 1, 0, 0, 1], prefix="early")
        self.assertIsNotNone(release(self.first))
        report = self.published()
        frozen = report.figures[str(self.first.pk)]
        self.assertEqual(frozen["verdict"]["status"], "failed")

        # Five more members, who all reached it: the results change, the report does not.
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
            debriefs(self.first, [3, 2, 4, 2, 5], prefix="late")
            self.assertIsNotNone(release(self.first))
        now = releases.latest([self.first])[self.first.pk]
        self.assertEqual(now["verdict"]["counted"], 10)

        report.refresh_from_db()
        self.assertEqual(report.figures[str(self.first.pk)], frozen)
        page = self.client.get(detail_url(report))
        self.assertContains(page, "0 of 5 counted members reached the expected count")
        self.assertNotContains(page, "of 10 counted members")
        results = self.client.get(reverse("methods:results", args=[self.method.slug]))
        self.assertContains(results, "5 of 10 counted members reached the expected count")

    def test_a_version_with_fewer_than_five_debriefing_members_shows_not_enough_data(
        self,
    ) -> None:
        # Version 2: four members debriefed, with numbers no one should read.
        debriefs(self.second, [7, 9, 11, 13])
        self.assertIsNone(release(self.second))
        report = self.published()

        self.assertEqual(report.figures[str(self.second.pk)], {"schema": 1, "enough": False})
        page = self.client.get(detail_url(report)).content.decode()
        self.assertEqual(page.count("Not enough data yet"), 2)
        figures = page.split('class="progress-figures"')[1].split('id="share-heading"')[0]
        self.assertNotIn("%", figures)
        self.assertNotIn("counted member", figures)

    def test_a_failure_is_shown_as_plainly_as_a_success(self) -> None:
        debriefs(self.first, [0, 1, 0, 2, 1, 0, 1, 0, 0, 1], prefix="v1")
        release(self.first)
        debriefs(self.second, [2, 3, 2, 2, 4, 2, 3, 2, 2, 2], prefix="v2")
        release(self.second)
        report = self.published()

        page = self.client.get(detail_url(report))

        self.assertContains(page, '<strong class="verdict-badge">Failed</strong>', html=True)
        self.assertContains(page, '<strong class="verdict-badge">Succeeded</strong>', html=True)
        self.assertContains(page, "1 of 10 counted members reached the expected count")
        self.assertContains(page, "10 of 10 counted members reached the expected count")
        self.assertContains(page, "The rule:", count=2)


class ListingTests(ReportTestCase):
    def test_the_method_page_shows_the_three_newest_reports_and_links_to_all(self) -> None:
        start = timezone.now() - dt.timedelta(days=10)
        for n in range(4):
            report = self.draft(f"Compte rendu numéro {n}")
            reports.publish(report, now=start + dt.timedelta(days=n))

        page = self.client.get(self.method.get_absolute_url())

        self.assertContains(page, "Compte rendu numéro 3")
        self.assertContains(page, "Compte rendu numéro 1")
        self.assertNotContains(page, "Compte rendu numéro 0")
        self.assertContains(page, "All 4 progress reports")
        listing = self.client.get(list_url(self.method)).content.decode()
        titles = [f"Compte rendu numéro {n}" for n in (3, 2, 1, 0)]
        self.assertEqual(sorted(titles, key=listing.index), titles)

    def test_a_report_in_a_list_says_each_verdict_it_quotes(self) -> None:
        debriefs(self.first, [0, 1, 0, 0, 1], prefix="v1")
        release(self.first)
        self.published()

        page = self.client.get(list_url(self.method))

        self.assertContains(page, "Step 1, version 1:")
        self.assertContains(page, "Failed")
        self.assertContains(page, "Step 1, version 2:")
        self.assertContains(page, "Not enough data yet")

    def test_the_lists_read_as_many_queries_for_4_or_8_reports(self) -> None:
        debriefs(self.first, [0, 1, 0, 0, 1], prefix="v1")
        release(self.first)
        counts = []
        for total in (4, 8):
            while ProgressReport.objects.count() < total:
                self.published(f"Compte rendu {ProgressReport.objects.count()}")
            for url in (list_url(self.method), self.method.get_absolute_url()):
                self.client.get(url)
                with CaptureQueriesContext(connection) as queries:
                    self.assertEqual(self.client.get(url).status_code, 200)
                counts.append(len(queries))
        self.assertEqual(counts[:2], counts[2:])

    def test_nothing_published_says_so_and_facilitators_are_offered_to_write(self) -> None:
        self.assertContains(
            self.client.get(list_url(self.method)), "No progress report is published yet."
        )
        self.client.force_login(self.facilitator)
        self.assertContains(
            self.client.get(self.method.get_absolute_url()),
            reverse("methods:report-new", args=[self.method.slug]),
        )

    def test_a_public_report_carries_link_previews(self) -> None:
        report = self.published("Étape 1 : le point", body="La version 1 a **échoué**.")

        page = self.client.get(detail_url(report))

        self.assertContains(page, '<meta property="og:title" content="Étape 1 : le point">')
        self.assertContains(page, 'content="La version 1 a échoué."')


@pytest.mark.filedb
class ReportBrowserTests(BrowserTestCase):
    """A facilitator writes a report and publishes it in a browser; readers find it on the
    method's page; axe finds nothing serious on the pages, on a screen or a phone."""

    def setUp(self) -> None:
        super().setUp()
        self.facilitator = make_user("fac@example.org", "Fatou")
        self.method = make_method(self.facilitator)
        first = expected_version(self.method, 1, 1, state=State.SUPERSEDED)
        debriefs(first, [0, 1, 0, 0, 1], prefix="v1")
        release(first)
        expected_version(self.method, 1, 2)

    def test_a_facilitator_writes_and_publishes_a_report_that_readers_find(self) -> None:
        page = self.page
        self.log_in(self.facilitator, page)
        self.visit(self.method.get_absolute_url(), page)
        page.get_by_role("link", name="Write a progress report").click()
        page.get_by_label("Title").fill("Étape 1 : la version 1 a échoué")
        page.get_by_label("Text").fill("La version 1 a **échoué** : trop longue.")
        page.get_by_role("button", name="Save the draft").click()
        expect(page.get_by_text("Only the method’s facilitators see it.")).to_be_visible()
        page.get_by_role("button", name="Publish the report").click()
        expect(page.get_by_text("The report is published")).to_be_visible()

        reader = self.new_page(viewport=NARROW)
        self.visit(self.method.get_absolute_url(), reader)
        reader.get_by_role("link", name="Étape 1 : la version 1 a échoué").click()
        expect(reader.get_by_role("heading", level=1)).to_have_text(
            "Étape 1 : la version 1 a échoué"
        )
        expect(reader.locator(".verdict-failed .verdict-badge")).to_have_text("Failed")
        expect(reader.locator(".verdict-not_enough_data .verdict-badge")).to_have_text(
            "Not enough data yet"
        )

    def test_the_pages_are_accessible_on_a_screen_and_a_phone(self) -> None:
        report = ProgressReport.objects.create(
            method=self.method, title="Étape 1 : le point", body="Le point.", author=None
        )
        reports.publish(report)
        urls = [list_url(self.method), detail_url(report), self.method.get_absolute_url()]
        for page in (self.page, self.new_page(viewport=NARROW)):
            for url in urls:
                with self.subTest(url=url, width=page.viewport_size):
                    self.visit(url, page)
                    violations = Axe().run(page).response["violations"]
                    serious = [
                        v["id"] for v in violations if v["impact"] in ("serious", "critical")
                    ]
                    self.assertEqual(serious, [])
                    self.assertIsNone(self.horizontal_overflow(page))
