"""Applying a step in a real browser: Alice applies a validated step from its page, ticks her
checklist, adds an item, records an outcome through the site's own outcome pages, and
debriefs with the number her log measured, corrected once; as the fifth member to debrief, she
sees the public results appear. Then the pages are checked with axe, on a screen and on a
phone.
"""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from entregent.goals.models import Objective, Outcome
from entregent.method import adoptions, releases
from entregent.method.models import Adoption, Debrief, StepVersion
from entregent.method.tests.factories import make_method, make_version
from entregent.method.tests.report_factories import debriefs
from entregent.network.tests.factories import make_contact
from entregent.test import make_user
from entregent.tests.browser import NARROW, BrowserTestCase

pytestmark = pytest.mark.filedb

CHECKLIST = ["Lister vingt personnes qui comptent", "Écrire à trois liens dormants"]


def validated_version(slug: str = "developper-son-reseau") -> StepVersion:
    facilitator = make_user(f"fac-{slug}@example.org", "Fatou")
    method = make_method(facilitator, slug=slug)
    return make_version(
        method,
        state=StepVersion.State.VALIDATED,
        validated_at=timezone.now() - dt.timedelta(days=60),
        checklist=CHECKLIST,
        expected_kind=Outcome.Kind.MEETING,
        expected_count=2,
        expected_share=60,
        expected_window_days=30,
    )


class ApplyJourneyTests(BrowserTestCase):
    def test_apply_tick_record_an_outcome_and_debrief(self) -> None:
        version = validated_version()
        alice = make_user("alice@example.org", "Alice")
        Objective.objects.create(owner=alice, title="Trouver une mission")
        page = self.page
        self.log_in(alice)

        # From the step's page.
        self.visit("/methods/developper-son-reseau/steps/1/")
        page.get_by_role("link", name="Apply this step").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Apply step 1")
        expect(page.get_by_label("Applied since")).to_have_value(timezone.localdate().isoformat())
        page.get_by_label("For which of my objectives (optional)").select_option(
            label="Trouver une mission"
        )
        page.get_by_role("button", name="Apply this step").click()
        expect(page.locator("ul.messages")).to_contain_text("You apply this step.")
        expect(page.locator(".checklist-progress")).to_contain_text("0 of 2 items done")

        # Ticking works as a plain form; the page comes back at the item.
        first = page.locator(".adoption-item", has_text=CHECKLIST[0])
        first.get_by_role("button", name="Mark it done").click()
        expect(page.locator(".checklist-progress")).to_contain_text("1 of 2 items done")
        expect(first.get_by_role("button", name="Done. Mark it not done")).to_be_visible()
        page.get_by_label("Add an item of my own").fill("Relancer Paul en décembre")
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.locator(".checklist-progress")).to_contain_text("1 of 3 items done")
        expect(page.locator(".adoption-item", has_text="Relancer Paul")).to_contain_text(
            "my own item"
        )

        # An outcome, through the outcome pages, back to the adoption.
        page.get_by_role("link", name="Record an outcome").click()
        page.get_by_label("Kind").select_option("meeting")
        page.get_by_role("button", name="Record it").click()
        expect(page.locator("ul.messages")).to_contain_text("The outcome was recorded.")
        expect(page.get_by_role("heading", level=1)).to_have_text(version.title)

        # The debrief: one meeting measured; Alice had a second one she never recorded.
        page.get_by_role("link", name="Write a debrief").click()
        meetings = page.get_by_label("Meetings", exact=True)
        expect(meetings).to_have_value("1")
        meetings.fill("2")
        page.get_by_label("It worked", exact=True).check()
        page.get_by_label("4", exact=True).check()
        page.get_by_label("What I obtained that I did not have before").fill(
            "Deux cafés et une piste de mission."
        )
        page.get_by_label("Shared with the method's facilitators").check()
        page.get_by_role("button", name="Save my debrief").click()
        expect(page.locator("ul.messages")).to_contain_text("Your debrief is saved.")
        row = page.get_by_role("row", name="Meetings")
        expect(row).to_contain_text("1")
        expect(row).to_contain_text("2")
        expect(page.get_by_role("main")).to_contain_text("You corrected 1 number.")

        debrief = Debrief.objects.get()
        self.assertEqual((debrief.measured["meeting"], debrief.corrected), (1, {"meeting": 2}))
        self.assertEqual((debrief.visibility, debrief.names_confirmed), ("facilitators", True))
        adoption = Adoption.objects.get()
        self.assertEqual(
            adoption.objective.title if adoption.objective else "", "Trouver une mission"
        )
        self.assertEqual(adoption.items.filter(done_at__isnull=False).count(), 1)

    def test_the_results_change_once_five_members_have_debriefed(self) -> None:
        version = validated_version()
        # Four members debriefed before her: too few for anything to be shown.
        debriefs(version, [2, 2, 3, 1])
        releases.consider_release(version)
        results = "/methods/developper-son-reseau/results/"
        page = self.visit(results)
        expect(page.get_by_role("main")).to_contain_text("Not enough data yet")
        expect(page.get_by_role("main")).not_to_contain_text("counted members reached")

        # Alice applied it 40 days ago and had two meetings within its 30 days.
        alice = make_user("alice@example.org", "Alice")
        adoption, _ = adoptions.apply(
            alice, version, adopted_on=timezone.localdate() - dt.timedelta(days=40)
        )
        for days in (3, 12):
            Outcome.objects.create(
                owner=alice,
                kind=Outcome.Kind.MEETING,
                occurred_on=adoption.adopted_on + dt.timedelta(days=days),
            )
        self.log_in(alice)
        self.visit(f"/methods/applied/{adoption.pk}/")
        page.get_by_role("link", name="Write a debrief").click()
        page.get_by_label("It worked", exact=True).check()
        page.get_by_label("4", exact=True).check()
        page.get_by_role("button", name="Save my debrief").click()
        expect(page.locator("ul.messages")).to_contain_text("Your debrief is saved.")

        # The fifth member: the figures are released, hers inside them.
        self.visit(results)
        main = page.get_by_role("main")
        expect(main).not_to_contain_text("Not enough data yet")
        expect(main).to_contain_text("4 of 5 counted members reached the expected count")
        expect(main).to_contain_text("Inconclusive")

    def test_a_name_from_her_network_waits_for_her_confirmation(self) -> None:
        version = validated_version()
        alice = make_user("alice@example.org", "Alice")
        make_contact(alice, "Hélène Dupont", given_name="Hélène", family_name="Dupont")
        adoption, _ = adoptions.apply(alice, version, adopted_on=timezone.localdate())
        page = self.page
        self.log_in(alice)
        self.visit(f"/methods/applied/{adoption.pk}/debriefs/new/")
        page.get_by_label("It partly worked").check()
        page.get_by_label("3", exact=True).check()
        page.get_by_label("The problems I met").fill("Hélène Dupont n'a pas répondu.")
        page.get_by_label("Published anonymously").check()
        page.get_by_role("button", name="Save my debrief").click()
        expect(page.get_by_role("alert").filter(has_text="Hélène Dupont")).to_contain_text(
            "Your text names people from your network: Hélène Dupont."
        )
        expect(page.get_by_label("The problems I met")).to_have_value(
            "Hélène Dupont n'a pas répondu."
        )
        self.assertFalse(Debrief.objects.exists())
        page.get_by_label("I have checked: share it with these names").check()
        page.get_by_role("button", name="Save my debrief").click()
        expect(page.locator("ul.messages")).to_contain_text("Your debrief is saved.")
        self.assertEqual(Debrief.objects.get().names_confirmed, True)


