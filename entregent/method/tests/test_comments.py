"""Comments on a step: posting, threads, versions, editing and its history, names from the
author's network, the rate limit and held first comments, and who may do what."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from entregent.method.models import (
    Comment,
    CommentRevision,
    Method,
    ModerationAction,
    StepVersion,
)
from entregent.method.tests.feedback_factories import (
    FeedbackTestCase,
    make_comment,
    make_method,
    make_version,
)
from entregent.network.tests.factories import make_contact
from entregent.test import make_user


class PostingTests(FeedbackTestCase):
    def test_a_member_posts_a_suggestion_and_finds_it_in_the_thread(self) -> None:
        self.client.force_login(self.alice)
        response = self.post_comment("Commencer par **deux** appels.", kind="suggestion")
        comment = Comment.objects.get()
        self.assertRedirects(
            response, self.step_url() + f"#comment-{comment.pk}", fetch_redirect_response=False
        )
        self.assertEqual(
            (comment.author, comment.kind, comment.depth, comment.status, comment.version),
            (self.alice, "suggestion", 1, "published", self.v1),
        )
        page = self.client.get(self.step_url())
        self.assertContains(page, f'id="comment-{comment.pk}"')
        self.assertContains(page, "Commencer par <strong>deux</strong> appels.", html=False)
        self.assertContains(page, "Your comment is posted.")

    def test_markdown_is_sanitised(self) -> None:
        self.client.force_login(self.alice)
        self.post_comment('<script>alert("x")</script> [lien](javascript:alert(1)) *ok*')
        page = self.client.get(self.step_url()).content.decode()
        self.assertNotIn("<script>alert", page)
        self.assertNotIn("javascript:alert", page)
        self.assertIn("<em>ok</em>", page)

    def test_it_goes_back_to_the_page_it_came_from(self) -> None:
        self.client.force_login(self.alice)
        version_url = self.v1.get_absolute_url()
        response = self.post_comment("Depuis la page de la version.", next=version_url)
        comment = Comment.objects.get()
        self.assertRedirects(
            response, f"{version_url}#comment-{comment.pk}", fetch_redirect_response=False
        )

    def test_an_empty_comment_is_refused_with_the_form_shown_again(self) -> None:
        self.client.force_login(self.alice)
        response = self.post_comment("   ", kind="question")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This field is required.")
        self.assertFalse(Comment.objects.exists())

    def test_visitors_read_the_thread_and_are_asked_to_log_in(self) -> None:
        make_comment(self.v1, self.bob, "Lisible par tous.")
        page = self.client.get(self.step_url())
        self.assertContains(page, "Lisible par tous.")
        self.assertContains(page, "Log in to comment")
        self.assertNotContains(page, 'id="comment-form"')
        self.assertNotContains(page, "Your vote:")
        response = self.post_comment("Anonyme")
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("account_login"), response["Location"])
        self.assertFalse(Comment.objects.filter(body="Anonyme").exists())

    def test_a_members_only_method_and_a_draft_are_not_found(self) -> None:
        private = make_method(self.facilitator, slug="prive", visibility=Method.Visibility.MEMBERS)
        private_version = make_version(private)
        comment = make_comment(private_version, self.bob, "Entre membres.")
        history = reverse("methods:comment-history", args=[private.slug, comment.pk])
        self.assertEqual(self.client.get(history).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("methods:step", args=[private.slug, 1])).status_code, 404
        )
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(history).status_code, 200)
        draft = make_version(self.method, step_number=2, state=StepVersion.State.DRAFT)
        response = self.client.post(
            self.create_url(draft), {"kind": "remark", "body": "Sur un brouillon"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Comment.objects.filter(body="Sur un brouillon").exists())

    def test_a_version_in_synthesis_takes_no_comments(self) -> None:
        self.v1.close_feedback()
        self.client.force_login(self.alice)
        response = self.post_comment("Trop tard")
        self.assertContains(response, "Version 1 of this step no longer takes comments.")
        self.assertFalse(Comment.objects.exists())
        page = self.client.get(self.step_url())
        self.assertContains(page, "Feedback on this step is closed for now.")
        self.assertNotContains(page, 'id="comment-form"')

    def test_a_validated_version_still_takes_comments(self) -> None:
        self.v1.validate()
        self.client.force_login(self.alice)
        self.post_comment("Pour la version suivante")
        self.assertTrue(Comment.objects.filter(body="Pour la version suivante").exists())


class ThreadTests(FeedbackTestCase):
    def reply_url(self, comment: Comment) -> str:
        return reverse("methods:comment-reply", args=[self.method.slug, comment.pk])

    def test_replies_nest_three_levels_and_no_deeper(self) -> None:
        first = make_comment(self.v1, self.bob, "Niveau 1")
        self.client.force_login(self.alice)
        self.client.post(self.reply_url(first), {"kind": "remark", "body": "Niveau 2"})
        second = Comment.objects.get(body="Niveau 2")
        self.client.post(self.reply_url(second), {"kind": "question", "body": "Niveau 3"})
        third = Comment.objects.get(body="Niveau 3")
        self.assertEqual((second.parent, second.depth), (first, 2))
        self.assertEqual((third.parent, third.depth), (second, 3))

        response = self.client.post(self.reply_url(third), {"kind": "remark", "body": "Niveau 4"})
        self.assertContains(response, "This conversation is already 3 levels deep")
        self.assertFalse(Comment.objects.filter(body="Niveau 4").exists())
        # No "Reply" on the third level: the page never offers what would be refused.
        page = self.client.get(self.step_url()).content.decode()
        self.assertIn(self.reply_url(second), page)
        self.assertNotIn(self.reply_url(third), page)

    def test_the_thread_nests_replies_under_their_parent(self) -> None:
        first = make_comment(self.v1, self.bob, "Parent")
        make_comment(self.v1, self.alice, "Enfant", parent=first)
        make_comment(self.v1, self.charlie, "Second fil")
        page = self.client.get(self.step_url()).content.decode()
        parent_at = page.index(f'id="comment-{first.pk}"')
        replies_at = page.index('<ol class="replies">', parent_at)
        self.assertLess(replies_at, page.index("Enfant"))
        self.assertLess(page.index("Enfant"), page.index("Second fil"))

    def test_the_reply_page_shows_the_comment_answered(self) -> None:
        first = make_comment(self.v1, self.bob, "La question posée")
        self.client.force_login(self.alice)
        page = self.client.get(self.reply_url(first))
        self.assertContains(page, "La question posée")
        self.assertContains(page, "Reply to Bob")

    def test_comments_of_older_versions_are_labelled_and_grouped(self) -> None:
        old = make_comment(self.v1, self.bob, "Sur la première version")
        self.assertNotContains(self.client.get(self.step_url()), "on version 1")
        self.v1.validate()
        v2 = make_version(self.method, number=2)
        new = make_comment(v2, self.alice, "Sur la deuxième")
        page = self.client.get(v2.get_absolute_url()).content.decode()
        self.assertIn("On version 2, this version", page)
        self.assertIn("On version 1</h3>", page)
        # Version 2's discussion comes first, version 1's after it, labelled.
        self.assertLess(page.index(f'id="comment-{new.pk}"'), page.index(f'id="comment-{old.pk}"'))
        old_entry = page[page.index(f'id="comment-{old.pk}"') :]
        self.assertIn("on version 1", old_entry[: old_entry.index("</article>")])

    def test_version_1s_page_points_to_where_the_discussion_goes_on(self) -> None:
        self.v1.close_feedback()
        self.v1.validate()
        make_version(self.method, number=2)
        self.v1.refresh_from_db()
        self.v1.validate()  # no-op: already validated
        StepVersion.objects.filter(pk=self.v1.pk).update(state=StepVersion.State.SUPERSEDED)
        page = self.client.get(self.v1.get_absolute_url())
        self.assertContains(page, "Version 1 no longer takes comments")
        self.assertContains(page, "Go to version 2")


class EditTests(FeedbackTestCase):
    def edit_url(self, comment: Comment) -> str:
        return reverse("methods:comment-edit", args=[self.method.slug, comment.pk])

    def test_editing_keeps_the_earlier_text_in_a_public_history(self) -> None:
        comment = make_comment(self.v1, self.alice, "Premier jet", kind="remark")
        self.client.force_login(self.alice)
        self.client.post(self.edit_url(comment), {"kind": "suggestion", "body": "Texte revu"})
        comment.refresh_from_db()
        self.assertEqual((comment.body, comment.kind), ("Texte revu", "suggestion"))
        self.assertIsNotNone(comment.edited_at)
        revision = CommentRevision.objects.get(comment=comment)
        self.assertEqual((revision.body, revision.kind), ("Premier jet", "remark"))

        self.client.logout()
        page = self.client.get(self.step_url())
        history = reverse("methods:comment-history", args=[self.method.slug, comment.pk])
        self.assertContains(page, f'href="{history}"')
        self.assertContains(page, "edited")
        history_page = self.client.get(history)
        self.assertContains(history_page, "Texte revu")
        self.assertContains(history_page, "Premier jet")
        self.assertContains(history_page, "Edited once.")

    def test_saving_the_same_text_makes_no_revision(self) -> None:
        comment = make_comment(self.v1, self.alice, "Inchangé")
        self.client.force_login(self.alice)
        self.client.post(self.edit_url(comment), {"kind": "remark", "body": "Inchangé"})
        self.assertFalse(CommentRevision.objects.exists())

    def test_only_the_author_edits(self) -> None:
        comment = make_comment(self.v1, self.alice, "À Alice")
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(self.edit_url(comment)).status_code, 403)
        response = self.client.post(self.edit_url(comment), {"kind": "remark", "body": "Bob"})
        self.assertEqual(response.status_code, 403)
        comment.refresh_from_db()
        self.assertEqual(comment.body, "À Alice")

    def test_a_voted_suggestion_stays_votable(self) -> None:
        from entregent.method.models import Vote

        comment = make_comment(self.v1, self.alice, "Proposition", kind="suggestion")
        Vote.cast(comment, self.bob, "agree")
        self.client.force_login(self.alice)
        response = self.client.post(self.edit_url(comment), {"kind": "remark", "body": "X"})
        self.assertContains(response, "Members have voted on it")
        comment.refresh_from_db()
        self.assertEqual(comment.kind, "suggestion")


class NetworkNamesTests(FeedbackTestCase):
    def test_names_from_the_authors_network_need_a_confirmation(self) -> None:
        make_contact(self.alice, "Hélène Dupont", given_name="Hélène", family_name="Dupont")
        make_contact(self.bob, "Jean Martin", given_name="Jean", family_name="Martin")
        self.client.force_login(self.alice)
        text = "J'en ai parlé à helene DUPONT et à Jean Martin."
        response = self.post_comment(text)
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, "Your comment names people from your network: Hélène Dupont."
        )
        # Bob's contact is none of Alice's business, and not named to her.
        self.assertNotContains(response, "Jean Martin.</strong>")
        self.assertFalse(Comment.objects.exists())
        warned = response.context["form"].data["warned"]

        response = self.post_comment(text, confirm_names="on", warned=warned)
        self.assertEqual(Comment.objects.get().body, text)

    def test_a_name_added_after_the_warning_is_warned_about_again(self) -> None:
        helene = make_contact(
            self.alice, "Hélène Dupont", given_name="Hélène", family_name="Dupont"
        )
        make_contact(self.alice, "Paul Durand", given_name="Paul", family_name="Durand")
        self.client.force_login(self.alice)
        response = self.post_comment(
            "Avec Hélène Dupont et Paul Durand.", confirm_names="on", warned=str(helene.pk)
        )
        self.assertContains(response, "Paul Durand")
        self.assertFalse(Comment.objects.exists())

    def test_a_single_word_or_a_stranger_is_no_name(self) -> None:
        make_contact(self.alice, "Hélène Dupont", given_name="Hélène", family_name="Dupont")
        self.client.force_login(self.alice)
        self.post_comment("Dupont et Hélène, chacun de son côté.")
        self.assertEqual(Comment.objects.count(), 1)


class LimitsTests(FeedbackTestCase):
    @override_settings(METHOD_COMMENTS_PER_10_MINUTES=2)
    def test_posting_is_rate_limited_with_the_time_to_wait(self) -> None:
        self.client.force_login(self.alice)
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            self.post_comment("Un")
        with time_machine.travel(start + dt.timedelta(minutes=3), tick=False):
            self.post_comment("Deux")
            response = self.post_comment("Trois, gardé")
        self.assertEqual(response.status_code, 429)
        self.assertContains(
            response, "You have reached the limit of 2 comments in ten minutes.", status_code=429
        )
        self.assertContains(response, "You can post again at", status_code=429)
        self.assertContains(response, "in about 7 minutes", status_code=429)
        # The text typed is not lost.
        self.assertContains(response, "Trois, gardé", status_code=429)
        self.assertEqual(Comment.objects.count(), 2)
        # Bob has his own allowance.
        self.client.force_login(self.bob)
        with time_machine.travel(start + dt.timedelta(minutes=3), tick=False):
            self.post_comment("Bob")
        # Ten minutes after the first, one more fits.
        self.client.force_login(self.alice)
        with time_machine.travel(start + dt.timedelta(minutes=10, seconds=1), tick=False):
            self.post_comment("Trois")
        self.assertEqual(Comment.objects.filter(author=self.alice).count(), 3)

    @override_settings(METHOD_HOLD_FIRST_COMMENTS=1, METHOD_NEW_ACCOUNT_DAYS=7)
    def test_a_new_accounts_first_comment_is_held_for_review(self) -> None:
        newcomer = make_user("new@example.org", "Nadia")
        self.client.force_login(newcomer)
        response = self.post_comment("Mon premier commentaire")
        held = Comment.objects.get()
        self.assertEqual(held.status, Comment.Status.HELD)
        log = ModerationAction.objects.get()
        self.assertEqual((log.action, log.moderator, log.comment), ("hold", None, held))
        page = self.client.get(response["Location"])
        self.assertContains(page, "Your comment is held for review")
        self.assertContains(page, "Mon premier commentaire")
        # Her second comment is not held.
        self.post_comment("Le deuxième")
        self.assertEqual(Comment.objects.get(body="Le deuxième").status, "published")

        self.client.force_login(self.bob)
        self.assertNotContains(self.client.get(self.step_url()), "Mon premier commentaire")
        self.client.force_login(self.moderator)
        queue = self.client.get(reverse("methods:moderation", args=[self.method.slug]))
        self.assertContains(queue, "Mon premier commentaire")

    @override_settings(METHOD_HOLD_FIRST_COMMENTS=1, METHOD_NEW_ACCOUNT_DAYS=7)
    def test_an_older_account_is_not_held(self) -> None:
        self.client.force_login(self.alice)
        self.post_comment("Ancienne")
        self.assertEqual(Comment.objects.get().status, "published")
