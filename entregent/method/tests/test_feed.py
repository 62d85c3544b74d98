"""/methods/<slug>/feed.atom, parsed as Atom: the feed's own elements, one entry per published
version and progress report (newest first), no drafts, the method's language; members-only
methods have none; a report's entry quotes nothing below five debriefing members."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from django.urls import reverse

from entregent.method import reports
from entregent.method.models import Method, ProgressReport, StepVersion
from entregent.method.tests.factories import make_method, make_version
from entregent.method.tests.report_factories import debriefs, expected_version, release
from entregent.test import BaseTestCase

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
State = StepVersion.State
T0 = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)


class FeedTests(BaseTestCase):
    method: Method

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.method = make_method(cls.facilitator, title="Développer son réseau", language="fr")
        make_version(
            cls.method,
            1,
            1,
            state=State.SUPERSEDED,
            title="Inventaire",
            published_at=T0,
            superseded_at=T0 + dt.timedelta(days=20),
        )
        make_version(
            cls.method,
            1,
            2,
            state=State.VALIDATED,
            title="Inventaire par cercles",
            recommendation="Listez **tout le monde**.",
            published_at=T0 + dt.timedelta(days=10),
            closed_at=T0 + dt.timedelta(days=20),
            validated_at=T0 + dt.timedelta(days=20),
        )
        make_version(
            cls.method,
            2,
            1,
            state=State.OPEN,
            title="Reprendre contact",
            published_at=T0 + dt.timedelta(days=21),
        )
        make_version(cls.method, 3, 1, state=State.SCHEDULED, title="Marker scheduled feed")
        make_version(cls.method, 2, 2, title="Marker draft feed")

    def feed(self, method: Method) -> ET.Element:
        response = self.client.get(reverse("methods:feed", args=[method.slug]))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/atom+xml"))
        return ET.fromstring(response.content)

    def test_the_feed_is_valid_atom_with_its_own_elements(self) -> None:
        root = self.feed(self.method)
        self.assertEqual(root.tag, f"{ATOM}feed")
        for name in ("id", "title", "updated"):
            self.assertTrue((root.findtext(f"{ATOM}{name}") or "").strip(), name)
        self.assertEqual(root.findtext(f"{ATOM}title"), "Développer son réseau")
        self_link = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
        self.assertEqual(len(self_link), 1)
        self.assertTrue(self_link[0].get("href", "").endswith("/developper-son-reseau/feed.atom"))
        # The feed is in the method's language, whatever the reader's.
        self.assertEqual(root.get(XML_LANG), "fr")

    def test_each_published_version_is_an_entry_newest_first(self) -> None:
        entries = self.feed(self.method).findall(f"{ATOM}entry")
        titles = [entry.findtext(f"{ATOM}title") for entry in entries]
        self.assertEqual(
            titles,
            [
                # A French method's feed speaks French (no-break space before the colon).
                "Étape 2, version 1\u00a0: Reprendre contact",
                "Étape 1, version 2\u00a0: Inventaire par cercles",
                "Étape 1, version 1\u00a0: Inventaire",
            ],
        )
        for entry in entries:
            for name in ("id", "title", "updated"):
                self.assertTrue((entry.findtext(f"{ATOM}{name}") or "").strip(), name)
            link = entry.find(f"{ATOM}link")
            assert link is not None
            self.assertTrue(link.get("href", "").startswith("http"))
        validated = entries[1]
        link = validated.find(f"{ATOM}link")
        assert link is not None
        self.assertTrue(
            link.get("href", "").endswith(
                reverse("methods:version", args=[self.method.slug, 1, 2])
            )
        )
        self.assertEqual(
            validated.findtext(f"{ATOM}summary"), "<p>Listez <strong>tout le monde</strong>.</p>"
        )
        # Updated when it was validated, published when it was published.
        self.assertTrue((validated.findtext(f"{ATOM}updated") or "").startswith("2026-11-22"))
        self.assertTrue((validated.findtext(f"{ATOM}published") or "").startswith("2026-11-12"))

    def test_drafts_and_scheduled_versions_are_not_in_it(self) -> None:
        response = self.client.get(reverse("methods:feed", args=[self.method.slug]))
        self.assertNotContains(response, "Marker draft feed")
        self.assertNotContains(response, "Marker scheduled feed")

    def test_a_members_only_method_has_no_feed_even_for_members(self) -> None:
        inner = make_method(self.facilitator, slug="inner", visibility=Method.Visibility.MEMBERS)
        make_version(inner, state=State.OPEN, title="Inner marker")
        url = reverse("methods:feed", args=[inner.slug])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_an_english_method_has_an_english_feed(self) -> None:
        english = make_method(self.facilitator, slug="grow", title="Grow", language="en")
        make_version(english, state=State.OPEN, title="Take stock")
        root = self.feed(english)
        self.assertEqual(root.get(XML_LANG), "en")


class FeedReportTests(BaseTestCase):
    """Published progress reports are entries of the feed beside the versions, with their
    text and the verdicts they quote in words, from their frozen figures: nothing below five
    debriefing members, no drafts."""

    method: Method
    first: StepVersion
    second: StepVersion

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.method = make_method(cls.facilitator, title="Grow", slug="grow", language="en")
        cls.first = expected_version(
            cls.method, 1, 1, state=State.SUPERSEDED, published_at=T0, title="Take stock"
        )
        cls.second = expected_version(
            cls.method, 1, 2, published_at=T0 + dt.timedelta(days=30), title="Map who counts"
        )

    def entries(self) -> list[ET.Element]:
        response = self.client.get(reverse("methods:feed", args=[self.method.slug]))
        self.assertEqual(response.status_code, 200)
        return ET.fromstring(response.content).findall(f"{ATOM}entry")

    def publish(
        self, title: str, at: dt.datetime, body: str = "Where we stand."
    ) -> ProgressReport:
        report = ProgressReport.objects.create(
            method=self.method, title=title, body=body, author=self.facilitator
        )
        reports.publish(report, now=at)
        return report

    def test_a_published_report_is_an_entry_among_the_versions_by_date(self) -> None:
        report = self.publish("Step 1 failed, then worked", T0 + dt.timedelta(days=40))
        ProgressReport.objects.create(
            method=self.method, title="draft-report-marker", body="…", author=self.facilitator
        )

        entries = self.entries()

        titles = [entry.findtext(f"{ATOM}title") for entry in entries]
        self.assertEqual(
            titles,
            [
                "Progress report: Step 1 failed, then worked",
                "Step 1, version 2: Map who counts",
                "Step 1, version 1: Take stock",
            ],
        )
        link = entries[0].find(f"{ATOM}link")
        assert link is not None
        self.assertTrue(
            link.get("href", "").endswith(
                reverse("methods:report-detail", args=[self.method.slug, report.pk])
            )
        )
        self.assertTrue((entries[0].findtext(f"{ATOM}published") or "").startswith("2026-12-12"))
        self.assertIn("<p>Where we stand.</p>", entries[0].findtext(f"{ATOM}summary") or "")

    def test_an_entry_says_each_verdict_and_nothing_under_five_members(self) -> None:
        # Version 1: ten members debriefed, one reached the count; version 2: four did.
        debriefs(self.first, [0, 1, 0, 2, 1, 0, 1, 0, 0, 1], prefix="v1")
        release(self.first)
        debriefs(self.second, [7, 9, 11, 13], prefix="v2")
        self.assertIsNone(release(self.second))
        self.publish("Step 1 so far", T0 + dt.timedelta(days=40))

        summary = self.entries()[0].findtext(f"{ATOM}summary") or ""

        first, second = summary.split("Step 1, version 2")
        self.assertIn("<strong>Failed.</strong> 1 of 10 counted members", first)
        self.assertIn("The rule:", first)
        self.assertIn("<strong>Not enough data yet.</strong>", second)
        self.assertNotIn("%", second)
        self.assertNotIn("counted member", second)

    def test_a_report_edited_after_publication_is_updated(self) -> None:
        report = self.publish("Step 1 so far", T0 + dt.timedelta(days=40))
        ProgressReport.objects.filter(pk=report.pk).update(updated_at=T0 + dt.timedelta(days=41))

        entry = self.entries()[0]

        self.assertTrue((entry.findtext(f"{ATOM}updated") or "").startswith("2026-12-13"))
        self.assertTrue((entry.findtext(f"{ATOM}published") or "").startswith("2026-12-12"))
