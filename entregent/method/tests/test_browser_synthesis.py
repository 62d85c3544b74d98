"""The synthesis in a real browser: the facilitator opens the workspace from the step's page,
decides what becomes of a suggestion and a criticism (a rejection without its reason is sent
back, saying so), writes the synthesis, writes a revised version and validates it directly,
then reads the step's page and the diff with the dispositions beside the changes. Then the
pages are checked with axe, and on a phone.
"""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from entregent.method import analysis
from entregent.method.models import Disposition, StepVersion, Vote
from entregent.method.tests.feedback_factories import make_comment, make_method, make_version
from entregent.test import make_user
from entregent.tests.browser import NARROW, BrowserTestCase

pytestmark = pytest.mark.filedb

SUGGESTION = "Commencer par deux appels par semaine, pas trois."
CRITICISM = "Un tableur irait plus vite que l'application."
REASON = "Le réseau vit dans l'application : c'est elle qui rappelle qui relancer."


def messages(page: Page) -> Locator:
    return page.locator("ul.messages")


def row(page: Page, text: str) -> Locator:
    return page.locator("tr.statement-row", has_text=text)


class SynthesisJourneyTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        old = timezone.now() - dt.timedelta(days=365)
        self.facilitator = make_user("fac@example.org", "Fatou", date_joined=old)
        self.method = make_method(self.facilitator)
        self.v1 = make_version(self.method)
        authors = [
            make_user(f"m{i}@example.org", f"Membre {i}", date_joined=old) for i in range(6)
        ]
        self.suggestion = make_comment(self.v1, authors[0], SUGGESTION, "suggestion")
        self.criticism = make_comment(self.v1, authors[1], CRITICISM, "criticism")
        make_comment(self.v1, authors[2], "Et les contacts personnels ?", "question")
        for i, member in enumerate(authors):
            Vote.cast(self.suggestion, member, "agree" if i < 5 else "pass")
            Vote.cast(self.criticism, member, "disagree" if i < 4 else "agree")
        analysis.refresh(self.v1.pk)
        self.step_path = f"/methods/{self.method.slug}/steps/1/"

    def test_from_the_feedback_to_a_validated_revision_and_its_diff(self) -> None:
        page = self.page
        self.log_in(self.facilitator)
        self.visit(self.step_path)
        page.get_by_role("link", name="Synthesis workspace", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Synthesis of step 1")
        expect(row(page, SUGGESTION)).to_contain_text("83% of 6 votes (95%: 44–97%)")
        expect(page.locator(".synthesis-figures")).to_contain_text("2 without a decision yet")

        # The suggestion goes into the next version.
        suggestion = row(page, SUGGESTION)
        suggestion.get_by_label("Integrated in the next version").check()
        suggestion.get_by_role("button", name="Record").click()
        expect(messages(page)).to_contain_text("Integrated in the next version")
        expect(row(page, SUGGESTION).locator(".decision-now")).to_contain_text("Fatou")

        # Rejecting the criticism without a reason is sent back, saying why, at its row.
        criticism = row(page, CRITICISM)
        criticism.get_by_label("Rejected").check()
        criticism.get_by_role("button", name="Record").click()
        criticism = row(page, CRITICISM)
        expect(criticism).to_contain_text("Say why it is rejected")
        reason = criticism.get_by_label("Reason (required to reject)")
        expect(reason).to_have_attribute("aria-invalid", "true")
        expect(criticism.get_by_label("Rejected")).to_be_checked()
        reason.fill(REASON)
        criticism.get_by_role("button", name="Record").click()
        expect(messages(page)).to_contain_text("Rejected")
        expect(page.locator(".synthesis-figures")).to_contain_text("0 without a decision yet")

        # The synthesis text.
        page.get_by_label("Text of the synthesis").fill(
            "Les membres veulent **moins** d'appels, et gardent l'application."
        )
        page.get_by_role("button", name="Save the synthesis").click()
        expect(messages(page)).to_contain_text("The synthesis is saved.")

        # A revised version, from version 1's text, validated directly.
        page.get_by_role("link", name="Write a revised version…").click()
        recommendation = page.get_by_label("Recommendation")
        expect(recommendation).to_have_value("Appelez trois personnes perdues de vue.")
        recommendation.fill("Appelez deux personnes perdues de vue.")
        page.get_by_role("button", name="Save the draft").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Validate step 1, version 2?")
        main = page.get_by_role("main")
        expect(main).to_contain_text("it answers the feedback on version 1")
        expect(main).to_contain_text(
            "The synthesis of the feedback on version 1 will be published"
        )
        page.get_by_role("button", name="Validate version 2").click()
        expect(messages(page)).to_contain_text("Version 2 is validated")
        expect(messages(page)).to_contain_text("1 suggestion or criticism marked “integrated”")

        # The step's page: the synthesis that led here and what became of the feedback.
        self.visit(self.step_path)
        synthesis = page.locator("#synthesis")
        expect(synthesis).to_contain_text("Les membres veulent moins d'appels")
        expect(synthesis).to_contain_text("Integrated in version 2")
        thread = page.locator(f"#{self.criticism.anchor}")
        expect(thread).to_contain_text(f"Decision: Rejected — {REASON}")

        # The diff, with the dispositions that caused it.
        page.get_by_role("link", name="What changed from version 1 to 2").click()
        causes = page.locator("#causes")
        expect(causes).to_contain_text("1 suggestion or criticism integrated")
        expect(causes).to_contain_text(SUGGESTION)
        expect(causes).to_contain_text(REASON)
        expect(page.locator(".diff-text ins.diff-ins").first).to_contain_text("deux")
        causes.get_by_role("link", name=SUGGESTION).click()
        expect(page.locator(f"#{self.suggestion.anchor}")).to_be_in_viewport()

        states = dict(StepVersion.objects.values_list("number", "state"))
        self.assertEqual(states, {1: "superseded", 2: "validated"})
        self.assertEqual(
            Disposition.objects.get(comment=self.suggestion).integrated_in,
            StepVersion.objects.get(number=2),
        )


axe = Axe()


class SynthesisPagesTests(BrowserTestCase):
    """axe finds no serious or critical problem, and a phone never scrolls sideways."""

    def setUp(self) -> None:
        super().setUp()
        old = timezone.now() - dt.timedelta(days=365)
        self.facilitator = make_user("fac@example.org", "Fatou", date_joined=old)
        self.method = make_method(self.facilitator)
        v1 = make_version(self.method, state=StepVersion.State.SYNTHESIS)
        members = [
            make_user(f"m{i}@example.org", f"Membre {i}", date_joined=old) for i in range(6)
        ]
        long = "Une suggestion assez longue pour passer à la ligne sur un téléphone. " * 3
        comments = [
            make_comment(v1, members[i % 6], f"{long} ({i})", ("suggestion", "criticism")[i % 2])
            for i in range(6)
        ]
        for i, comment in enumerate(comments):
            for j, member in enumerate(members):
                Vote.cast(comment, member, ("agree", "disagree", "pass")[(i + j) % 3])
        Disposition.record(comments[0], "integrated", "", self.facilitator)
        Disposition.record(
            comments[1], "rejected", "Hors du périmètre de l'étape.", self.facilitator
        )
        Disposition.record(comments[2], "deferred", "", self.facilitator)
        make_comment(v1, members[0], "Une remarque", "remark")
        analysis.refresh(v1.pk)
        v2 = make_version(self.method, number=2, state=StepVersion.State.DRAFT)
        StepVersion.objects.filter(pk=v1.pk).update(synthesis="Une **synthèse**.")
        StepVersion.objects.filter(pk=v2.pk).update(based_on=v1)
        StepVersion.objects.get(pk=v2.pk).validate()
        self.rejected = comments[3]

    def test_pages_are_accessible_and_fit_a_phone(self) -> None:
        slug = self.method.slug
        paths = {
            "workspace": f"/methods/{slug}/steps/1/synthesis/?v=1",
            "step": f"/methods/{slug}/steps/1/",
            "diff": f"/methods/{slug}/steps/1/diff/1..2/",
            "validate": f"/methods/{slug}/steps/1/v2/validate/",
        }
        for viewport in (None, NARROW):
            page = self.new_page(viewport=viewport)
            self.log_in(self.facilitator, page)
            for name, path in paths.items():
                with self.subTest(name, viewport=viewport):
                    self.visit(path, page)
                    self.check(page)
            # A rejection sent back without its reason.
            with self.subTest("error", viewport=viewport):
                self.visit(paths["workspace"], page)
                item = row(page, "(3)")
                item.get_by_label("Rejected").check()
                item.get_by_role("button", name="Record").click()
                expect(row(page, "(3)")).to_contain_text("Say why it is rejected")
                self.check(page)
            page.context.close()

    def check(self, page: Page) -> None:
        violations = [
            v
            for v in axe.run(page).response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        self.assertEqual(
            [(v["id"], [n["html"][:120] for n in v["nodes"]]) for v in violations], []
        )
        if page.viewport_size == NARROW:
            self.assertIsNone(self.horizontal_overflow(page))
