"""Ask my network in a real browser: suggestions as one types, keyboard, live results."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from entregent.network.tests.factories import make_contact
from entregent.test import make_user
from entregent.tests.browser import BrowserTestCase

pytestmark = pytest.mark.filedb


class SearchAsYouTypeTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.member = make_user("searcher@example.org", "Searcher")
        make_contact(self.member, "Hélène Dubois", headline="Graphiste freelance")
        make_contact(self.member, "Paul Graham", headline="Graphic designer")
        make_contact(self.member, "Anne Roux", headline="Comptable")
        self.log_in(self.member)

    def test_header_suggestions_and_keyboard(self) -> None:
        page = self.visit("/network/")
        box = page.get_by_role("combobox", name="Search my network")
        box.press_sequentially("infographiste", delay=20)
        suggestions = page.locator("#header-suggestions")
        expect(suggestions).to_be_visible()
        expect(suggestions.get_by_role("link").first).to_contain_text("Hélène Dubois")
        expect(box).to_have_attribute("aria-expanded", "true")
        # Arrow down moves into the list, Enter opens the contact.
        box.press("ArrowDown")
        expect(suggestions.get_by_role("link").first).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Hélène Dubois")

    def test_escape_closes_the_suggestions(self) -> None:
        page = self.visit("/network/")
        box = page.get_by_role("combobox", name="Search my network")
        box.press_sequentially("comptable", delay=20)
        expect(page.locator("#header-suggestions")).to_be_visible()
        box.press("Escape")
        expect(page.locator("#header-suggestions")).to_be_hidden()

    def test_results_update_as_one_types_on_the_search_page(self) -> None:
        page = self.visit("/network/search/")
        field = page.locator("#id_q")
        field.press_sequentially("graphiste", delay=20)
        results = page.locator("#search-results")
        expect(results.locator(".hit-name").first).to_have_text("Hélène Dubois")
        expect(results).to_contain_text("Paul Graham")
        expect(results.locator("mark").first).to_have_text("Graphiste")
        self.assertIn("q=graphiste", page.url)  # the address can be shared or reloaded
        field.fill("")
        field.press_sequentially("comptable", delay=20)
        expect(results.locator(".hit-name")).to_have_count(1)
        expect(results.locator(".hit-name")).to_have_text("Anne Roux")

    def test_the_search_page_works_without_javascript(self) -> None:
        context = self.browser.new_context(
            java_script_enabled=False, base_url=self.live_server_url
        )
        self.addCleanup(context.close)
        page = context.new_page()
        self.log_in(self.member, page)
        page.goto("/network/search/")
        page.fill("#id_q", "comptable")
        page.get_by_role("button", name="Search").click()
        expect(page.locator(".hit-name")).to_have_text("Anne Roux")
