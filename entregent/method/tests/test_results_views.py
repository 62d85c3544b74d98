"""The results page and results.json: what a visitor reads of a method's results, and what
they never read (numbers under five members, unpublished or unconfirmed texts, names of
anonymous authors)."""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entregent.accounts import registry
from entregent.accounts.models import User
from entregent.method import releases
from entregent.method.models import Debrief, Method, StepVersion
from entregent.method.tests.factories import make_method, make_version
from entregent.method.tests.test_releases import START, debrief, make_expected_version, members
from entregent.test import BaseTestCase, make_user
from entregent.tests.browser import NARROW, BrowserTestCase

State = StepVersion.State
Visibility = Debrief.Visibility


def page_url(method: Method) -> str:
    return reverse("methods:results", args=[method.slug])


def json_url(method: Method) -> str:
    return reverse("methods:results-json", args=[method.slug])


class ResultsViewsTestCase(BaseTestCase):
    method: Method
    version: StepVersion

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.method = make_method(cls.facilitator)
        cls.version = make_expected_version(cls.method)

    def setUp(self) -> None:
        travel = time_machine.travel(START, tick=False)
        self.clock = travel.start()
        self.addCleanup(travel.stop)

    def later(self) -> None:
        self.clock.shift(dt.timedelta(minutes=1))

    def read(self) -> tuple[str, dict[str, Any]]:
        """The page as a visitor reads it, and the JSON's entry for ``self.version``."""
        page = self.client.get(page_url(self.method))
        self.assertEqual(page.status_code, 200)
        data = self.client.get(json_url(self.method)).json()
        entry = next(
            v for v in data["versions"] if v["step"] == 1 and v["version"] == self.version.number
        )
        return page.content.decode(), entry

    def debrief_and_release(self, owner: User, window: int = 2, **fields: Any) -> Debrief:
        self.later()
        written = debrief(owner, self.version, window, **fields)
        releases.consider_release(self.version)
        return written


def numbers(value: Any) -> list[Any]:
    """Every number in a JSON value, however deep."""
    if isinstance(value, dict):
        return [n for item in value.values() for n in numbers(item)]
    if isinstance(value, list):
        return [n for item in value for n in numbers(item)]
    return [value] if isinstance(value, int | float) and not isinstance(value, bool) else []


