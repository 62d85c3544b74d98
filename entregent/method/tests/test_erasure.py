"""Erasing a member keeps the community's record whole: their comments stay in their threads
as "former member" with the text removed, their votes stay in the counts unlinked."""

from __future__ import annotations

from django.urls import reverse

from entregent.accounts.registry import erase_user
from entregent.method import moderation
from entregent.method.models import Comment, CommentRevision, Flag, ModerationAction, Vote
from entregent.method.tests.feedback_factories import FeedbackTestCase, make_comment


class ErasureTests(FeedbackTestCase):
    def test_an_erased_members_feedback_stays_anonymous(self) -> None:
        suggestion = make_comment(self.v1, self.alice, "Texte d'Alice à effacer", "suggestion")
        CommentRevision.objects.create(comment=suggestion, kind="remark", body="Ancien texte")
        reply = make_comment(self.v1, self.bob, "Réponse de Bob", parent=suggestion)
        answer = make_comment(self.v1, self.alice, "Alice répond", parent=reply)
        bobs = make_comment(self.v1, self.bob, "Idée de Bob", "criticism")
        Vote.cast(suggestion, self.bob, "agree")
        Vote.cast(suggestion, self.charlie, "agree")
        Vote.cast(bobs, self.alice, "disagree")
        Vote.cast(bobs, self.charlie, "agree")
        moderation.flag_comment(bobs, self.alice, "other", "note d'Alice")

        erase_user(self.alice)

        suggestion.refresh_from_db()
        self.assertEqual(
            (suggestion.author, suggestion.author_erased, suggestion.body),
            (None, True, ""),
        )
        self.assertFalse(CommentRevision.objects.exists())
        # The thread keeps its replies, Bob's included, in place.
        self.assertEqual(Comment.objects.get(pk=reply.pk).parent_id, suggestion.pk)
        self.assertEqual(Comment.objects.get(pk=answer.pk).parent_id, reply.pk)
        # Her votes still count, linked to nobody.
        bobs.refresh_from_db()
        self.assertEqual((bobs.agree_count, bobs.disagree_count), (1, 1))
        self.assertEqual(Vote.objects.filter(comment=bobs, voter=None).count(), 1)
        self.assertEqual(suggestion.agree_count, 2)
        flag = Flag.objects.get()
        self.assertEqual((flag.flagger, flag.note), (None, ""))

        page = self.client.get(self.step_url())
        self.assertEqual(page.status_code, 200)
        content = page.content.decode()
        self.assertNotIn("Texte d'Alice à effacer", content)
        self.assertNotIn("Alice répond", content)
        self.assertNotIn("Alice", content.replace("Alice répond", ""))
        self.assertEqual(content.count("Former member"), 2)
        self.assertEqual(content.count("Text removed: its author left the site."), 2)
        self.assertIn("Réponse de Bob", content)
        self.assertIn("Idée de Bob", content)
        # Her suggestion's votes stay visible, but nobody can reply to or vote on a text
        # that is gone; its history is gone too.
        self.client.force_login(self.charlie)
        content = self.client.get(self.step_url()).content.decode()
        self.assertIn('Agree <span class="vote-count">2</span>', content)
        self.assertNotIn(
            reverse("methods:comment-vote", args=[self.method.slug, suggestion.pk]), content
        )
        self.assertNotIn(
            reverse("methods:comment-reply", args=[self.method.slug, suggestion.pk]), content
        )
        history = reverse("methods:comment-history", args=[self.method.slug, suggestion.pk])
        self.assertEqual(self.client.get(history).status_code, 404)

    def test_an_erased_moderator_stays_named_in_the_log(self) -> None:
        comment = make_comment(self.v1, self.bob, "Hors sujet")
        moderation.trash(comment, self.moderator, "off_topic")
        erase_user(self.moderator)
        entry = ModerationAction.objects.get()
        self.assertEqual((entry.moderator, entry.moderator_name), (None, "Marc (moderator)"))
        self.client.force_login(self.facilitator)
        page = self.client.get(reverse("methods:moderation-log", args=[self.method.slug]))
        self.assertContains(page, "Marc (moderator)")
