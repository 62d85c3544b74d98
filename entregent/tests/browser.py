"""Shared by the browser tests: a chromium launcher and a live-server test case.

Each test class starts the site in a thread (StaticLiveServerTestCase, which also serves the
stylesheet) and one headless chromium; each test gets a fresh browser context, so cookies and
sessions never leak from one test to the next. The live server runs in this process, so a test
can read the emails the site sends from ``django.core.mail.outbox``.

These tests need a database that the server thread and the test share: mark their modules
``pytestmark = pytest.mark.filedb`` (``make test`` runs them in a second pass on a file).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Response,
    ViewportSize,
    sync_playwright,
)

from entregent.accounts.models import User
from entregent.network import actions
from entregent.network.models import Contact, ContactPoint, Interaction
from entregent.network.tests.factories import log_interaction, make_contact, make_tag
from entregent.test import make_user

# Debian's chromium: `playwright install` cannot download browsers on the machines we test on.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # runs as root in containers, where chromium's sandbox cannot start
    "--disable-gpu",
    # Nothing but the live server: no updates, no sync, no field trials, no QUIC probes.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

WIDE: ViewportSize = {"width": 1280, "height": 800}
NARROW: ViewportSize = {"width": 375, "height": 740}  # a small phone

# Screenshots are for people to look at, never committed (var/ is ignored).
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"

# Fail in seconds, not in Playwright's default 30 s, when something is not on the page.
TIMEOUT_MS = 10_000


def launch(playwright: Playwright) -> Browser:
    """Headless chromium with the flags that let it run in a container, offline."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


class BrowserTestCase(StaticLiveServerTestCase):
    """The site on a live server, and one chromium for the whole class."""

    playwright: ClassVar[Playwright]
    browser: ClassVar[Browser]
    context: BrowserContext
    page: Page

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.playwright = sync_playwright().start()
        cls.addClassCleanup(cls.playwright.stop)
        cls.browser = launch(cls.playwright)
        cls.addClassCleanup(cls.browser.close)

    def setUp(self) -> None:
        super().setUp()
        # Rate limits live in the cache, which emptying the tables between tests does not
        # touch: without this, a sign-up in one test would silence the next one's email.
        cache.clear()
        self.page = self.new_page()
        self.context = self.page.context

    def new_page(self, viewport: ViewportSize | None = None, locale: str = "en-GB") -> Page:
        """A page in a fresh context (its own cookies), closed after the test.

        Server errors (5xx) and missing assets (a 404 on the stylesheet) fail the test, whatever
        the test itself looks at.
        """
        context = self.browser.new_context(
            viewport=viewport or WIDE,
            locale=locale,
            base_url=self.live_server_url,
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.addCleanup(context.close)
        broken: list[str] = []

        def record(response: Response) -> None:
            if response.status >= 500 or (
                response.status >= 400 and response.request.resource_type != "document"
            ):
                broken.append(f"{response.status} {response.request.method} {response.url}")

        context.on("response", record)
        self.addCleanup(self._check_responses, broken)
        return context.new_page()

    def _check_responses(self, broken: list[str]) -> None:
        if broken:
            raise AssertionError("The browser got errors:\n" + "\n".join(broken))

    def log_in(self, user: User, page: Page | None = None) -> None:
        """Give the page's context a session for ``user``; the form is tested elsewhere."""
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context = (page or self.page).context
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": self.live_server_url,
                }
            ]
        )

    def visit(self, path: str, page: Page | None = None, status: int = 200) -> Page:
        """Open ``path`` and check the status of the page that ends up shown."""
        page = page or self.page
        response = page.goto(path)
        assert response is not None, f"no response for {path}"
        self.assertEqual(response.status, status, f"{path} answered {response.status}")
        return page

    def horizontal_overflow(self, page: Page | None = None) -> dict[str, Any] | None:
        """How far the page scrolls sideways, and the widest element; None when it does not."""
        return (page or self.page).evaluate(
            """() => {
                const root = document.documentElement;
                if (root.scrollWidth <= root.clientWidth) return null;
                let widest = null;
                for (const el of document.body.querySelectorAll('*')) {
                    const right = el.getBoundingClientRect().right;
                    if (right > root.clientWidth && (!widest || right > widest.right)) {
                        widest = {right, tag: el.tagName.toLowerCase(),
                                  cls: el.className, text: (el.textContent || '').slice(0, 60)};
                    }
                }
                return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, widest};
            }"""
        )

    def screenshot(self, name: str, page: Page | None = None, full_page: bool = True) -> Path:
        """Save var/screenshots/<name>.png: the whole page, or only what the window shows."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        (page or self.page).screenshot(path=str(path), full_page=full_page)
        return path


def fill_network(owner_email: str = "alice@example.org") -> Contact:
    """A member with a small, realistic network; returns the contact with the most on it.

    The values are long on purpose: a narrow screen must wrap them, not scroll sideways.
    """
    alice = make_user(owner_email, "Alice")
    today = timezone.localdate()
    clients, mentors = make_tag(alice, "clients"), make_tag(alice, "former colleagues")
    friend = make_contact(alice, "Jean-Baptiste Poquelin")
    contact = make_contact(
        alice,
        "Marie-Élisabeth Vigée-Le Brun de Montmorency-Laval",
        given_name="Marie-Élisabeth",
        family_name="Vigée-Le Brun",
        headline="Portrait painter, graphic designer for small brands and museums across Europe",
        job_title="Senior art director",
        organisation="Académie royale de peinture et de sculpture",
        location="Paris",
        met_story="Introduced at the Salon; we talked for an hour about typefaces.",
        met_on=today - dt.timedelta(days=400),
        introduced_by=friend,
        tie_strength=4,
        trust_rating=5,
        trust_note="Delivered every commission on time.",
        notes="Prefers **email**. See https://example.org/a/very/long/path/that/does/not/break",
    )
    contact.tags.add(clients, mentors)
    ContactPoint.objects.create(
        contact=contact,
        kind=ContactPoint.Kind.EMAIL,
        raw="marie-elisabeth.vigee-lebrun@academie-royale-peinture.example.org",
        position=0,
    )
    ContactPoint.objects.create(
        contact=contact,
        kind=ContactPoint.Kind.URL,
        raw="https://www.example.org/portfolio/marie-elisabeth-vigee-le-brun/works/1779",
        position=1,
    )
    ContactPoint.objects.create(
        contact=contact, kind=ContactPoint.Kind.PHONE, raw="06 12 34 56 78", label="mobile"
    )
    for days, summary in [(3, "Coffee about the new portfolio"), (90, "Call about a poster")]:
        log_interaction(alice, [contact, friend], today - dt.timedelta(days=days), summary)
    log_interaction(
        alice,
        [contact],
        today - dt.timedelta(days=200),
        "Sent a very long message about the exhibition catalogue's layout and its typefaces",
        kind=Interaction.Kind.EMAIL,
    )
    for i in range(12):
        make_contact(alice, f"Contact number {i} with a longish name", organisation="Some firm")
    actions.move_to_bin(make_contact(alice, "Old Acquaintance", headline="Met once, years ago"))
    return contact