class SmallNumbersTests(ResultsViewsTestCase):
    def assertNothingShown(self, html: str, entry: dict[str, Any]) -> None:
        self.assertEqual(entry["results"], {"schema": 1, "enough": False})
        self.assertIn("Not enough data yet", html)
        for figure in ('class="results-figures"', 'class="outcomes', "Median", "never debriefed:"):
            self.assertNotIn(figure, html)

    def test_a_member_who_is_the_only_debriefer_shows_nothing(self) -> None:
        self.debrief_and_release(self.alice, 7, measured={"reactivation": 7, "meeting": 9137})
        html, entry = self.read()
        self.assertNothingShown(html, entry)
        # Her numbers are nowhere in the entry (its dates are strings: "10:37" is no leak).
        self.assertNotIn(9137, numbers(entry))
        self.assertNotIn("9137", html)

    def test_four_debriefers_show_nothing(self) -> None:
        for member in members(4):
            self.debrief_and_release(member)
        self.assertNothingShown(*self.read())

    def test_five_debriefers_show_the_figures_and_the_verdict_with_its_rule(self) -> None:
        for member in members(4):
            self.debrief_and_release(member, 2)
        self.debrief_and_release(self.alice, 0)
        html, entry = self.read()
        figures = entry["results"]
        self.assertTrue(figures["enough"])
        self.assertEqual((figures["debriefed"], figures["verdict"]["succeeded"]), (5, 4))
        self.assertIn("Inconclusive", html)
        self.assertIn("4 of 5 counted members reached the expected count: 80%", html)
        self.assertIn("The rule:", html)
        self.assertIn("at or above 60%", html)
        self.assertIn("debriefed it", html)
        self.assertIn('class="interval-chart"', html)

    def test_a_sixth_member_right_after_a_release_changes_nothing_until_five_new(self) -> None:
        for member in members(5):
            self.debrief_and_release(member, 0)
        _html, before = self.read()
        newcomers = members(5, "newcomer")
        for member in newcomers[:4]:
            self.debrief_and_release(member, 9, measured={"reactivation": 9, "meeting": 21})
            html, entry = self.read()
            self.assertEqual(entry["results"], before["results"])
            self.assertIn("0 of 5 counted members", html)
        self.debrief_and_release(newcomers[4], 9)
        html, entry = self.read()
        self.assertEqual(entry["results"]["debriefed"], 10)
        self.assertIn("5 of 10 counted members", html)

    def test_an_erased_member_s_texts_leave_at_once_and_numbers_at_the_next_release(
        self,
    ) -> None:
        self.debrief_and_release(
            self.alice,
            9,
            obtained="alice-obtained-marker",
            problems="alice-problems-marker",
            visibility=Visibility.SIGNED,
            names_confirmed=True,
        )
        for member in members(5):
            self.debrief_and_release(member, 0)
        html, entry = self.read()
        self.assertIn("alice-obtained-marker", html)
        # Released at the fifth debrief (Alice's among them); the sixth waits.
        self.assertEqual(entry["results"]["debriefed"], 5)
        self.later()
        registry.erase_user(self.alice)
        releases.release_all()
        html, entry = self.read()
        for text in ("alice-obtained-marker", "alice-problems-marker", "Alice"):
            self.assertNotIn(text, html)
            self.assertNotIn(text, json.dumps(entry))
        # Her numbers stay in the figures released before, until five members changed.
        self.assertEqual(entry["results"]["debriefed"], 5)
        self.assertEqual(entry["results"]["verdict"]["succeeded"], 1)
        # The sixth member, Alice's erasure and three more: five changes.
        for member in members(3, "later"):
            self.debrief_and_release(member, 0)
        html, entry = self.read()
        self.assertEqual(entry["results"]["debriefed"], 8)
        self.assertEqual(entry["results"]["verdict"]["succeeded"], 0)

    def test_no_bucket_shown_holds_fewer_than_five_members(self) -> None:
        rng = random.Random(3)
        for member in members(23):
            self.debrief_and_release(
                member,
                rng.choice((0, 1, 2, 2, 3, 7)),
                measured={
                    "reactivation": rng.choice((0, 1, 2, 4, 11)),
                    "meeting": rng.choice((0, 0, 1, 3, 6, 25)),
                    "new_contact": rng.choice((0, 2, 5, 9, 30, 120)),
                },
                assessment=rng.choice(("worked", "partly", "did_not")),
                usefulness=rng.choice((1, 3, 4, 5)),
            )
        figures = self.read()[1]["results"]
        self.assertTrue(figures["enough"])
        distributions = [
            *figures["outcomes"].values(),
            figures["usefulness"],
            figures["verdict"]["distribution"],
        ]
        found = [b for d in distributions if d for b in d["buckets"]] + figures["assessment"]
        self.assertGreater(len(found), 12)
        self.assertEqual(min(b["members"] for b in found), 5)


