"""Votes on suggestions and criticisms: agree, disagree, pass; one per member, changeable;
counts visible to everyone; with and without JavaScript."""

from __future__ import annotations

from django.urls import reverse

from entregent.method.models import Comment, Vote
from entregent.method.tests.feedback_factories import FeedbackTestCase, make_comment


class VoteTests(FeedbackTestCase):
    suggestion: Comment

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.suggestion = make_comment(cls.v1, cls.bob, "Deux appels par semaine", "suggestion")

    def vote_url(self, comment: Comment | None = None) -> str:
        comment = comment or self.suggestion
        return reverse("methods:comment-vote", args=[self.method.slug, comment.pk])

    def counts(self) -> tuple[int, int, int]:
        self.suggestion.refresh_from_db()
        c = self.suggestion
        return (c.agree_count, c.disagree_count, c.pass_count)

    def test_a_member_votes_and_changes_their_mind(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.vote_url(), {"choice": "agree"})
        self.assertRedirects(
            response,
            self.step_url() + f"#comment-{self.suggestion.pk}",
            fetch_redirect_response=False,
        )
        self.assertEqual(self.counts(), (1, 0, 0))
        self.client.post(self.vote_url(), {"choice": "disagree"})
        self.assertEqual(self.counts(), (0, 1, 0))
        # Pressing the same choice again changes nothing.
        self.client.post(self.vote_url(), {"choice": "disagree"})
        self.assertEqual(self.counts(), (0, 1, 0))
        self.assertEqual(Vote.objects.get().voter, self.alice)

    def test_counts_add_up_over_members(self) -> None:
        for user, choice in ((self.alice, "agree"), (self.charlie, "agree"), (self.bob, "pass")):
            self.client.force_login(user)
            self.client.post(self.vote_url(), {"choice": choice})
        self.assertEqual(self.counts(), (2, 0, 1))
        self.client.logout()
        page = self.client.get(self.step_url())
        self.assertContains(page, 'Agree <span class="vote-count">2</span>', html=False)
        self.assertContains(page, 'Pass <span class="vote-count">1</span>', html=False)

    def test_the_members_own_vote_is_shown_pressed(self) -> None:
        Vote.cast(self.suggestion, self.alice, "disagree")
        self.client.force_login(self.alice)
        page = self.client.get(self.step_url()).content.decode()
        form = page[page.index(f'action="{self.vote_url()}"') :]
        form = form[: form.index("</form>")]
        self.assertIn('value="disagree" class="vote vote-disagree" aria-pressed="true"', form)
        self.assertIn('value="agree" class="vote vote-agree" aria-pressed="false"', form)

    def test_with_javascript_the_answer_is_json(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(
            self.vote_url(), {"choice": "agree"}, headers={"accept": "application/json"}
        )
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(data["choice"], "agree")
        self.assertEqual(data["counts"], {"agree": 1, "disagree": 0, "pass": 0})

    def test_remarks_and_questions_take_no_votes(self) -> None:
        remark = make_comment(self.v1, self.bob, "Une remarque")
        self.client.force_login(self.alice)
        response = self.client.post(
            self.vote_url(remark), {"choice": "agree"}, headers={"accept": "application/json"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("suggestions and criticisms only", response.json()["error"])
        self.assertFalse(Vote.objects.exists())
        self.assertNotContains(self.client.get(self.step_url()), self.vote_url(remark))

    def test_an_unknown_choice_is_refused(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.vote_url(), {"choice": "maybe"}, follow=True)
        self.assertContains(response, "Choose agree, disagree or pass.")
        self.assertFalse(Vote.objects.exists())

    def test_authors_may_vote_on_their_own_suggestion(self) -> None:
        # As in Polis: a vote is an opinion, and the author's counts like anyone's.
        self.client.force_login(self.bob)
        self.client.post(self.vote_url(), {"choice": "agree"})
        self.assertEqual(self.counts(), (1, 0, 0))

    def test_visitors_see_counts_and_cannot_vote(self) -> None:
        Vote.cast(self.suggestion, self.alice, "agree")
        page = self.client.get(self.step_url())
        self.assertContains(page, "Votes:")
        self.assertNotContains(page, self.vote_url())
        response = self.client.post(self.vote_url(), {"choice": "agree"})
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("account_login"), response["Location"])
        self.assertEqual(self.counts(), (1, 0, 0))

    def test_votes_close_with_the_feedback(self) -> None:
        self.v1.close_feedback()
        self.client.force_login(self.alice)
        response = self.client.post(self.vote_url(), {"choice": "agree"}, follow=True)
        self.assertContains(response, "Votes on version 1 are closed.")
        self.assertEqual(self.counts(), (0, 0, 0))

    def test_a_trashed_suggestion_takes_no_votes_and_keeps_its_counts(self) -> None:
        Vote.cast(self.suggestion, self.alice, "agree")
        Comment.objects.filter(pk=self.suggestion.pk).update(
            status=Comment.Status.TRASHED, trash_reason="off_topic"
        )
        self.client.force_login(self.charlie)
        response = self.client.post(self.vote_url(), {"choice": "agree"})
        # Charlie may not even read it.
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.counts(), (1, 0, 0))
