"""Moderation: flags, hiding after enough flags, the trash with its reasons, restoring,
approving held comments, keeping flagged ones, telling the author why, the public trash
count, the queue, the audit log, and who may do it."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.test import override_settings
from django.urls import reverse

from entregent.accounts.models import Notification
from entregent.method import moderation
from entregent.method.models import Comment, Flag, MethodRole, ModerationAction, Vote
from entregent.method.tests.feedback_factories import FeedbackTestCase, make_comment
from entregent.test import make_user

IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}


class ModerationTestCase(FeedbackTestCase):
    comment: Comment

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.comment = make_comment(cls.v1, cls.alice, "Venez voir mon site de poterie", "remark")

    def url(self, name: str, comment: Comment | None = None) -> str:
        return reverse(
            f"methods:comment-{name}", args=[self.method.slug, (comment or self.comment).pk]
        )

    def refreshed(self) -> Comment:
        self.comment.refresh_from_db()
        return self.comment


class FlagTests(ModerationTestCase):
    def test_a_member_flags_a_comment_once(self) -> None:
        self.client.force_login(self.bob)
        page = self.client.get(self.url("flag"))
        self.assertContains(page, "Venez voir mon site de poterie")
        response = self.client.post(self.url("flag"), {"reason": "spam", "note": "pub"})
        self.assertRedirects(
            response, self.comment.get_absolute_url(), fetch_redirect_response=False
        )
        flag = Flag.objects.get()
        self.assertEqual((flag.flagger, flag.reason, flag.note), (self.bob, "spam", "pub"))
        self.assertEqual(self.refreshed().open_flag_count, 1)

        self.client.post(self.url("flag"), {"reason": "off_topic"})
        self.assertEqual(Flag.objects.count(), 1)
        self.assertContains(self.client.get(self.url("flag")), "You flagged it on")
        self.assertContains(self.client.get(self.step_url()), "You flagged it")

    def test_other_needs_a_note(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(self.url("flag"), {"reason": "other", "note": " "})
        self.assertContains(response, "Say what is wrong, for the moderators.")
        self.assertFalse(Flag.objects.exists())

    def test_one_cannot_flag_ones_own_comment(self) -> None:
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(self.url("flag")), "This is your own comment")
        self.client.post(self.url("flag"), {"reason": "spam"})
        self.assertFalse(Flag.objects.exists())
        self.assertNotContains(self.client.get(self.step_url()), self.url("flag"))

    @override_settings(METHOD_FLAGS_TO_HIDE=2)
    def test_enough_flags_hide_the_comment_until_a_moderator_decides(self) -> None:
        reply = make_comment(self.v1, self.charlie, "Une réponse", parent=self.comment)
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            self.client.post(self.url("flag"), {"reason": "off_topic"})
        self.assertEqual(self.refreshed().status, Comment.Status.HIDDEN)
        log = ModerationAction.objects.get()
        self.assertEqual(
            (log.action, log.moderator, log.comment), ("auto_hide", None, self.comment)
        )
        notice = Notification.objects.get(recipient=self.alice)
        self.assertEqual(notice.kind, "method.moderation")
        self.assertIn("hidden until a moderator", notice.title)

        # Readers see a placeholder that keeps the reply in its place.
        self.client.logout()
        page = self.client.get(self.step_url())
        self.assertNotContains(page, "Venez voir mon site de poterie")
        self.assertContains(page, "Comment hidden until a moderator reviews it.")
        self.assertContains(page, "Une réponse")
        # Its author still reads it; the moderators find it in the queue.
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(self.step_url()), "Venez voir mon site de poterie")
        self.client.force_login(self.moderator)
        queue = self.client.get(reverse("methods:moderation", args=[self.method.slug]))
        self.assertContains(queue, "Venez voir mon site de poterie")
        self.assertContains(queue, "2 open flags")
        self.assertContains(queue, "by Bob")
        reply.refresh_from_db()
        self.assertEqual(reply.status, Comment.Status.PUBLISHED)


@override_settings(TASKS=IMMEDIATE_TASKS)
class TrashTests(ModerationTestCase):
    def trash(self, reason: str = "off_topic", note: str = "") -> Any:
        self.client.force_login(self.moderator)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                self.url("trash"), {"reason": reason, "note": note, "next": self.step_url()}
            )

    def test_the_trash_page_offers_off_topic_first(self) -> None:
        self.client.force_login(self.moderator)
        page = self.client.get(self.url("trash")).content.decode()
        options = page[page.index('name="reason"') :]
        self.assertLess(options.index("Off topic"), options.index("Spam or advertising"))
        self.assertIn('value="off_topic" selected', options)

    def test_a_moderator_trashes_with_a_reason_and_the_author_is_told_why(self) -> None:
        Flag.objects.create(comment=self.comment, flagger=self.bob, reason="off_topic")
        Comment.objects.filter(pk=self.comment.pk).update(open_flag_count=1)
        response = self.trash(note="Ce fil parle des contacts dormants.")
        self.assertRedirects(
            response,
            self.step_url() + f"#comment-{self.comment.pk}",
            fetch_redirect_response=False,
        )
        comment = self.refreshed()
        self.assertEqual(
            (comment.status, comment.trash_reason, comment.trash_note, comment.open_flag_count),
            ("trashed", "off_topic", "Ce fil parle des contacts dormants.", 0),
        )
        self.assertIsNotNone(Flag.objects.get().resolved_at)
        log = ModerationAction.objects.get()
        self.assertEqual(
            (log.action, log.moderator, log.moderator_name, log.reason, log.note),
            ("trash", self.moderator, "Marc (moderator)", "off_topic", comment.trash_note),
        )
        notice = Notification.objects.get(recipient=self.alice, kind="method.moderation")
        self.assertEqual(notice.title, "Your comment was moved to the trash")
        self.assertIn("Reason: Off topic.", notice.body)
        self.assertIn("Ce fil parle des contacts dormants.", notice.body)
        self.assertEqual(notice.url, comment.get_absolute_url())
        (email,) = mail.outbox
        self.assertEqual(email.to, ["alice@example.org"])
        self.assertEqual(email.subject, "Your comment was moved to the trash")
        self.assertIn("Reason: Off topic.", email.body)
        self.assertIn("http://", email.body)

        # The author sees her text, the reason and the note.
        self.client.force_login(self.alice)
        page = self.client.get(self.step_url())
        self.assertContains(page, "Venez voir mon site de poterie")
        self.assertContains(page, "In the trash: Off topic")
        self.assertContains(page, "Ce fil parle des contacts dormants.")
        # Others see neither: a trashed comment without replies leaves only the count.
        self.client.force_login(self.bob)
        page = self.client.get(self.step_url())
        self.assertNotContains(page, "Venez voir mon site de poterie")
        self.assertNotContains(page, "Ce fil parle des contacts dormants.")
        self.assertContains(page, "1 comment moved to the trash: off topic (1).")

    def test_a_trashed_comments_history_is_for_its_author_and_the_moderators(self) -> None:
        history = self.url("history")
        self.assertEqual(self.client.get(history).status_code, 200)
        self.trash(reason="personal_data")
        self.client.logout()
        self.assertEqual(self.client.get(history).status_code, 404)
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(history).status_code, 404)
        for reader in (self.alice, self.moderator):
            self.client.force_login(reader)
            self.assertContains(self.client.get(history), "Venez voir mon site de poterie")

    def test_the_email_is_in_the_authors_language(self) -> None:
        self.alice.language = "fr"
        self.alice.save(update_fields=["language"])
        # Whatever the moderator's language, the author reads hers.
        with self.settings(LANGUAGE_CODE="en"):
            self.trash()
        from django.utils import translation

        with translation.override("fr"):
            expected, _ = moderation.notice_text(self.refreshed(), ModerationAction.objects.get())
        self.assertEqual(mail.outbox[0].subject, expected)
        self.assertEqual(Notification.objects.get(recipient=self.alice).title, expected)

    def test_a_trashed_comment_with_replies_keeps_its_place(self) -> None:
        make_comment(self.v1, self.bob, "Réponse qui reste", parent=self.comment)
        other = make_comment(self.v1, self.charlie, "Publicité", "remark")
        self.trash()
        self.client.force_login(self.moderator)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url("trash", other), {"reason": "spam"})
        self.client.logout()
        page = self.client.get(self.step_url())
        self.assertContains(page, "Comment moved to the trash (off topic).")
        self.assertContains(page, "Réponse qui reste")
        self.assertNotContains(page, "Publicité")
        self.assertContains(
            page, "2 comments moved to the trash: off topic (1), spam or advertising (1)."
        )

    def test_restore_brings_it_back_with_its_votes(self) -> None:
        suggestion = make_comment(self.v1, self.alice, "Une vraie idée", "suggestion")
        Vote.cast(suggestion, self.bob, "agree")
        Vote.cast(suggestion, self.charlie, "disagree")
        self.client.force_login(self.moderator)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url("trash", suggestion), {"reason": "off_topic"})
            self.client.post(self.url("restore", suggestion), {"note": "Erreur de ma part"})
        suggestion.refresh_from_db()
        self.assertEqual((suggestion.status, suggestion.trash_reason), ("published", ""))
        self.assertEqual((suggestion.agree_count, suggestion.disagree_count), (1, 1))
        actions = list(ModerationAction.objects.values_list("action", "note"))
        self.assertEqual(actions, [("restore", "Erreur de ma part"), ("trash", "")])
        titles = list(
            Notification.objects.filter(recipient=self.alice).values_list("title", flat=True)
        )
        self.assertEqual(
            titles, ["Your comment was restored", "Your comment was moved to the trash"]
        )
        self.assertEqual(len(mail.outbox), 2)
        self.client.logout()
        self.assertContains(self.client.get(self.step_url()), "Une vraie idée")

    def test_a_decision_made_twice_is_made_once(self) -> None:
        self.trash()
        response = self.trash(reason="spam")
        self.assertEqual(ModerationAction.objects.count(), 1)
        self.assertEqual(self.refreshed().trash_reason, "off_topic")
        self.assertEqual(response.status_code, 302)
        page = self.client.get(response["Location"])
        self.assertContains(page, "Nothing done: the comment is now “In the trash”")

    def test_moderation_is_atomic(self) -> None:
        """If writing the log fails, the comment is not trashed either."""
        from unittest import mock

        with (
            mock.patch.object(ModerationAction.objects, "create", side_effect=RuntimeError),
            self.assertRaises(RuntimeError),
        ):
            moderation.trash(self.comment, self.moderator, "off_topic")
        self.assertEqual(self.refreshed().status, "published")

    def test_the_facilitator_moderates_too(self) -> None:
        self.client.force_login(self.facilitator)
        self.client.post(self.url("trash"), {"reason": "spam"})
        self.assertEqual(self.refreshed().status, "trashed")


@override_settings(TASKS=IMMEDIATE_TASKS)
class ReviewTests(ModerationTestCase):
    def test_approving_a_held_comment_publishes_it(self) -> None:
        Comment.objects.filter(pk=self.comment.pk).update(status=Comment.Status.HELD)
        self.client.force_login(self.moderator)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url("approve"))
        self.assertEqual(self.refreshed().status, "published")
        self.assertEqual(ModerationAction.objects.get().action, "approve")
        self.assertEqual(
            Notification.objects.get(recipient=self.alice).title, "Your comment is published"
        )

    @override_settings(METHOD_FLAGS_TO_HIDE=2)
    def test_keeping_a_hidden_comment_dismisses_its_flags(self) -> None:
        for user in (self.bob, self.charlie):
            moderation.flag_comment(self.comment, user, "offensive")
        self.assertEqual(self.refreshed().status, "hidden")
        self.client.force_login(self.moderator)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url("keep"), {"note": "Vif mais correct"})
        comment = self.refreshed()
        self.assertEqual((comment.status, comment.open_flag_count), ("published", 0))
        self.assertFalse(Flag.objects.filter(resolved_at__isnull=True).exists())
        self.assertEqual(
            list(ModerationAction.objects.values_list("action", flat=True)), ["keep", "auto_hide"]
        )
        self.assertTrue(
            Notification.objects.filter(
                recipient=self.alice, title="Your comment is visible again"
            )
        )

    def test_keeping_needs_open_flags(self) -> None:
        with self.assertRaises(moderation.ModerationError):
            moderation.keep(self.comment, self.moderator)

    def test_the_queue_lists_what_waits(self) -> None:
        held = make_comment(self.v1, self.bob, "Retenu", status=Comment.Status.HELD)
        flagged = make_comment(self.v1, self.charlie, "Signalé")
        moderation.flag_comment(flagged, self.alice, "spam", "lien commercial")
        self.client.force_login(self.moderator)
        page = self.client.get(reverse("methods:moderation", args=[self.method.slug]))
        self.assertContains(page, "Retenu")
        self.assertContains(page, "Signalé")
        self.assertContains(page, "lien commercial")
        self.assertContains(page, self.url("approve", held))
        self.assertContains(page, self.url("keep", flagged))
        self.assertNotContains(page, "Venez voir mon site de poterie")

    def test_the_log_says_who_what_when_and_why(self) -> None:
        moderation.trash(self.comment, self.moderator, "spam", "Lien publicitaire")
        moderation.restore(self.comment, self.facilitator)
        self.client.force_login(self.facilitator)
        page = self.client.get(reverse("methods:moderation-log", args=[self.method.slug]))
        self.assertContains(page, "Marc (moderator)")
        self.assertContains(page, "Fatou (facilitator)")
        self.assertContains(page, "Moved to the trash")
        self.assertContains(page, "Spam or advertising — Lien publicitaire")
        self.assertContains(page, "Restored")


class PermissionTests(ModerationTestCase):
    def test_members_get_403_on_moderation(self) -> None:
        self.client.force_login(self.bob)
        for name in ("trash", "restore", "approve", "keep"):
            with self.subTest(name):
                self.assertEqual(
                    self.client.post(self.url(name), {"reason": "spam"}).status_code, 403
                )
        self.assertEqual(self.client.get(self.url("trash")).status_code, 403)
        for name in ("moderation", "moderation-log"):
            with self.subTest(name):
                url = reverse(f"methods:{name}", args=[self.method.slug])
                self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.refreshed().status, "published")
        self.assertFalse(ModerationAction.objects.exists())

    def test_members_see_no_moderation_buttons(self) -> None:
        self.client.force_login(self.bob)
        page = self.client.get(self.step_url())
        self.assertNotContains(page, self.url("trash"))
        self.assertNotContains(page, "Moderation:")
        self.client.force_login(self.moderator)
        page = self.client.get(self.step_url())
        self.assertContains(page, self.url("trash"))
        self.assertContains(page, "Moderation: nothing waits")

    def test_a_moderator_of_another_method_is_a_member_here(self) -> None:
        other = make_user("other-mod@example.org", "Olga")
        from entregent.method.tests.feedback_factories import make_method

        make_method(other, slug="autre").add_role(other, MethodRole.Role.MODERATOR)
        self.client.force_login(other)
        self.assertEqual(self.client.post(self.url("trash"), {"reason": "spam"}).status_code, 403)

    def test_visitors_are_sent_to_log_in(self) -> None:
        for name in ("trash", "restore", "flag"):
            with self.subTest(name):
                response = self.client.post(self.url(name), {"reason": "spam"})
                self.assertEqual(response.status_code, 302)
                self.assertIn(reverse("account_login"), response["Location"])
        self.assertFalse(Flag.objects.exists())
        self.assertEqual(self.refreshed().status, "published")
