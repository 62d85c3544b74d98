"""The demo's whole loop of the method on step 1: members applied each validated version in
their own networks, debriefed it after its window, version 1 failed and version 2 succeeded
on numbers measured from what they logged, releases were made by the rules, and the
facilitator's progress report says so plainly."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from entregent.accounts.models import User
from entregent.demo.applied import PLAN, REPORT
from entregent.demo.method import SLUG, load_method_demo
from entregent.goals.models import Outcome
from entregent.method import measure, releases
from entregent.method.models import (
    Adoption,
    ChecklistItem,
    Debrief,
    Method,
    ProgressReport,
    ResultsRelease,
    StepVersion,
)
from entregent.network.models import Contact

FACILITATOR = "facilitator@demo.entregent.org"
CAMILLE = "camille@demo.entregent.org"


class DemoAppliedTests(TestCase):
    method: Method
    first: StepVersion
    second: StepVersion

    @classmethod
    def setUpTestData(cls) -> None:
        load_method_demo()
        cls.method = Method.objects.get(slug=SLUG)
        cls.first, cls.second = StepVersion.objects.filter(
            step__method=cls.method, step__number=1
        ).order_by("number")

    def figures(self, version: StepVersion) -> dict[str, Any]:
        return releases.latest([version])[version.pk]

    def test_version_1_failed_and_version_2_succeeded(self) -> None:
        first, second = self.figures(self.first), self.figures(self.second)

        self.assertEqual(first["verdict"]["status"], "failed")
        self.assertEqual((first["verdict"]["counted"], first["verdict"]["succeeded"]), (10, 2))
        self.assertLess(first["verdict"]["high"], 0.6)
        self.assertEqual(second["verdict"]["status"], "succeeded")
        self.assertEqual((second["verdict"]["counted"], second["verdict"]["succeeded"]), (14, 13))
        self.assertGreaterEqual(second["verdict"]["low"], 0.6)

    def test_each_verdict_rests_on_at_least_five_distinct_members_whose_window_ended(
        self,
    ) -> None:
        for version in (self.first, self.second):
            with self.subTest(version=version.number):
                debriefs = Debrief.objects.filter(version=version).select_related("adoption")
                owners = {d.owner_id for d in debriefs}
                self.assertEqual(len(owners), debriefs.count())
                ended = {
                    d.owner_id
                    for d in debriefs
                    if d.written_on >= d.adoption.adopted_on + dt.timedelta(days=30)
                }
                self.assertGreaterEqual(len(ended), 5)
                self.assertEqual(self.figures(version)["verdict"]["counted"], len(ended))
                # Silent adopters are shown beside, not counted.
                self.assertGreater(self.figures(version)["silent"], 0)

    def test_the_numbers_are_measured_from_the_members_own_logs(self) -> None:
        for debrief in Debrief.objects.select_related("adoption__version", "owner"):
            adoption = debrief.adoption
            with self.subTest(member=debrief.owner.email, version=adoption.version.number):
                self.assertEqual(
                    debrief.measured,
                    measure.measure(debrief.owner, adoption.adopted_on, debrief.written_on),
                )
                end = adoption.adopted_on + dt.timedelta(days=30)
                if debrief.written_on >= end:
                    self.assertEqual(debrief.window_measured, measure.window_count(adoption))
                else:
                    self.assertIsNone(debrief.window_measured)
        # Every reactivation comes from an interaction the member logged with a dormant tie.
        reactivations = Outcome.objects.filter(
            owner__debriefs__version__step__method=self.method, kind=Outcome.Kind.REACTIVATION
        ).distinct()
        self.assertGreater(reactivations.count(), 30)
        self.assertFalse(reactivations.filter(source_interaction=None).exists())

    def test_a_few_members_corrected_a_number_and_it_shows(self) -> None:
        corrected = Debrief.objects.exclude(corrected={})
        self.assertTrue(2 <= corrected.count() <= 5)
        for version in (self.first, self.second):
            with self.subTest(version=version.number):
                figures = self.figures(version)
                self.assertEqual(figures["verdict"]["corrected"], 1)
                self.assertGreaterEqual(figures["corrected"]["numbers"], 1)

    def test_their_words_are_french_and_mostly_private_some_shared_some_published(self) -> None:
        debriefs = Debrief.objects.filter(version__step__method=self.method)
        by_visibility = {
            value: debriefs.filter(visibility=value).count() for value in Debrief.Visibility.values
        }

        self.assertGreater(by_visibility["private"], debriefs.count() / 2)
        for value in ("facilitators", "anonymous", "signed"):
            self.assertGreaterEqual(by_visibility[value], 2, value)
        self.assertFalse(debriefs.filter(obtained="").exists())
        self.assertEqual(debriefs.values("obtained").distinct().count(), debriefs.count())
        french = re.compile(r"[éèàçù]|\b(?:de|un|une|les|des)\b")
        for debrief in debriefs:
            self.assertRegex(f"{debrief.obtained} {debrief.problems}", french)

    def test_the_results_page_shows_the_failure_the_success_and_published_words(self) -> None:
        page = self.client.get(reverse("methods:results", args=[SLUG]))

        self.assertContains(page, "Failed")
        self.assertContains(page, "Succeeded")
        self.assertContains(page, "2 of 10 counted members reached the expected count")
        self.assertContains(page, "13 of 14 counted members reached the expected count")
        # Published words appear; private ones never do.
        self.assertContains(page, "Quatre personnes recontactées")
        self.assertNotContains(page, "Un ancien associé recontacté")

    def test_the_progress_report_says_plainly_that_v1_failed_and_v2_succeeded(self) -> None:
        report = ProgressReport.objects.get(method=self.method, published_at__isnull=False)

        self.assertEqual(report.author, User.objects.get(email=FACILITATOR))
        self.assertIn("La version 1 a échoué", report.body)
        self.assertIn("La version 2 a réussi", report.body)
        # Its figures are the releases of its day, and its words say the same numbers.
        for version in (self.first, self.second):
            self.assertEqual(report.figures[str(version.pk)], self.figures(version))
        self.assertIn("10 membres", REPORT)
        self.assertIn("2 seulement", REPORT)
        self.assertIn("Sur les 14 membres\ncomptés, 13", REPORT)
        page = self.client.get(
            reverse("methods:report-detail", args=[SLUG, report.pk])
        ).content.decode()
        self.assertIn('<strong class="verdict-badge">Failed</strong>', page)
        self.assertIn('<strong class="verdict-badge">Succeeded</strong>', page)
        self.assertContains(self.client.get(self.method.get_absolute_url()), report.title)

    def test_the_facilitator_also_has_a_draft_no_one_else_sees(self) -> None:
        draft = ProgressReport.objects.get(method=self.method, published_at=None)
        url = reverse("methods:report-detail", args=[SLUG, draft.pk])

        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(User.objects.get(email=FACILITATOR))
        self.assertContains(self.client.get(url), draft.title)

    def test_releases_followed_the_debriefs_and_none_is_due_now(self) -> None:
        for version in (self.first, self.second):
            with self.subTest(version=version.number):
                made = ResultsRelease.objects.filter(version=version).order_by("created_at")
                last = Debrief.objects.filter(version=version).latest("created_at")
                self.assertGreaterEqual(made.count(), 2)
                newest = made.last()
                assert newest is not None
                self.assertGreater(newest.created_at, last.created_at)
                # What the site would do after these debriefs: nothing more to release.
                self.assertIsNone(releases.consider_release(version))

    def test_members_applied_with_their_checklists_and_some_gave_up(self) -> None:
        adoptions = Adoption.objects.filter(version__step__method=self.method)

        self.assertEqual(adoptions.count(), len(PLAN))
        self.assertGreaterEqual(adoptions.filter(status=Adoption.Status.ABANDONED).count(), 2)
        self.assertTrue(
            ChecklistItem.objects.filter(adoption__in=adoptions, done_at__isnull=False).exists()
        )
        self.assertTrue(
            ChecklistItem.objects.filter(adoption__in=adoptions, done_at__isnull=True).exists()
        )
        camille = adoptions.get(owner__email=CAMILLE)
        self.assertEqual(camille.version, self.second)
        self.assertFalse(camille.debriefs.exists())

    def test_loading_it_again_gives_the_same_results(self) -> None:
        def state() -> tuple[object, ...]:
            return (
                sorted(
                    Debrief.objects.values_list(
                        "owner__email", "version__number", "written_on", "window_measured"
                    )
                ),
                Contact.objects.count(),
                len(releases.latest(StepVersion.objects.all())),
                ProgressReport.objects.count(),
            )

        before = state()
        load_method_demo()
        self.assertEqual(state(), before)


class DemoCommandAppliedTests(TestCase):
    def test_the_summary_says_what_the_verdicts_are(self) -> None:
        out = io.StringIO()
        call_command("demo", "--contacts", "10", stdout=out)

        text = out.getvalue()
        self.assertIn("version 1 failed (2 of 10 counted members", text)
        self.assertIn("version 2 succeeded (13 of 14 counted members", text)
        self.assertIn("1 progress report published", text)
