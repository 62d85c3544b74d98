"""The feedback on a step in a real browser: a member posts a suggestion, another votes
(without reloading the page), a third flags it off topic, the moderator moves it to the trash
with that reason, its author sees why, the moderator restores it, and the votes are still
counted. Then the pages are checked with axe, and on a phone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from entregent.method.models import Comment, Vote
from entregent.method.tests.feedback_factories import make_comment, make_method, make_version
from entregent.network.tests.factories import make_contact
from entregent.test import make_user
from entregent.tests.browser import NARROW, BrowserTestCase

pytestmark = pytest.mark.filedb

SUGGESTION = "Commencer par deux appels par semaine, pas trois."


def messages(page: Page) -> Locator:
    """The messages saying what an action did (the share box has a status line of its own)."""
    return page.locator("ul.messages")


def comment_item(page: Page, text: str) -> Locator:
    return page.locator("li.comment", has_text=text).first


class FeedbackJourneyTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        old = timezone.now() - dt.timedelta(days=365)
        self.bob = make_user("bob@example.org", "Bob", date_joined=old)
        self.charlie = make_user("charlie@example.org", "Charlie", date_joined=old)
        self.alice = make_user("alice@example.org", "Alice", date_joined=old)
        self.facilitator = make_user("fac@example.org", "Fatou", date_joined=old)
        self.moderator = make_user("mod@example.org", "Marc", date_joined=old)
        self.method = make_method(self.facilitator, self.moderator)
        self.version = make_version(self.method)
        self.step_path = f"/methods/{self.method.slug}/steps/1/"

    def page_for(self, user: Any, **kwargs: Any) -> Page:
        page = self.new_page(**kwargs)
        self.log_in(user, page)
        return page

    def test_comment_vote_flag_trash_see_why_restore(self) -> None:
        # Bob posts a suggestion.
        bob = self.page_for(self.bob)
        self.visit(self.step_path, bob)
        form = bob.locator("#comment-form")
        form.get_by_label("Suggestion").check()
        form.get_by_label("Your comment").fill(SUGGESTION)
        form.get_by_role("button", name="Post comment").click()
        expect(messages(bob)).to_contain_text("Your comment is posted.")
        mine = comment_item(bob, SUGGESTION)
        expect(mine).to_contain_text("Suggestion")
        expect(mine).to_contain_text("Bob")

        # Charlie agrees: the count changes in place, and his choice shows pressed.
        charlie = self.page_for(self.charlie)
        self.visit(self.step_path, charlie)
        agree = comment_item(charlie, SUGGESTION).locator("button[value=agree]")
        expect(agree).to_have_attribute("aria-pressed", "false")
        url_before = charlie.url
        agree.click()
        expect(agree).to_have_attribute("aria-pressed", "true")
        expect(agree).to_contain_text("1")
        self.assertEqual(charlie.url, url_before)  # no reload
        charlie.reload()
        agree = comment_item(charlie, SUGGESTION).locator("button[value=agree]")
        expect(agree).to_have_attribute("aria-pressed", "true")

        # Alice flags it off topic.
        alice = self.page_for(self.alice)
        self.visit(self.step_path, alice)
        comment_item(alice, SUGGESTION).get_by_role("link", name="Flag").click()
        expect(alice.get_by_role("heading", level=1)).to_have_text("Flag a comment")
        alice.get_by_label("Off topic").check()
        alice.get_by_role("button", name="Flag it").click()
        expect(messages(alice)).to_contain_text("the moderators will look at this comment")
        expect(comment_item(alice, SUGGESTION)).to_contain_text("You flagged it")

        # The moderator sees the flag and moves the comment to the trash, off topic.
        moderator = self.page_for(self.moderator)
        self.visit(self.step_path, moderator)
        expect(moderator.get_by_role("link", name="Moderation: 1 comment waits")).to_be_visible()
        item = comment_item(moderator, SUGGESTION)
        expect(item).to_contain_text("1 flag")
        item.get_by_role("link", name="Move to the trash").click()
        expect(moderator.get_by_role("heading", level=1)).to_have_text(
            "Move a comment to the trash"
        )
        expect(moderator.get_by_label("Reason")).to_have_value("off_topic")
        moderator.get_by_label("Note to the author (optional)").fill(
            "Ce fil porte sur la relance des contacts dormants."
        )
        moderator.get_by_role("button", name="Move to the trash").click()
        expect(messages(moderator)).to_contain_text("The comment is in the trash")
        expect(comment_item(moderator, SUGGESTION)).to_contain_text("In the trash: Off topic")

        # Readers see the count and the reason, not the text.
        self.visit(self.step_path, charlie)
        expect(charlie.get_by_text(SUGGESTION)).to_have_count(0)
        expect(charlie.locator(".trash-summary")).to_have_text(
            "1 comment moved to the trash: off topic (1)."
        )

        # Bob is told why: on the page, and in his notifications.
        self.visit(self.step_path, bob)
        mine = comment_item(bob, SUGGESTION)
        expect(mine).to_contain_text("In the trash: Off topic")
        expect(mine).to_contain_text("Ce fil porte sur la relance des contacts dormants.")
        bob.get_by_role("link", name="Notifications, 1 unread").click()
        expect(bob.get_by_role("main")).to_contain_text("Your comment was moved to the trash")
        expect(bob.get_by_role("main")).to_contain_text("Reason: Off topic.")

        # The moderator restores it from the queue; the vote is still counted.
        self.visit(f"/methods/{self.method.slug}/moderation/", moderator)
        trash = moderator.locator("#trash")
        expect(trash).to_contain_text(SUGGESTION)
        trash.get_by_role("button", name="Restore").click()
        expect(messages(moderator)).to_contain_text("The comment is restored")
        self.visit(f"/methods/{self.method.slug}/moderation/log/", moderator)
        log = moderator.locator("table")
        expect(log).to_contain_text("Restored")
        expect(log).to_contain_text("Moved to the trash")
        expect(log).to_contain_text("Off topic — Ce fil porte sur la relance")

        self.visit(self.step_path, charlie)
        agree = comment_item(charlie, SUGGESTION).locator("button[value=agree]")
        expect(agree).to_have_attribute("aria-pressed", "true")
        expect(agree).to_contain_text("1")
        comment = Comment.objects.get(body=SUGGESTION)
        self.assertEqual((comment.status, comment.agree_count), ("published", 1))
        self.assertEqual(Vote.objects.get().voter, self.charlie)

    def test_reply_in_place_and_names_warning(self) -> None:
        make_contact(self.alice, "Hélène Dupont", given_name="Hélène", family_name="Dupont")
        make_comment(self.version, self.bob, "Qui avez-vous appelé ?", "question")
        alice = self.page_for(self.alice)
        self.visit(self.step_path, alice)
        reply = comment_item(alice, "Qui avez-vous appelé ?").get_by_role("link", name="Reply")
        reply.click()
        expect(reply).to_have_attribute("aria-expanded", "true")
        form = alice.locator(".reply-form")
        expect(form.get_by_label("Your comment")).to_be_focused()
        form.get_by_label("Your comment").fill("J'ai appelé helene dupont, ravie.")
        form.get_by_role("button", name="Post reply").click()
        # The warning, on the comment's own page, with the text kept.
        expect(alice.get_by_role("alert")).to_contain_text(
            "Your comment names people from your network: Hélène Dupont."
        )
        expect(alice.get_by_label("Your comment")).to_have_value(
            "J'ai appelé helene dupont, ravie."
        )
        alice.get_by_label("I have checked: post it with these names").check()
        alice.get_by_role("button", name="Post reply").click()
        expect(messages(alice)).to_contain_text("Your comment is posted.")
        reply_item = comment_item(alice, "J'ai appelé helene dupont, ravie.")
        expect(reply_item).to_be_visible()
        self.assertEqual(Comment.objects.get(author=self.alice).depth, 2)

    def test_a_vote_refused_in_the_background_is_sent_plainly_and_says_why(self) -> None:
        make_comment(self.version, self.bob, SUGGESTION, "suggestion")
        # A page of its own: new_page() fails a test on any 4xx of a script's request, and
        # the refused vote is one (400, by design).
        context = self.browser.new_context(base_url=self.live_server_url, locale="en-GB")
        self.addCleanup(context.close)
        charlie = context.new_page()
        self.log_in(self.charlie, charlie)
        self.visit(self.step_path, charlie)
        # Feedback closes while Charlie reads.
        self.version.close_feedback()
        comment_item(charlie, SUGGESTION).locator("button[value=agree]").click()
        expect(messages(charlie)).to_contain_text("Votes on version 1 are closed.")
        self.assertFalse(Vote.objects.exists())


axe = Axe()


class FeedbackPagesTests(BrowserTestCase):
    """axe finds no serious or critical problem, and a phone never scrolls sideways."""

    def setUp(self) -> None:
        super().setUp()
        old = timezone.now() - dt.timedelta(days=365)
        self.moderator = make_user("mod@example.org", "Marc", date_joined=old)
        facilitator = make_user("fac@example.org", "Fatou", date_joined=old)
        bob = make_user("bob@example.org", "Bob", date_joined=old)
        self.method = make_method(facilitator, self.moderator)
        version = make_version(self.method)
        first = make_comment(
            version, bob, "Une suggestion assez longue pour passer à la ligne. " * 3, "suggestion"
        )
        second = make_comment(version, facilitator, "Une réponse", parent=first)
        third = make_comment(
            version, bob, "Et une réponse à la réponse", "criticism", parent=second
        )
        Vote.cast(first, facilitator, "agree")
        Vote.cast(third, self.moderator, "disagree")
        make_comment(
            version,
            bob,
            "Hors sujet",
            status=Comment.Status.TRASHED,
            trash_reason=Comment.TrashReason.OFF_TOPIC,
        )
        make_comment(version, bob, "Retenu", status=Comment.Status.HELD)

    def test_pages_are_accessible_and_fit_a_phone(self) -> None:
        slug = self.method.slug
        paths = {
            "step": f"/methods/{slug}/steps/1/",
            "moderation": f"/methods/{slug}/moderation/",
            "log": f"/methods/{slug}/moderation/log/",
            "comment form": f"/methods/{slug}/steps/1/v1/comments/new/",
        }
        for viewport in (None, NARROW):
            page = self.new_page(viewport=viewport)
            self.log_in(self.moderator, page)
            for name, path in paths.items():
                with self.subTest(name, viewport=viewport):
                    self.visit(path, page)
                    violations = [
                        v
                        for v in axe.run(page).response["violations"]
                        if v["impact"] in ("serious", "critical")
                    ]
                    self.assertEqual(
                        [(v["id"], [n["html"][:120] for n in v["nodes"]]) for v in violations],
                        [],
                    )
                    if viewport is NARROW:
                        self.assertIsNone(self.horizontal_overflow(page))
            page.context.close()
