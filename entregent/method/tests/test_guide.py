"""The guide: a method's validated steps, in order, as one page and as Markdown."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from playwright.sync_api import expect

from entregent.goals.models import Outcome
from entregent.method.guide import shift_headings
from entregent.method.models import Method, StepVersion
from entregent.method.tests.factories import make_method, make_version
from entregent.method.tests.report_factories import debriefs, expected_version, release
from entregent.test import BaseTestCase, make_user
from entregent.tests.browser import NARROW, BrowserTestCase

State = StepVersion.State
VALIDATED_AT = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)


def guide_url(method: Method) -> str:
    return reverse("methods:guide", args=[method.slug])


def markdown_url(method: Method) -> str:
    return reverse("methods:guide-markdown", args=[method.slug])


class GuideContentTests(BaseTestCase):
    method: Method

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.method = make_method(cls.facilitator)
        # Step 1: version 1 validated then superseded by version 2.
        make_version(
            cls.method,
            1,
            1,
            state=State.SUPERSEDED,
            title="Faire l'inventaire",
            recommendation="old-recommendation-marker",
            validated_at=VALIDATED_AT - dt.timedelta(days=20),
        )
        make_version(
            cls.method,
            1,
            2,
            state=State.VALIDATED,
            title="Cartographier son réseau",
            reasoning="On sous-estime son réseau.\n\n### Les liens dormants\n\nIls comptent.",
            recommendation="Bloquez **deux séances** d'une heure.",
            checklist=["Importer ses contacts", "Marquer dix liens dormants"],
            expected_kind=Outcome.Kind.REACTIVATION,
            expected_count=2,
            expected_share=60,
            expected_window_days=30,
            expectation_text="Au moins deux liens réactivés.",
            validated_at=VALIDATED_AT,
        )
        # Step 2: open for feedback, never validated.
        make_version(cls.method, 2, 1, state=State.OPEN, title="Réactiver les liens dormants")
        # Step 3: validated, with its next version in discussion.
        make_version(
            cls.method,
            3,
            1,
            state=State.VALIDATED,
            title="Donner avant de demander",
            validated_at=VALIDATED_AT,
        )
        make_version(cls.method, 3, 2, state=State.OPEN, title="Donner, puis demander")
        # Step 4 is a draft, step 5 scheduled: for the facilitators only, never in the guide.
        make_version(cls.method, 4, 1, title="draft-step-marker", reasoning="draft-text-marker")
        make_version(cls.method, 5, 1, state=State.SCHEDULED, title="scheduled-step-marker")
        # A draft revision of a validated step stays out of it too.
        make_version(cls.method, 3, 3, title="draft-revision-marker")

    def test_it_shows_each_steps_current_validated_version_in_order(self) -> None:
        response = self.client.get(guide_url(self.method))
        html = response.content.decode()

        self.assertContains(response, "Cartographier son réseau")
        self.assertContains(response, "Version 2, validated on 3 March 2026")
        self.assertContains(response, "<strong>deux séances</strong>", html=False)
        self.assertContains(response, "Importer ses contacts")
        self.assertContains(
            response, "Reactivated contact: at least 2, for 60% of those who apply it"
        )
        self.assertContains(response, "Au moins deux liens réactivés.")
        self.assertNotContains(response, "old-recommendation-marker")
        positions = [
            html.index('id="step-1"'),
            html.index('id="step-2"'),
            html.index('id="step-3"'),
        ]
        self.assertEqual(positions, sorted(positions))

    def test_the_texts_headings_come_below_the_steps_parts(self) -> None:
        response = self.client.get(guide_url(self.method))

        self.assertContains(response, "<h3>Why</h3>", html=False)
        self.assertContains(response, "<h4>Les liens dormants</h4>", html=False)

    def test_a_step_without_a_validated_version_is_listed_as_not_validated_yet(self) -> None:
        response = self.client.get(guide_url(self.method))
        html = response.content.decode()
        step_2 = html[html.index('id="step-2"') : html.index('id="step-3"')]

        self.assertIn("Réactiver les liens dormants", step_2)
        self.assertIn("Not validated yet", step_2)
        self.assertIn("is open for feedback", step_2)
        self.assertIn(reverse("methods:version", args=[self.method.slug, 2, 1]), step_2)
        self.assertContains(response, "2 of 3 published steps validated")

    def test_a_validated_step_says_its_next_version_is_in_discussion(self) -> None:
        html = self.client.get(guide_url(self.method)).content.decode()
        step_3 = html[html.index('id="step-3"') :]

        self.assertIn("Donner avant de demander", step_3)
        self.assertIn("version 2</a>, is open for feedback", step_3)

    def test_drafts_and_scheduled_steps_never_appear_even_for_the_facilitator(self) -> None:
        for who in (None, self.bob, self.facilitator):
            if who is not None:
                self.client.force_login(who)
            for url in (guide_url(self.method), markdown_url(self.method)):
                response = self.client.get(url)
                with self.subTest(who=who, url=url):
                    self.assertEqual(response.status_code, 200)
                    for marker in (
                        "draft-step-marker",
                        "draft-text-marker",
                        "scheduled-step-marker",
                        "draft-revision-marker",
                    ):
                        self.assertNotContains(response, marker)

    def test_it_has_a_table_of_contents_and_links_to_the_steps_and_the_markdown(self) -> None:
        response = self.client.get(guide_url(self.method))

        for number in (1, 2, 3):
            self.assertContains(response, f'href="#step-{number}"', html=False)
        self.assertContains(response, reverse("methods:step", args=[self.method.slug, 1]))
        self.assertContains(response, f'href="{markdown_url(self.method)}" download', html=False)
        self.assertContains(response, "method/guide", html=False)  # its print stylesheet

    def test_the_method_page_links_to_the_guide(self) -> None:
        response = self.client.get(self.method.get_absolute_url())

        self.assertContains(response, f'href="{guide_url(self.method)}"', html=False)

    def test_the_markdown_is_a_utf8_download_named_after_the_method(self) -> None:
        response = self.client.get(markdown_url(self.method))

        self.assertEqual(response["Content-Type"], "text/markdown; charset=utf-8")
        self.assertEqual(response["Content-Language"], "fr")
        self.assertEqual(
            response["Content-Disposition"],
            'attachment; filename="developper-son-reseau-guide.md"',
        )
        text = response.content.decode("utf-8")
        self.assertIn("# Développer son réseau\n", text)
        # In the method's language, whatever the reader's: a French method, French labels.
        self.assertIn("### Pourquoi\n", text)
        self.assertIn("3 mars 2026", text)


class GuideVisibilityTests(BaseTestCase):
    public: Method
    members: Method

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.public = make_method(cls.facilitator, slug="public-method")
        make_version(cls.public, 1, 1, state=State.VALIDATED, title="public-step-marker")
        cls.members = make_method(
            cls.facilitator, slug="members-method", visibility=Method.Visibility.MEMBERS
        )
        make_version(cls.members, 1, 1, state=State.VALIDATED, title="members-step-marker")

    def test_a_visitor_reads_a_public_methods_guide(self) -> None:
        for url in (guide_url(self.public), markdown_url(self.public)):
            self.assertContains(self.client.get(url), "public-step-marker")

    def test_a_members_only_guide_is_404_to_visitors_and_readable_by_members(self) -> None:
        for url in (guide_url(self.members), markdown_url(self.members)):
            self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.charlie)
        for url in (guide_url(self.members), markdown_url(self.members)):
            self.assertContains(self.client.get(url), "members-step-marker")

    def test_an_unknown_method_has_no_guide(self) -> None:
        self.assertEqual(self.client.get("/methods/nothing-here/guide/").status_code, 404)
        self.assertEqual(self.client.get("/methods/nothing-here/guide.md").status_code, 404)

    def test_a_public_guide_carries_link_previews_and_a_members_only_one_none(self) -> None:
        self.assertContains(self.client.get(guide_url(self.public)), 'property="og:title"')
        self.client.force_login(self.charlie)
        self.assertNotContains(self.client.get(guide_url(self.members)), 'property="og:title"')

    def test_a_method_with_nothing_published_has_an_empty_guide(self) -> None:
        empty = make_method(self.facilitator, slug="empty-method")
        make_version(empty, 1, 1, title="only-a-draft-marker")

        response = self.client.get(guide_url(empty))
        self.assertContains(response, "No step is published yet.")
        self.assertNotContains(response, "only-a-draft-marker")


@override_settings(SITE_URL="https://entregent.example")
class GuideMarkdownTests(BaseTestCase):
    def test_the_markdown_of_a_small_guide_exactly(self) -> None:
        method = make_method(
            self.facilitator,
            slug="grow",
            title="Grow your network",
            language="en",
            description="A method built **in the open**.",
        )
        make_version(
            method,
            1,
            2,
            state=State.VALIDATED,
            title="Map your network",
            reasoning="You know more people than you think.\n\n# Dormant ties\r\n\r\nThey count.",
            recommendation="Block **two hours**.",
            checklist=["Import your contacts", "Mark ten dormant ties"],
            expected_kind=Outcome.Kind.REACTIVATION,
            expected_count=2,
            expected_share=60,
            expected_window_days=30,
            expectation_text="Two real exchanges.",
            validated_at=VALIDATED_AT,
        )
        make_version(method, 2, 1, state=State.OPEN, title="Revive dormant ties")

        response = self.client.get(markdown_url(method))

        self.assertEqual(
            response.content.decode(),
            """\