class PublishedDebriefsTests(ResultsViewsTestCase):
    def publish(self, owner: User, marker: str, visibility: str, confirmed: bool = True) -> None:
        debrief(
            owner,
            self.version,
            obtained=f"{marker}-obtained",
            problems=f"{marker}-problems",
            solutions=f"{marker}-solutions",
            visibility=visibility,
            names_confirmed=confirmed,
        )

    def test_only_the_texts_their_members_published_appear(self) -> None:
        self.publish(self.alice, "anonymous-text", Visibility.ANONYMOUS)
        self.publish(self.bob, "signed-text", Visibility.SIGNED)
        self.publish(self.charlie, "private-text", Visibility.PRIVATE)
        self.publish(self.moderator, "shared-text", Visibility.FACILITATORS)
        (unconfirmed,) = members(1)
        self.publish(unconfirmed, "unconfirmed-text", Visibility.SIGNED, confirmed=False)
        html, entry = self.read()
        for part in ("obtained", "problems", "solutions"):
            self.assertIn(f"anonymous-text-{part}", html)
            self.assertIn(f"signed-text-{part}", html)
        for hidden in ("private-text", "shared-text", "unconfirmed-text"):
            self.assertNotIn(hidden, html)
            self.assertNotIn(hidden, json.dumps(entry))
        # Signed: the member's name; anonymous: none.
        self.assertIn("<strong>Bob</strong>", html)
        self.assertNotIn("Alice", html)
        self.assertNotIn("Member 0", html)
        published = {d["obtained"]: d for d in entry["published_debriefs"]}
        self.assertEqual(set(published), {"anonymous-text-obtained", "signed-text-obtained"})
        self.assertEqual(published["signed-text-obtained"]["author"], "Bob")
        self.assertIsNone(published["anonymous-text-obtained"]["author"])
        # Texts, never numbers.
        self.assertEqual(
            set(published["signed-text-obtained"]),
            {"written_on", "author", "obtained", "problems", "solutions"},
        )

    def test_the_page_shows_the_newest_ten_and_all_on_demand(self) -> None:
        for n, member in enumerate(members(12)):
            debrief(
                member,
                self.version,
                written_on=dt.date(2026, 3, 1) + dt.timedelta(days=n),
                obtained=f"text-number-{n:02d}",
                visibility=Visibility.ANONYMOUS,
                names_confirmed=True,
            )
        html = self.client.get(page_url(self.method)).content.decode()
        self.assertIn("text-number-11", html)
        self.assertIn("text-number-02", html)
        self.assertNotIn("text-number-01", html)
        self.assertIn(f"?all={self.version.pk}", html)
        self.assertIn("See all 12 published debriefs", html)
        html = self.client.get(page_url(self.method), {"all": self.version.pk}).content.decode()
        self.assertIn("text-number-00", html)
        self.assertEqual(len(self.read()[1]["published_debriefs"]), 12)


class AccessAndShapeTests(ResultsViewsTestCase):
    def test_a_members_only_method_s_results_are_for_members(self) -> None:
        private = make_method(
            self.facilitator, slug="entre-membres", visibility=Method.Visibility.MEMBERS
        )
        for url in (page_url(private), json_url(private)):
            self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.charlie)
        for url in (page_url(private), json_url(private)):
            self.assertEqual(self.client.get(url).status_code, 200)
        self.assertNotIn("Access-Control-Allow-Origin", self.client.get(json_url(private)))
        self.assertEqual(
            self.client.get(json_url(self.method))["Access-Control-Allow-Origin"], "*"
        )
        self.assertEqual(self.client.get(page_url(Method(slug="nope"))).status_code, 404)

    def test_drafts_never_appear_and_unvalidated_versions_say_why(self) -> None:
        make_version(self.method, 2, 1, state=State.DRAFT, title="draft-title-marker")
        make_version(self.method, 3, 1, state=State.OPEN, title="open-title-marker")
        self.client.force_login(self.facilitator)
        html = self.client.get(page_url(self.method)).content.decode()
        self.assertNotIn("draft-title-marker", html)
        self.assertIn("open-title-marker", html)
        self.assertIn("this one was not, so it has no results", html)

    def test_the_json_keys(self) -> None:
        for member in members(5):
            debrief(member, self.version)
        releases.consider_release(self.version)
        data = self.client.get(json_url(self.method)).json()
        self.assertEqual(
            set(data),
            {
                "schema",
                "generated_at",
                "language",
                "method",
                "rule",
                "outcome_kinds",
                "versions",
            },
        )
        self.assertEqual(data["schema"], 1)
        self.assertEqual(data["method"]["slug"], self.method.slug)
        self.assertEqual(
            set(data["rule"]),
            {
                "minimum_members",
                "minimum_bucket",
                "minimum_changed",
                "confidence",
                "interval",
                "text",
            },
        )
        (version,) = data["versions"]
        self.assertEqual(
            set(version),
            {
                "step",
                "version",
                "title",
                "state",
                "url",
                "validated_at",
                "expectation",
                "rule",
                "results",
                "published_debriefs",
            },
        )
        self.assertEqual(
            set(version["results"]),
            {
                "schema",
                "enough",
                "released_at",
                "adopters",
                "abandoned",
                "debriefed",
                "silent",
                "expectation",
                "verdict",
                "outcomes",
                "assessment",
                "usefulness",
                "corrected",
            },
        )
        self.assertEqual(version["expectation"]["share"], 60)
        self.assertIn("at or above 60%", version["rule"])

    def test_the_page_and_the_json_in_the_reader_s_language(self) -> None:
        for member in members(5):
            debrief(member, self.version)
        releases.consider_release(self.version)
        response = self.client.get(page_url(self.method), HTTP_ACCEPT_LANGUAGE="fr")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Language"], "fr")
        data = self.client.get(json_url(self.method), HTTP_ACCEPT_LANGUAGE="fr").json()
        self.assertEqual(data["language"], "fr")


