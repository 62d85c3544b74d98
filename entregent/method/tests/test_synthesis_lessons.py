"""The synthesis workspace of step n + 1 shows what members met applying step n: the
debriefs they shared with the facilitators or published, never the private ones, never a
text that names their contacts before they confirmed it, and no name unless they signed."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from entregent.accounts.models import User
from entregent.method.models import Adoption, Debrief, StepVersion
from entregent.method.tests.feedback_factories import FeedbackTestCase, make_version
from entregent.test import make_user

State = StepVersion.State
Visibility = Debrief.Visibility


class LessonsTests(FeedbackTestCase):
    step2: StepVersion
    dora: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        StepVersion.objects.filter(pk=cls.v1.pk).update(
            state=State.VALIDATED, published_at=cls.v1.created_at, validated_at=cls.v1.created_at
        )
        cls.step2 = make_version(cls.method, step_number=2, state=State.OPEN, title="Donner")
        cls.dora = make_user("dora@example.org", display_name="Dora Signée")

    def debrief(
        self,
        user: User,
        visibility: str,
        *,
        problems: str = "",
        solutions: str = "",
        day: int = 1,
        confirmed: bool = True,
    ) -> Debrief:
        adoption, _ = Adoption.objects.get_or_create(
            owner=user, version=self.v1, defaults={"adopted_on": dt.date(2026, 9, 1)}
        )
        return Debrief.objects.create(
            adoption=adoption,
            owner=user,
            version=self.v1,
            written_on=dt.date(2026, 10, day),
            assessment=Debrief.Assessment.PARTLY,
            problems=problems,
            solutions=solutions,
            visibility=visibility,
            names_confirmed=confirmed,
        )

    def workspace(self, step: int = 2) -> str:
        self.client.force_login(self.facilitator)
        response = self.client.get(reverse("methods:synthesis", args=[self.method.slug, step]))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_shared_and_published_debriefs_of_the_previous_step_are_quoted(self) -> None:
        self.debrief(
            self.alice, Visibility.FACILITATORS, problems="Trop de relances sans réponse."
        )
        self.debrief(self.bob, Visibility.ANONYMOUS, solutions="Un message court, une question.")
        self.debrief(self.dora, Visibility.SIGNED, problems="Je n'osais pas écrire.")
        page = self.workspace()
        self.assertIn("What members met applying step 1", page)
        self.assertIn("Trop de relances sans réponse.", page)
        self.assertIn("Un message court, une question.", page)
        # Signed: the member's name; shared or anonymous: none.
        self.assertIn("Dora Signée, version 1: it partly worked", page)
        self.assertEqual(page.count("A member, version 1: it partly worked"), 2)
        self.assertNotIn(self.alice.display_name, page.split('id="lessons"')[1])

    def test_private_and_unconfirmed_texts_never_show(self) -> None:
        self.debrief(self.alice, Visibility.PRIVATE, problems="Mon secret.")
        # Published, but it names a contact and the member has not confirmed it.
        self.debrief(
            self.bob, Visibility.ANONYMOUS, problems="Jean Dupont m'a ignoré.", confirmed=False
        )
        page = self.workspace()
        self.assertNotIn("Mon secret.", page)
        self.assertNotIn("Jean Dupont", page)
        self.assertIn("No member has shared a debrief of step 1", page)

    def test_only_each_members_latest_debrief_of_a_version(self) -> None:
        self.debrief(
            self.alice, Visibility.FACILITATORS, problems="Premier mois difficile.", day=1
        )
        self.debrief(
            self.alice, Visibility.FACILITATORS, problems="Trois mois : ça va mieux.", day=20
        )
        page = self.workspace()
        self.assertIn("Trois mois : ça va mieux.", page)
        self.assertNotIn("Premier mois difficile.", page)

    def test_step_one_has_no_previous_step(self) -> None:
        self.debrief(self.alice, Visibility.FACILITATORS, problems="Trop de relances.")
        self.assertNotIn('id="lessons"', self.workspace(step=1))

    def test_members_do_not_reach_them(self) -> None:
        self.debrief(self.alice, Visibility.FACILITATORS, problems="Trop de relances.")
        self.client.force_login(self.bob)
        response = self.client.get(reverse("methods:synthesis", args=[self.method.slug, 2]))
        self.assertEqual(response.status_code, 403)
