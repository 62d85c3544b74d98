"""The site in a real browser, as a member uses it.

A newcomer signs up, confirms their address from the email, adds a contact and logs what they
did together; members archive and restore, bin and restore, quick-add from the header; another
member gets a 404 on someone else's contact; and the main pages fit a small phone's screen.

The tests look at what a person sees (headings, messages, text) rather than at the database.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone, translation
from playwright.sync_api import Locator, Page, expect

from entregent.network.tests.factories import log_interaction, make_contact
from entregent.test import PASSWORD, make_user
from entregent.tests.browser import NARROW, WIDE, BrowserTestCase, fill_network

pytestmark = pytest.mark.filedb


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def messages(page: Page) -> Locator:
    return page.get_by_role("status")


class NewMemberJourneyTests(BrowserTestCase):
    def test_sign_up_confirm_add_a_contact_and_log_an_interaction(self) -> None:
        page = self.visit("/")
        expect(heading(page)).to_have_text("Develop your network deliberately")

        # Sign up from the presentation page.
        page.get_by_role("main").get_by_role("link", name="Sign up").click()
        expect(heading(page)).to_have_text("Sign up")
        form = page.get_by_role("main")
        form.get_by_label("Email").fill("nadia@example.org")
        form.get_by_label("Password", exact=True).fill(PASSWORD)
        form.get_by_label("Password (again)").fill(PASSWORD)
        form.get_by_role("button", name="Sign up").click()
        expect(heading(page)).to_have_text("Verify Your Email Address")
        # Not in yet: the address must be confirmed first.
        expect(page.get_by_role("navigation", name="Main")).to_contain_text("Log in")

        # The confirmation email, with its link.
        self.assertEqual(len(mail.outbox), 1)
        email = mail.outbox[0]
        self.assertEqual(email.to, ["nadia@example.org"])
        self.assertIn("entregent", email.subject)
        link = re.search(r"https?://\S+/accounts/confirm-email/\S+", str(email.body))
        assert link is not None, f"no confirmation link in:\n{email.body}"
        self.assertTrue(link[0].startswith(self.live_server_url), link[0])
        page.goto(link[0])
        expect(heading(page)).to_have_text("Confirm Email Address")
        expect(page.get_by_role("main")).to_contain_text("nadia@example.org")
        page.get_by_role("main").get_by_role("button", name="Confirm").click()

        # Confirmed and logged in, on the dashboard.
        expect(heading(page)).to_have_text("Hello nadia")
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("button", name="Log out")).to_be_visible()
        nav.get_by_role("link", name="My network").click()
        expect(heading(page)).to_have_text("My network")
        expect(page.get_by_role("main")).to_contain_text("Your network is empty for now.")

        # A contact through the full form.
        page.get_by_role("main").get_by_role("link", name="Add a contact").click()
        expect(heading(page)).to_have_text("Add a contact")
        main = page.get_by_role("main")
        main.get_by_label("Given name").fill("Grace")
        main.get_by_label("Family name").fill("Hopper")
        main.get_by_label("What they do").fill("Compiler pioneer, great at explaining")
        main.get_by_label("Organisation").fill("US Navy")
        first_point = main.get_by_role("group", name="How to reach them").locator(".point-row")
        first_point = first_point.first
        # The empty rows are optional: no "required" star on them.
        expect(first_point.locator("label").first).to_have_text("Kind")
        first_point.get_by_label("Kind").select_option(label="Phone")
        first_point.get_by_label("Value").fill("06 12 34 56 78")
        first_point.get_by_label("Label", exact=True).fill("mobile")
        main.get_by_role("button", name="Add contact").click()

        expect(messages(page)).to_have_text("Grace Hopper was added to your network.")
        expect(heading(page)).to_contain_text("Grace Hopper")
        main = page.get_by_role("main")
        expect(main).to_contain_text("Compiler pioneer, great at explaining")
        expect(main).to_contain_text("Phone (mobile)")
        phone = main.get_by_role("link", name="06 12 34 56 78")
        expect(phone).to_have_attribute("href", "tel:+33612345678")
        expect(main).to_contain_text("No interaction yet.")

        # Log an interaction from the contact page; the form is open while there is none.
        timeline = main.get_by_role("region", name=re.compile("^Timeline"))
        timeline.get_by_label("Kind").select_option(label="Call")
        timeline.get_by_label("Summary").fill("Asked about her COBOL talk")
        timeline.get_by_label("Notes").fill("She will send the **slides**.")
        timeline.get_by_role("button", name="Log it").click()

        expect(messages(page)).to_have_text("The interaction was logged.")
        expect(heading(page)).to_contain_text("Grace Hopper")
        timeline = page.get_by_role("region", name=re.compile("^Timeline"))
        expect(timeline.get_by_role("heading", level=2)).to_have_text("Timeline (1)")
        entry = timeline.get_by_role("listitem")
        expect(entry).to_have_count(1)
        expect(entry).to_contain_text("Call")
        expect(entry).to_contain_text("Asked about her COBOL talk")
        # Notes are Markdown.
        expect(entry.locator("strong")).to_have_text("slides")
        expect(entry.locator("time")).to_have_attribute(
            "datetime", timezone.localdate().isoformat()
        )

        # Back on the list, the contact is there with the day of the last interaction.
        page.get_by_role("main").get_by_role("link", name="My network").click()
        expect(page.get_by_role("main")).to_contain_text("1 contact")
        row = page.get_by_role("row", name=re.compile("Grace Hopper"))
        expect(row).to_contain_text("US Navy")
        expect(row.locator("time")).to_have_attribute("datetime", timezone.localdate().isoformat())


class MemberTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.alice = make_user("alice@example.org", "Alice")
        self.ada = make_contact(self.alice, "Ada Lovelace", headline="Analyst of engines")
        self.log_in(self.alice)

    def test_archive_then_restore(self) -> None:
        page = self.visit(self.ada.get_absolute_url())
        main = page.get_by_role("main")
        main.get_by_role("button", name="Archive").click()
        expect(messages(page)).to_have_text(
            "Ada Lovelace was archived. You can restore them at any time."
        )
        expect(heading(page)).to_contain_text("archived")

        # Out of the active list, in the archived one.
        self.visit("/network/")
        expect(page.get_by_role("main")).to_contain_text("No contact matches these filters.")
        filters = page.get_by_role("search", name="Filter contacts")
        filters.get_by_label("Status").select_option(label="Archived")
        filters.get_by_role("button", name="Filter").click()
        page.get_by_role("link", name="Ada Lovelace").click()

        page.get_by_role("main").get_by_role("button", name="Restore").click()
        expect(messages(page)).to_have_text("Ada Lovelace is back in your active network.")
        expect(heading(page)).to_have_text("Ada Lovelace")
        expect(page.get_by_role("main").get_by_role("button", name="Archive")).to_be_visible()
        self.visit("/network/")
        expect(page.get_by_role("row", name=re.compile("Ada Lovelace"))).to_be_visible()

    def test_delete_to_the_bin_then_restore(self) -> None:
        page = self.visit(self.ada.get_absolute_url())
        page.get_by_role("main").get_by_role("button", name="Delete").click()
        expect(messages(page)).to_contain_text("Ada Lovelace was moved to the bin.")
        expect(heading(page)).to_have_text("My network")
        expect(page.get_by_role("main")).to_contain_text("Your network is empty for now.")

        page.get_by_role("main").get_by_role("link", name="Bin").click()
        expect(heading(page)).to_have_text("Bin")
        row = page.get_by_role("row", name=re.compile("Ada Lovelace"))
        row.get_by_role("button", name="Restore Ada Lovelace").click()
        expect(messages(page)).to_have_text("Ada Lovelace was restored.")
        expect(heading(page)).to_have_text("Ada Lovelace")
        self.visit("/network/bin/")
        expect(page.get_by_role("main")).to_contain_text("The bin is empty.")

    def test_quick_add_from_the_header(self) -> None:
        page = self.visit("/network/tags/")
        header = page.get_by_role("banner")
        header.get_by_text("Quick add").click()
        header.get_by_label("Name").fill("  Linus   Torvalds ")
        header.get_by_label("What they do").fill("Kernel maintainer")
        header.get_by_role("button", name="Add contact").click()

        expect(messages(page)).to_have_text("Linus Torvalds was added to your network.")
        expect(heading(page)).to_have_text("Linus Torvalds")
        expect(page.get_by_role("main")).to_contain_text("Kernel maintainer")
        self.visit("/network/")
        expect(page.get_by_role("main")).to_contain_text("2 contacts")

    def test_quick_add_without_a_name_says_so_and_stays_on_the_page(self) -> None:
        page = self.visit("/network/tags/")
        header = page.get_by_role("banner")
        header.get_by_text("Quick add").click()
        header.get_by_label("Name").fill("   ")  # passes the browser's check, not ours
        header.get_by_role("button", name="Add contact").click()
        expect(messages(page)).to_have_text("A contact needs a name.")
        expect(heading(page)).to_have_text("Tags")

    def test_an_interaction_with_several_contacts_names_the_others(self) -> None:
        bea = make_contact(self.alice, "Bea Example")
        cy = make_contact(self.alice, "Cy Example")
        log_interaction(self.alice, [bea, self.ada, cy], timezone.localdate(), "Team lunch")
        log_interaction(self.alice, [self.ada, bea], timezone.localdate(), "Follow-up call")
        for contact, team_lunch, follow_up in [
            (self.ada, "With Bea Example, Cy Example", "With Bea Example"),
            (bea, "With Ada Lovelace, Cy Example", "With Ada Lovelace"),
            (cy, "With Ada Lovelace, Bea Example", None),
        ]:
            with self.subTest(contact.display_name):
                page = self.visit(contact.get_absolute_url())
                timeline = page.get_by_role("region", name=re.compile("^Timeline"))
                lunch = timeline.get_by_role("listitem").filter(has_text="Team lunch")
                expect(lunch.locator(".muted").first).to_have_text(team_lunch)
                if follow_up:
                    call = timeline.get_by_role("listitem").filter(has_text="Follow-up call")
                    expect(call.locator(".muted").first).to_have_text(follow_up)

    def test_another_member_gets_a_404_on_my_contact(self) -> None:
        log_interaction(self.alice, [self.ada], timezone.localdate(), "Secret lunch plans")
        bob = make_user("bob@example.org", "Bob")
        bobs_page = self.new_page()
        self.log_in(bob, bobs_page)
        for path in (
            self.ada.get_absolute_url(),
            f"/network/contacts/{self.ada.pk}/edit/",
            f"/network/contacts/{self.ada.pk}/interactions/new/",
        ):
            with self.subTest(path):
                self.visit(path, bobs_page, status=404)
                expect(heading(bobs_page)).to_have_text("Page not found")
                body = bobs_page.locator("body")
                expect(body).not_to_contain_text("Ada Lovelace")
                expect(body).not_to_contain_text("Secret lunch plans")
        # Bob's own list does not show her either.
        self.visit("/network/", bobs_page)
        expect(bobs_page.get_by_role("main")).to_contain_text("Your network is empty for now.")
        # And Alice still sees her.
        self.visit(self.ada.get_absolute_url())
        expect(heading(self.page)).to_have_text("Ada Lovelace")


class SmallScreenTests(BrowserTestCase):
    def test_contact_list_and_detail_do_not_scroll_sideways_on_a_phone(self) -> None:
        contact = fill_network()
        page = self.new_page(viewport=NARROW)
        self.log_in(contact.owner, page)
        for path in ("/network/", contact.get_absolute_url(), "/"):
            with self.subTest(path):
                self.visit(path, page)
                self.assertIsNone(self.horizontal_overflow(page))
        # The quick-add panel, opened, stays on the screen too, and leaves its toggle uncovered.
        header = page.get_by_role("banner")
        header.get_by_text("Quick add").click()
        self.assertIsNone(self.horizontal_overflow(page))
        box = header.get_by_label("What they do").bounding_box()
        assert box is not None
        self.assertLessEqual(box["x"] + box["width"], NARROW["width"])
        for name in ("Quick add", "Log out"):
            with self.subTest(f"{name} not covered"):
                target = header.get_by_text(name, exact=True)
                target_box = target.bounding_box()
                assert target_box is not None
                centre = (
                    target_box["x"] + target_box["width"] / 2,
                    target_box["y"] + target_box["height"] / 2,
                )
                on_top = page.evaluate(
                    "([x, y]) => document.elementFromPoint(x, y)?.textContent.trim()", centre
                )
                self.assertEqual(on_top, name)
        header.get_by_text("Quick add").click()
        expect(header.get_by_label("What they do")).to_be_hidden()


def switch_language(page: Page, language_name: str) -> None:
    """Use the footer's form, as a person would."""
    footer = page.get_by_role("contentinfo")
    footer.get_by_role("combobox").select_option(label=language_name)
    footer.get_by_role("button").click()