class QueryCountTests(BaseTestCase):
    def build(self, slug: str, versions: int, debriefers: int) -> Method:
        method = make_method(self.facilitator, slug=slug)
        crowd = members(debriefers, slug)
        for step in range(1, versions + 1):
            version = make_expected_version(method, step)
            for n, member in enumerate(crowd):
                debrief(
                    member,
                    version,
                    n % 4,
                    obtained=f"{slug} {step} {n}",
                    visibility=(Visibility.SIGNED, Visibility.ANONYMOUS, Visibility.PRIVATE)[
                        n % 3
                    ],
                    names_confirmed=True,
                )
            releases.consider_release(version)
        return method

    def queries(self, url: str) -> int:
        self.client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(captured.captured_queries)

    def test_the_queries_do_not_grow_with_versions_or_debriefs(self) -> None:
        small = self.build("small", 1, 5)
        large = self.build("large", 4, 30)
        for name in ("methods:results", "methods:results-json"):
            with self.subTest(name=name):
                few = self.queries(reverse(name, args=[small.slug]))
                many = self.queries(reverse(name, args=[large.slug]))
                self.assertEqual(few, many)
                self.assertLessEqual(many, 6)
        self.client.force_login(self.alice)
        self.assertEqual(self.queries(page_url(small)), self.queries(page_url(large)))


@pytest.mark.filedb
class ResultsBrowserTests(BrowserTestCase):
    """The results page in a browser: axe finds nothing serious on a screen or a phone, it
    does not scroll sideways, and the verdict's chart is hidden from screen readers, whose
    sentence says the same."""

    def setUp(self) -> None:
        super().setUp()
        method = make_method(make_user("fac@example.org", "Fatou"))
        self.url = page_url(method)
        version = make_expected_version(method)
        for n, member in enumerate(members(7)):
            debrief(
                member,
                version,
                (0, 3)[n % 2],
                measured={"reactivation": n, "meeting": 2 * n, "new_contact": 3 * n},
                obtained="Deux anciens collègues m'ont répondu, dont un très long-mot-sans-espace"
                + "-x" * 40,
                visibility=Visibility.SIGNED if n % 2 else Visibility.ANONYMOUS,
                names_confirmed=True,
            )
        releases.consider_release(version)

    def test_it_is_accessible_on_a_screen_and_a_phone(self) -> None:
        for page in (self.page, self.new_page(viewport=NARROW)):
            self.visit(self.url, page)
            self.assertIn("counted members reached", page.locator(".verdict").inner_text())
            self.assertEqual(page.locator(".verdict-chart").get_attribute("aria-hidden"), "true")
            violations = Axe().run(page).response["violations"]
            serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
            self.assertEqual(serious, [])
            self.assertIsNone(self.horizontal_overflow(page))