axe = Axe()


class ApplyPagesTests(BrowserTestCase):
    """axe finds no serious or critical problem, and a phone never scrolls sideways."""

    def test_pages_are_accessible_and_fit_a_phone(self) -> None:
        version = validated_version()
        alice = make_user("alice@example.org", "Alice")
        # Applied 40 days ago: its 30-day window has ended, the verdict's number is asked.
        adoption, _ = adoptions.apply(
            alice, version, adopted_on=timezone.localdate() - dt.timedelta(days=40)
        )
        adoptions.tick(adoption.items.first(), True)  # type: ignore[arg-type]
        adoptions.add_item(adoption, "Un élément à moi, assez long pour passer à la ligne " * 2)
        Outcome.objects.create(
            owner=alice, kind="meeting", occurred_on=timezone.localdate() - dt.timedelta(days=30)
        )
        debrief = Debrief.objects.create(
            adoption=adoption,
            owner=alice,
            version=version,
            measured={"meeting": 1},
            corrected={"meeting": 2},
            window_measured=1,
            assessment="partly",
            usefulness=3,
            obtained="Une piste.",
        )
        base = f"/methods/applied/{adoption.pk}/"
        paths = {
            "step": "/methods/developper-son-reseau/steps/1/",
            "apply (applied: redirected)": "/methods/developper-son-reseau/steps/1/v1/apply/",
            "my steps": "/methods/applied/",
            "adoption": base,
            "debrief form": base + "debriefs/new/",
            "debrief": base + f"debriefs/{debrief.pk}/",
            "edit": base + "edit/",
        }
        for viewport in (None, NARROW):
            page = self.new_page(viewport=viewport)
            self.log_in(alice, page)
            for name, path in paths.items():
                with self.subTest(name, viewport=viewport):
                    self.visit(path, page)
                    self.assert_no_serious_violations(page)
                    if viewport is NARROW:
                        self.assertIsNone(self.horizontal_overflow(page))
            # The debrief form sent back with errors.
            self.visit(base + "debriefs/new/", page)
            page.get_by_role("button", name="Save my debrief").click()
            expect(page.get_by_role("alert").first).to_be_visible()
            self.assert_no_serious_violations(page)
            page.context.close()

    def test_the_apply_page_of_a_fresh_member(self) -> None:
        validated_version()
        bob = make_user("bob@example.org", "Bob")
        for viewport in (None, NARROW):
            page = self.new_page(viewport=viewport)
            self.log_in(bob, page)
            self.visit("/methods/developper-son-reseau/steps/1/v1/apply/", page)
            self.assert_no_serious_violations(page)
            page.get_by_label("Applied since").fill("2000-01-01")
            page.get_by_role("button", name="Apply this step").click()
            expect(page.locator(".errorlist").first).to_contain_text("This version was validated")
            self.assert_no_serious_violations(page)
            if viewport is NARROW:
                self.assertIsNone(self.horizontal_overflow(page))
            page.context.close()

    def assert_no_serious_violations(self, page: Page) -> None:
        violations = [
            v
            for v in axe.run(page).response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        self.assertEqual(
            [(v["id"], [n["html"][:120] for n in v["nodes"]]) for v in violations], []
        )