class LanguageTests(BrowserTestCase):
    def test_the_footer_switch_puts_the_site_in_french(self) -> None:
        """The site's own words come out in French, as the French catalogue says them."""
        with translation.override("fr"):
            french = {
                english: translation.gettext(english)
                for english in ("My network", "Add a contact", "Language", "Quick add")
            }
        untranslated = [english for english, text in french.items() if english == text]
        self.assertEqual(untranslated, [], "missing from the French catalogue (make messages)")

        alice = make_user("alice@example.org", "Alice")
        self.log_in(alice)
        page = self.visit("/network/")
        switch_language(page, "Français")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(heading(page)).to_have_text(french["My network"])
        expect(
            page.get_by_role("main").get_by_role("link", name=french["Add a contact"])
        ).to_be_visible()
        expect(page.get_by_role("banner")).to_contain_text(french["Quick add"])
        expect(page.get_by_role("contentinfo")).to_contain_text(french["Language"])
        # The choice sticks to the member: a new session opens in French.
        other = self.new_page()
        self.log_in(alice, other)
        self.visit("/network/", other)
        expect(other.locator("html")).to_have_attribute("lang", "fr")


class ScreenshotTests(BrowserTestCase):
    """Full-page screenshots of the main pages, in English and French, wide and narrow.

    They land in var/screenshots/ for a person to look at (nothing compares them to a
    reference); the test checks that each page is in the language asked for and that none
    scrolls sideways.
    """

    def test_main_pages_in_both_languages_and_widths(self) -> None:
        contact = fill_network()
        visitor_pages = {
            "visitor-home": "/",
            "login": "/accounts/login/",
            "signup": "/accounts/signup/",
        }
        member_pages = {
            "dashboard": "/",
            "contact-list": "/network/",
            "contact-detail": contact.get_absolute_url(),
            "contact-form": "/network/contacts/new/",
            "contact-edit": f"/network/contacts/{contact.pk}/edit/",
            "interaction-form": "/network/interactions/new/",
            "tags": "/network/tags/",
            "bin": "/network/bin/",
        }
        for language, language_name in (("en", "English"), ("fr", "Français")):
            for width, viewport in (("wide", WIDE), ("narrow", NARROW)):
                for member, pages in ((False, visitor_pages), (True, member_pages)):
                    page = self.new_page(viewport=viewport)
                    if member:
                        self.log_in(contact.owner, page)
                    self.visit("/", page)
                    switch_language(page, language_name)
                    for name, path in pages.items():
                        with self.subTest(language=language, width=width, page=name):
                            self.visit(path, page)
                            expect(page.locator("html")).to_have_attribute("lang", language)
                            self.screenshot(f"{name}-{language}-{width}", page)
                            self.assertIsNone(self.horizontal_overflow(page))
                    if member:
                        # A form sent back with its errors.
                        self.visit("/network/contacts/new/", page)
                        page.get_by_role("main").locator("button[type=submit]").click()
                        expect(page.locator(".errorlist").first).to_be_visible()
                        self.screenshot(f"contact-form-errors-{language}-{width}", page)
                        self.assertIsNone(self.horizontal_overflow(page))
                        # The quick-add panel, open.
                        page.get_by_role("banner").locator("summary").click()
                        self.screenshot(f"quick-add-{language}-{width}", page, full_page=False)
                    page.context.close()