# Grow your network

The validated steps of this method, in order. Online: <https://entregent.example/methods/grow/>

A method built **in the open**.

## Contents

1. Step 1: Map your network
2. Step 2: Revive dormant ties (not validated yet)

## Step 1: Map your network

Version 2, validated on 3 March 2026. <https://entregent.example/methods/grow/steps/1/>

**Results: Not enough data yet.** Results appear once 5 members have debriefed this version: \
fewer would say too much about each of them.

### Why

You know more people than you think.

#### Dormant ties

They count.

### What to do

Block **two hours**.

### Checklist

1. Import your contacts
2. Mark ten dormant ties

### What it should bring

**Reactivated contact: at least 2, for 60% of those who apply it, within 30 days**

Two real exchanges.

## Step 2: Revive dormant ties

_Not validated yet: version 1 is open for feedback._ <https://entregent.example/methods/grow/steps/2/>
""",
        )

    def test_headings_move_below_the_guides_own_but_not_inside_code(self) -> None:
        text = "# One\n## Two\n### Three\n##### Five\n```\n# a comment in code\n```\n#hashtag"

        self.assertEqual(
            shift_headings(text),
            "#### One\n#### Two\n#### Three\n###### Five\n```\n# a comment in code\n```\n#hashtag",
        )


class GuideQueryTests(BaseTestCase):
    def test_the_guide_reads_the_same_number_of_queries_for_2_or_8_steps(self) -> None:
        counts = []
        for steps in (2, 8):
            method = make_method(self.facilitator, slug=f"method-{steps}")
            for number in range(1, steps + 1):
                make_version(method, number, 1, state=State.SUPERSEDED)
                make_version(method, number, 2, state=State.VALIDATED, checklist=["a", "b"])
                make_version(method, number, 3, state=State.OPEN)
            for url in (guide_url(method), markdown_url(method)):
                self.client.get(url)  # warm the caches (translations, templates)
                with CaptureQueriesContext(connection) as queries:
                    response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                counts.append(len(queries))
        self.assertEqual(counts[:2], counts[2:])
        # The method, its steps, their versions, and the versions' released figures.
        self.assertLessEqual(counts[0], 4)


class GuideVerdictTests(BaseTestCase):
    """Each validated version's verdict, from its released figures: the current one in full
    with its rule, the ones it replaced in a line, "not enough data yet" until five members
    have debriefed one; the same in the Markdown."""

    method: Method

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.method = make_method(cls.facilitator, slug="grow", title="Grow", language="en")
        # Step 1: version 1 failed (1 of 10), version 2, which replaced it, succeeded.
        first = expected_version(cls.method, 1, 1, state=State.SUPERSEDED, title="Take stock")
        debriefs(first, [0, 1, 0, 2, 1, 0, 1, 0, 0, 1], prefix="v1")
        release(first)
        second = expected_version(cls.method, 1, 2, title="Map who counts")
        debriefs(second, [2, 3, 2, 2, 4, 2, 3, 2, 2, 2], prefix="v2")
        release(second)
        # Step 2: validated, four members debriefed it: nothing to show yet.
        third = expected_version(cls.method, 2, 1, title="Revive dormant ties")
        debriefs(third, [7, 9, 11, 13], prefix="s2")
        release(third)
        # Step 3: in discussion, never applied: no verdict at all.
        make_version(cls.method, 3, 1, state=State.OPEN, title="Give before asking")

    def test_the_page_shows_each_validated_versions_verdict(self) -> None:
        page = self.client.get(guide_url(self.method)).content.decode()
        step_1, step_2, step_3 = (
            page.split('id="step-1"')[1].split('id="step-2"')[0],
            page.split('id="step-2"')[1].split('id="step-3"')[0],
            page.split('id="step-3"')[1],
        )

        self.assertIn('<strong class="verdict-badge">Succeeded</strong>', step_1)
        self.assertIn("10 of 10 counted members reached the expected count", step_1)
        self.assertIn("The rule:", step_1)
        self.assertIn("Version 1, validated on", step_1)
        self.assertIn('<strong class="verdict-badge">Failed</strong>', step_1)
        self.assertIn("1 of 10 counted members reached the expected count", step_1)
        self.assertIn("Not enough data yet", step_2)
        self.assertNotIn("%", step_2.split('class="guide-step-body"')[0])
        self.assertNotIn("verdict", step_3)

    def test_the_markdown_says_the_same(self) -> None:
        text = self.client.get(markdown_url(self.method)).content.decode()

        self.assertIn("**Results: Succeeded.** 10 of 10 counted members", text)
        self.assertIn("_The rule: A member counts once 30 days have passed", text)
        self.assertIn("_Version 1, validated on", text)
        self.assertIn("and since replaced:_ **Failed.** 1 of 10 counted members", text)
        self.assertIn("**Results: Not enough data yet.**", text)
        step_3 = text.split("## Step 3: Give before asking")[1]
        self.assertNotIn("Results", step_3)

    def test_a_french_methods_markdown_gives_its_verdicts_in_french(self) -> None:
        method = make_method(self.facilitator, slug="reseau")
        version = expected_version(method, 1, 1)
        debriefs(version, [2, 3, 2, 2, 4, 2, 2, 3, 2, 2], prefix="fr")
        release(version)

        text = self.client.get(markdown_url(method)).content.decode()

        self.assertIn("Réussie", text)
        self.assertNotIn("Succeeded", text)


@pytest.mark.filedb
class GuideBrowserTests(BrowserTestCase):
    """The guide as a browser shows it: axe finds nothing serious on a screen or a phone, and
    on paper the screen-only links give way to the guide's address."""

    def setUp(self) -> None:
        super().setUp()
        facilitator = make_user("fac@example.org", "Fatou")
        self.method = make_method(facilitator)
        make_version(
            self.method,
            1,
            1,
            state=State.VALIDATED,
            title="Cartographier son réseau",
            reasoning="On sous-estime son réseau.\n\n### Les liens dormants\n\nIls comptent.",
            checklist=["Importer ses contacts", "Marquer dix liens dormants"],
            expected_kind=Outcome.Kind.REACTIVATION,
            expected_count=2,
            expected_share=60,
            expected_window_days=30,
        )
        make_version(self.method, 2, 1, state=State.OPEN, title="Réactiver les liens dormants")
        # Its verdict, with its chart and rule, on the page too.
        version = StepVersion.objects.get(step__method=self.method, step__number=1)
        debriefs(version, [2, 3, 2, 2, 4, 2, 3, 2, 2, 2])
        release(version)

    def test_it_is_accessible_on_a_screen_and_a_phone(self) -> None:
        for page in (self.page, self.new_page(viewport=NARROW)):
            self.visit(guide_url(self.method), page)
            violations = Axe().run(page).response["violations"]
            serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
            self.assertEqual(serious, [])
            self.assertIsNone(self.horizontal_overflow(page))

    def test_printed_it_drops_the_screen_links_and_gives_its_address(self) -> None:
        page = self.visit(guide_url(self.method))
        expect(page.locator(".verdict-succeeded")).to_be_visible()
        expect(page.get_by_role("link", name="Download in Markdown")).to_be_visible()
        expect(page.locator(".guide-online")).to_be_hidden()

        page.emulate_media(media="print")

        expect(page.get_by_role("link", name="Download in Markdown")).to_be_hidden()
        expect(page.locator(".guide-step-link")).to_be_hidden()
        expect(page.locator(".guide-results-link")).to_be_hidden()
        # The verdict is part of the document.
        expect(page.locator(".verdict-succeeded")).to_be_visible()
        expect(page.locator(".guide-online")).to_be_visible()
        expect(page.locator(".guide-online")).to_contain_text(guide_url(self.method))
