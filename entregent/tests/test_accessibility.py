"""Accessibility of the main pages: axe-core's checks, and the keyboard.

axe (through axe-playwright-python, which ships axe-core) runs on each page as a browser shows
it, the stylesheet applied; a "serious" or "critical" violation fails the test with its rule,
its impact and the elements at fault. The member's pages are checked with something on them
(``fill_network``, ``fill_tending``): a queue to tend, an objective, outcomes, a year of health
for the report's charts, a notification. The keyboard tests press Tab as a person would: the skip
link comes first and takes focus to the content, and focus is always visible.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from entregent.accounts.models import Notification
from entregent.goals.models import Objective, Outcome
from entregent.goals.snapshots import backfill_snapshots
from entregent.network.models import Contact
from entregent.network.tests.factories import log_interaction, make_contact
from entregent.test import PASSWORD
from entregent.tests.browser import NARROW, BrowserTestCase, fill_network

pytestmark = pytest.mark.filedb

FAILING_IMPACTS = ("serious", "critical")

axe = Axe()


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    {target}\n        {node['html'][:200]}")
    return "\n".join(lines)


class AxeTests(BrowserTestCase):
    def assert_accessible(self, page: Page) -> None:
        """No serious or critical violation on the page as it is now."""
        violations: list[dict[str, Any]] = axe.run(page).response["violations"]
        failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
        others = [v for v in violations if v["impact"] not in FAILING_IMPACTS]
        if others:  # shown with -s, and with the failure when there is one
            print(f"\n{page.url}: lesser axe findings\n{describe(others)}")
        self.assertEqual(failing, [], f"{page.url}\n{describe(failing)}")

    def check_pages(self, pages: dict[str, str], page: Page) -> None:
        for name, path in pages.items():
            with self.subTest(name, path=path):
                self.visit(path, page)
                self.assert_accessible(page)

    def test_visitor_pages(self) -> None:
        self.check_pages(
            {"visitor home": "/", "login": "/accounts/login/", "signup": "/accounts/signup/"},
            self.page,
        )

    def test_sign_up_pages_along_the_way(self) -> None:
        """The sign-up form sent back with errors, "check your email", and the confirmation."""
        page = self.visit("/accounts/signup/")
        main = page.get_by_role("main")
        main.get_by_label("Email").fill("not an address")
        main.get_by_label("Password", exact=True).fill("short")
        main.get_by_role("button", name="Sign up").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
        self.assert_accessible(page)

        main.get_by_label("Email").fill("nadia.axe@example.org")
        main.get_by_label("Password", exact=True).fill(PASSWORD)
        main.get_by_label("Password (again)").fill(PASSWORD)
        main.get_by_role("button", name="Sign up").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
        self.assert_accessible(page)

        link = re.search(r"https?://\S+/accounts/confirm-email/\S+", str(mail.outbox[-1].body))
        assert link is not None
        page.goto(link[0])
        expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Email Address")
        self.assert_accessible(page)

    def test_member_pages(self) -> None:
        contact = fill_network()
        fill_tending(contact)
        self.log_in(contact.owner)
        self.check_pages(member_pages(contact), self.page)
        # The goals pages were checked with something on them, not empty.
        main = self.page.get_by_role("main")
        self.visit("/network/tend/")
        expect(main).to_contain_text("Due contact number 0 with a longish name")
        expect(main).to_contain_text("Someone imported long ago")
        self.visit(
            Objective.objects.get(title="Design a catalogue for a museum").get_absolute_url()
        )
        expect(main).to_contain_text("Due contact number 1 with a longish name")
        self.visit("/network/report/?period=quarter")
        expect(main.locator("svg[role=img]")).to_have_count(2)
        # The header's search suggestions, open.
        self.visit("/network/")
        search = self.page.get_by_role("banner").get_by_role("combobox", name="Search my network")
        search.fill("Marie")
        expect(search).to_have_attribute("aria-expanded", "true")
        expect(self.page.locator("#header-suggestions")).to_contain_text("Marie-Élisabeth")
        self.assert_accessible(self.page)

    def test_member_pages_on_a_phone(self) -> None:
        contact = fill_network()
        fill_tending(contact)
        page = self.new_page(viewport=NARROW)
        self.log_in(contact.owner, page)
        self.check_pages(member_pages(contact), page)
        # The quick-add panel, open.
        page.get_by_role("banner").get_by_text("Quick add").click()
        self.assert_accessible(page)

    def test_forms_sent_back_with_errors(self) -> None:
        contact = fill_network()
        self.log_in(contact.owner)
        page = self.page
        main = page.get_by_role("main")

        self.visit("/network/contacts/new/")
        points = main.get_by_role("group", name="How to reach them").locator(".point-row").first
        points.get_by_label("Kind").select_option(label="Phone")
        points.get_by_label("Value").fill("not a phone")
        main.get_by_label("Birthday (month)").fill("2")
        main.get_by_role("button", name="Add contact").click()
        expect(page.get_by_role("status")).to_have_text("Please correct the errors below.")
        self.assert_accessible(page)
        # Each error is tied to its field, so a screen reader reads it with the field.
        for label, error in [
            ("Display name", "Give at least a name or an organisation."),
            ("Birthday (day)", "A birthday needs both a day and a month."),
        ]:
            with self.subTest(label):
                field = main.get_by_label(label, exact=True)
                expect(field).to_have_attribute("aria-invalid", "true")
                expect(field).to_have_accessible_description(re.compile(re.escape(error)))
        expect(points.get_by_label("Value")).to_have_accessible_description(
            "“not a phone” is not a phone number we recognise. "
            "Numbers outside France need their country code (+44…)."
        )

        self.visit("/network/interactions/new/")
        main.get_by_label("Summary").fill("")
        main.get_by_role("button", name="Log it").click()
        expect(main.locator(".errorlist").first).to_be_visible()
        self.assert_accessible(page)

        self.visit("/network/tags/")
        main.get_by_role("button", name="Create tag").click()
        expect(main.locator(".errorlist").first).to_be_visible()
        self.assert_accessible(page)

        self.visit("/network/objectives/new/")
        main.get_by_role("button", name="Create", exact=True).click()
        expect(main.locator(".errorlist").first).to_be_visible()
        self.assert_accessible(page)

        self.visit("/network/outcomes/new/")
        main.get_by_role("button", name="Record it").click()
        expect(main.locator(".errorlist").first).to_be_visible()
        self.assert_accessible(page)

        self.visit("/network/report/?start=2026-02-30&end=2025-01-01")
        expect(main.get_by_role("alert")).to_be_visible()
        self.assert_accessible(page)


def fill_tending(contact: Contact) -> None:
    """On top of ``fill_network``: people due and dormant (the tend page's queue), people to
    review, an objective with people who could help, outcomes recorded by hand and derived, a
    year of health snapshots (the report's charts) and a notification (the bell)."""
    alice = contact.owner
    today = timezone.localdate()
    long_ago = timezone.now() - dt.timedelta(days=5 * 365)
    for n, strength in enumerate([5, 4, 3, None]):
        person = make_contact(
            alice,
            f"Due contact number {n} with a longish name",
            tie_strength=strength,
            created_at=long_ago,
            headline="Typographer and poster designer for theatres",
            met_story="Met at a printing fair; we argued about serifs for an hour.",
        )
        # The first lunch reactivated them (they were dormant), the last one is long past.
        for days in (900, 400 + 100 * n):
            log_interaction(
                alice, [person], today - dt.timedelta(days=days), f"Lunch about posters {n}"
            )
    # To review: nothing says what they do, and silent for years.
    make_contact(alice, "Someone imported long ago", source="import", created_at=long_ago)
    objective = Objective.objects.create(
        owner=alice,
        kind=Objective.Kind.CLIENT,
        title="Design a catalogue for a museum",
        criteria="A graphic designer or typographer who knows museums and theatres.",
        target_on=today + dt.timedelta(days=90),
    )
    objective.contacts.add(contact)
    Objective.objects.create(
        owner=alice,
        kind=Objective.Kind.LEARN,
        title="Learn letterpress printing",
        status=Objective.Status.REACHED,
        closed_on=today - dt.timedelta(days=20),
    )
    partnership = Outcome.objects.create(
        owner=alice,
        kind=Outcome.Kind.PARTNERSHIP,
        occurred_on=today - dt.timedelta(days=10),
        objective=objective,
        note="We answer the museum's call for tenders together.",
    )
    partnership.contacts.add(contact)
    backfill_snapshots(alice, today - dt.timedelta(days=365), today - dt.timedelta(days=1))
    Notification.objects.create(
        recipient=alice,
        kind="goals.digest",
        title="Your weekly digest was sent",
        body=f"It went to {alice.email}. Who is due is also on your Tend page.",
        url=reverse("goals:tend"),
    )


def member_pages(contact: Contact) -> dict[str, str]:
    """The member's pages, once ``fill_network`` and ``fill_tending`` have filled them."""
    alice = contact.owner
    objective = Objective.objects.owned_by(alice).get(status=Objective.Status.OPEN)
    # Recorded for the member from a meeting: its form keeps only the note and the objective.
    derived = Outcome.objects.owned_by(alice).filter(kind=Outcome.Kind.MEETING).first()
    assert derived is not None and derived.is_derived
    return {
        "dashboard": "/",
        "contact list": "/network/",
        "contact list, filtered": "/network/?status=all&sort=-last",
        "contact detail": contact.get_absolute_url(),
        "contact form": "/network/contacts/new/",
        "contact edit form": f"/network/contacts/{contact.pk}/edit/",
        "interaction form": "/network/interactions/new/",
        "interaction form for a contact": f"/network/contacts/{contact.pk}/interactions/new/",
        "tags": "/network/tags/",
        "bin": "/network/bin/",
        "tend": "/network/tend/",
        "objectives": "/network/objectives/",
        "objective form": "/network/objectives/new/",
        "outcomes": "/network/outcomes/",
        "outcome form": "/network/outcomes/new/",
        "report": "/network/report/",
        "report, a quarter": "/network/report/?period=quarter",
        "report, a range": "/network/report/?start=2025-01-01&end=2025-12-31",
        "reminder settings": "/accounts/reminders/",
        "notifications": "/accounts/notifications/",
        "objective page": objective.get_absolute_url(),
        "objective edit form": reverse("goals:objective-edit", args=[objective.pk]),
        "derived outcome form": reverse("goals:outcome-edit", args=[derived.pk]),
    }


class KeyboardTests(BrowserTestCase):
    def active(self, page: Page, expression: str) -> Any:
        """Evaluate ``expression`` on the focused element, ``el``."""
        return page.evaluate(
            f"(() => {{ const el = document.activeElement; return {expression}; }})()"
        )

    def tab_to(self, page: Page, test: str, limit: int = 40) -> None:
        """Press Tab until the focused element passes ``test`` (a JS expression on ``el``)."""
        for _ in range(limit):
            page.keyboard.press("Tab")
            if self.active(page, test):
                return
        self.fail(f"Tab never reached an element where {test}")

    def test_skip_link_comes_first_and_moves_focus_to_the_content(self) -> None:
        contact = fill_network()
        fill_tending(contact)
        member = self.new_page()
        self.log_in(contact.owner, member)
        for who, page, path in [
            ("visitor", self.page, "/"),
            ("visitor", self.page, "/accounts/login/"),
            ("member", member, "/network/"),
            ("member", member, contact.get_absolute_url()),
            # Its script takes keys of its own (done, snooze, next entry): never Tab or Enter.
            ("member", member, "/network/tend/"),
        ]:
            with self.subTest(who=who, path=path):
                self.visit(path, page)
                page.keyboard.press("Tab")
                self.assertEqual(self.active(page, "el.textContent.trim()"), "Skip to content")
                # It shows up when focused, inside the window.
                box = page.get_by_role("link", name="Skip to content").bounding_box()
                assert box is not None
                self.assertGreaterEqual(box["x"], 0)
                self.assertGreaterEqual(box["y"], 0)

                page.keyboard.press("Enter")
                self.assertEqual(self.active(page, "el.id"), "main")
                # The next Tab lands inside the content, past the header's links.
                page.keyboard.press("Tab")
                self.assertTrue(
                    self.active(page, "el.closest('main') !== null"),
                    self.active(page, "el.outerHTML"),
                )

    def test_focus_is_visible_on_links_buttons_and_fields(self) -> None:
        contact = fill_network()
        self.log_in(contact.owner)
        page = self.visit("/network/")
        outline = (
            "(() => { const s = getComputedStyle(el);"
            " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; })()"
        )
        for kind, test in [
            ("header link", "el.matches('header a')"),
            ("header button", "el.matches('header button')"),
            ("link in the content", "el.matches('main a')"),
            ("field", "el.matches('main input, main select')"),
            ("button in the content", "el.matches('main button')"),
        ]:
            with self.subTest(kind):
                self.visit("/network/")
                self.tab_to(page, test)
                self.assertTrue(self.active(page, outline), self.active(page, "el.outerHTML"))
