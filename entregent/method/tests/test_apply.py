"""Applying a validated step: who may, from which date, for which objective, the checklist
that becomes the member's own, abandoning and resuming, and "My steps".

Alice applies steps; Bob is another member with an adoption and an objective of his own;
Charlie has nothing: none of them sees anyone else's adoption (404). Visitors are sent to the
login page.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

import time_machine
from django.test import RequestFactory
from django.urls import get_resolver, resolve, reverse
from django.utils.html import escape

from entregent.accounts.models import User
from entregent.goals.models import Objective
from entregent.method import adoptions, views_apply
from entregent.method.forms import MethodForm
from entregent.method.models import Adoption, ChecklistItem, Method, StepVersion
from entregent.method.tests.factories import make_method, make_version
from entregent.test import BaseTestCase

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
State = StepVersion.State
# Version 2 of step 1 was validated on March 1, 2026; "today" is 20 March 2026 in these tests.
VALIDATED_AT = dt.datetime(2026, 3, 1, 9, 0, tzinfo=PARIS)
TODAY = dt.datetime(2026, 3, 20, 10, 0, tzinfo=PARIS)
CHECKLIST = ["Lister vingt personnes", "Écrire à trois d'entre elles"]


def _apply_url(version: StepVersion) -> str:
    step = version.step
    return reverse("methods:apply", args=[step.method.slug, step.number, version.number])


@time_machine.travel(TODAY, tick=False)
class ApplyTests(BaseTestCase):
    method: Method
    old: StepVersion
    validated: StepVersion
    open: StepVersion
    draft: StepVersion
    other_step: StepVersion

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.method = make_method(cls.facilitator)
        cls.old = make_version(
            cls.method, 1, 1, state=State.SUPERSEDED, validated_at=VALIDATED_AT, title="Lister"
        )
        cls.validated = make_version(
            cls.method,
            1,
            2,
            state=State.VALIDATED,
            validated_at=VALIDATED_AT,
            checklist=CHECKLIST,
            expected_kind="meeting",
            expected_count=2,
            expected_share=60,
            expected_window_days=30,
        )
        cls.open = make_version(cls.method, 2, 1, state=State.OPEN, title="Relancer")
        cls.draft = make_version(cls.method, 2, 2, title="Relancer, révisé")
        cls.other_step = make_version(
            cls.method,
            3,
            1,
            state=State.VALIDATED,
            validated_at=VALIDATED_AT,
            checklist=["Un"],
            title="Donner avant de demander",
        )

    def apply_as(self, user: User, version: StepVersion, **data: object) -> Adoption | None:
        self.client.force_login(user)
        payload = {"adopted_on": "2026-03-20", "objective": "", **data}
        self.client.post(_apply_url(version), payload)
        return Adoption.objects.filter(owner=user, version=version).first()

    # Who may apply, and what.

    def test_a_visitor_is_sent_to_log_in(self) -> None:
        for url in (_apply_url(self.validated), reverse("methods:applied")):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(reverse("account_login")))

    def test_alices_checklist_is_the_steps_in_order(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(_apply_url(self.validated))
        self.assertContains(response, "Apply this step")
        self.assertContains(response, 'value="2026-03-20"')
        self.assertContains(response, 'min="2026-03-01"')
        response = self.client.post(
            _apply_url(self.validated), {"adopted_on": "2026-03-20", "objective": ""}
        )
        adoption = Adoption.objects.get(owner=self.alice)
        self.assertRedirects(response, reverse("methods:adoption", args=[adoption.pk]))
        self.assertEqual(adoption.adopted_on, dt.date(2026, 3, 20))
        self.assertEqual(adoption.status, Adoption.Status.ACTIVE)
        self.assertEqual(
            [(i.position, i.text, i.from_step, i.done_at) for i in adoption.items.all()],
            [(1, CHECKLIST[0], True, None), (2, CHECKLIST[1], True, None)],
        )
        page = self.client.get(reverse("methods:adoption", args=[adoption.pk]))
        self.assertContains(page, CHECKLIST[0])
        self.assertContains(page, "0 of 2 items done")

    def test_applying_again_leads_to_the_same_adoption(self) -> None:
        first = self.apply_as(self.alice, self.validated)
        assert first is not None
        response = self.client.get(_apply_url(self.validated))
        self.assertRedirects(response, reverse("methods:adoption", args=[first.pk]))
        self.client.post(_apply_url(self.validated), {"adopted_on": "2026-03-20"})
        again, created = adoptions.apply(
            self.alice, self.validated, adopted_on=dt.date(2026, 3, 20)
        )
        self.assertEqual((again.pk, created), (first.pk, False))
        self.assertEqual(Adoption.objects.count(), 1)
        self.assertEqual(ChecklistItem.objects.count(), 2)

    def test_a_superseded_version_says_why_and_points_to_the_newer_one(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(_apply_url(self.old))
        self.assertContains(response, "was replaced by a newer validated version")
        self.assertContains(response, f'href="{_apply_url(self.validated)}"')
        self.assertNotContains(response, '<form method="post" class="card apply-form"')
        self.assertIsNone(self.apply_as(self.alice, self.old))

    def test_a_version_still_discussed_says_it_must_be_validated_first(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(_apply_url(self.open))
        self.assertContains(response, "is still being discussed")
        self.assertIsNone(self.apply_as(self.alice, self.open))

    def test_a_draft_does_not_exist_for_a_member(self) -> None:
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(_apply_url(self.draft)).status_code, 404)
        self.assertEqual(
            self.client.post(_apply_url(self.draft), {"adopted_on": "2026-03-20"}).status_code,
            404,
        )

    def test_several_steps_can_be_applied(self) -> None:
        self.apply_as(self.alice, self.validated)
        self.apply_as(self.alice, self.other_step)
        self.assertEqual(Adoption.objects.filter(owner=self.alice).count(), 2)

    # The adoption date.

    def test_an_earlier_date_after_the_validation_is_kept(self) -> None:
        adoption = self.apply_as(self.alice, self.validated, adopted_on="2026-03-01")
        assert adoption is not None
        self.assertEqual(adoption.adopted_on, dt.date(2026, 3, 1))

    def test_a_date_in_the_future_or_before_the_validation_is_refused(self) -> None:
        self.client.force_login(self.alice)
        cases = {
            "2026-03-21": "Give today or a day already past",
            "2026-02-28": "This version was validated on March 1, 2026",
            "yesterday": "Give a real date.",
            "": "Give the day you started.",
        }
        for value, message in cases.items():
            with self.subTest(value):
                response = self.client.post(_apply_url(self.validated), {"adopted_on": value})
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.context["form"].errors["adopted_on"][0])
                self.assertContains(response, message)
        self.assertFalse(Adoption.objects.exists())

    def test_the_validation_day_is_the_members_own(self) -> None:
        # Validated at 23:30 in Paris: already the 2nd in Tokyo, where Alice lives.
        self.alice.time_zone = "Asia/Tokyo"
        self.alice.save()
        late = make_version(
            self.method,
            4,
            1,
            state=State.VALIDATED,
            validated_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=PARIS),
        )
        self.client.force_login(self.alice)
        response = self.client.post(_apply_url(late), {"adopted_on": "2026-03-01"})
        self.assertContains(response, "This version was validated on March 2, 2026")
        self.assertIsNotNone(self.apply_as(self.alice, late, adopted_on="2026-03-02"))

    # The objective.

    def test_alice_links_one_of_her_objectives(self) -> None:
        objective = Objective.objects.create(owner=self.alice, title="Trouver un client")
        adoption = self.apply_as(self.alice, self.validated, objective=objective.pk)
        assert adoption is not None
        self.assertEqual(adoption.objective, objective)
        page = self.client.get(reverse("methods:adoption", args=[adoption.pk]))
        self.assertContains(page, "Trouver un client")

    def test_bobs_objective_is_a_form_error_for_alice(self) -> None:
        bobs = Objective.objects.create(owner=self.bob, title="bob-objective-marker")
        self.client.force_login(self.alice)
        get = self.client.get(_apply_url(self.validated))
        self.assertNotContains(get, "bob-objective-marker")
        response = self.client.post(
            _apply_url(self.validated), {"adopted_on": "2026-03-20", "objective": bobs.pk}
        )
        self.assertEqual(
            response.context["form"].errors["objective"], ["Choose one of your own objectives."]
        )
        self.assertFalse(Adoption.objects.exists())
        # Changing it later holds to the same rule.
        adoption = self.apply_as(self.alice, self.validated)
        assert adoption is not None
        response = self.client.post(
            reverse("methods:adoption-edit", args=[adoption.pk]),
            {"adopted_on": "2026-03-20", "objective": bobs.pk},
        )
        self.assertEqual(
            response.context["form"].errors["objective"], ["Choose one of your own objectives."]
        )
        adoption.refresh_from_db()
        self.assertIsNone(adoption.objective)

    def test_alice_changes_the_date_and_the_objective(self) -> None:
        adoption = self.apply_as(self.alice, self.validated)
        assert adoption is not None
        objective = Objective.objects.create(owner=self.alice, title="Changer de poste")
        response = self.client.post(
            reverse("methods:adoption-edit", args=[adoption.pk]),
            {"adopted_on": "2026-03-05", "objective": objective.pk},
        )
        self.assertRedirects(response, reverse("methods:adoption", args=[adoption.pk]))
        adoption.refresh_from_db()
        self.assertEqual(
            (adoption.adopted_on, adoption.objective), (dt.date(2026, 3, 5), objective)
        )
        response = self.client.post(
            reverse("methods:adoption-edit", args=[adoption.pk]), {"adopted_on": "2026-04-01"}
        )
        self.assertIn("Give today", response.context["form"].errors["adopted_on"][0])

    # Privacy: the owner only.

    def test_nobody_else_reaches_an_adoption(self) -> None:
        adoption = self.apply_as(self.alice, self.validated)
        assert adoption is not None
        item = adoption.items.first()
        assert item is not None
        bobs = self.apply_as(self.bob, self.other_step)
        assert bobs is not None
        pk = adoption.pk
        gets = [
            reverse("methods:adoption", args=[pk]),
            reverse("methods:adoption-edit", args=[pk]),
            reverse("methods:debrief-new", args=[pk]),
        ]
        posts = [
            *gets,
            reverse("methods:adoption-abandon", args=[pk]),
            reverse("methods:adoption-resume", args=[pk]),
            reverse("methods:adoption-item-new", args=[pk]),
            reverse("methods:adoption-item-tick", args=[pk, item.pk]),
            reverse("methods:adoption-item-delete", args=[pk, item.pk]),
            # Alice's item through Bob's own adoption.
            reverse("methods:adoption-item-tick", args=[bobs.pk, item.pk]),
            reverse("methods:adoption-item-delete", args=[bobs.pk, item.pk]),
        ]
        for user in (self.bob, self.charlie, self.facilitator):
            self.client.force_login(user)
            for url in gets:
                with self.subTest(user=str(user), url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)
            for url in posts:
                with self.subTest(user=str(user), url=url, method="post"):
                    response = self.client.post(
                        url, {"done": "1", "text": "x", "adopted_on": "2026-03-05"}
                    )
                    self.assertEqual(response.status_code, 404)
            listing = self.client.get(reverse("methods:applied"))
            self.assertNotContains(listing, escape(self.validated.title))
        adoption.refresh_from_db()
        self.assertEqual((adoption.status, adoption.adopted_on), ("active", dt.date(2026, 3, 20)))
        self.assertEqual(adoption.items.count(), 2)
        self.assertFalse(adoption.items.filter(done_at__isnull=False).exists())
        self.assertFalse(adoption.debriefs.exists())

    # The checklist.

    def test_alice_ticks_and_unticks_an_item_without_javascript(self) -> None:
        adoption = self.apply_as(self.alice, self.validated)
        assert adoption is not None
        item = adoption.items.get(position=1)
        url = reverse("methods:adoption-item-tick", args=[adoption.pk, item.pk])
        response = self.client.post(url, {"done": "1"})
        self.assertRedirects(
            response,
            reverse("methods:adoption", args=[adoption.pk]) + f"#item-{item.pk}",
            fetch_redirect_response=False,
        )
        item.refresh_from_db()
        self.assertEqual(item.done_at, TODAY)
        # Ticked again later (a second tab): it keeps the day it was first done.
        with time_machine.travel(TODAY + dt.timedelta(days=2), tick=False):
            self.client.post(url, {"done": "1"})
        item.refresh_from_db()
        self.assertEqual(item.done_at, TODAY)
        page = self.client.get(reverse("methods:adoption", args=[adoption.pk]))
        self.assertContains(page, "1 of 2 items done")
        self.assertContains(page, "Done. Mark it not done")
        self.client.post(url, {"done": "0"})
        item.refresh_from_db()
        self.assertIsNone(item.done_at)
        # Anything else is ignored.
        self.client.post(url, {"done": "maybe"})
        item.refresh_from_db()
        self.assertIsNone(item.done_at)
        self.assertEqual(self.client.get(url).status_code, 405)

    def test_alice_adds_and_removes_items_of_her_own(self) -> None:
        adoption = self.apply_as(self.alice, self.validated)
        assert adoption is not None
        add = reverse("methods:adoption-item-new", args=[adoption.pk])
        response = self.client.post(add, {"text": "  Relancer Paul en avril  "})
        mine = adoption.items.get(from_step=False)
        self.assertEqual((mine.text, mine.position), ("Relancer Paul en avril", 3))
        self.assertRedirects(
            response,
            reverse("methods:adoption", args=[adoption.pk]) + f"#item-{mine.pk}",
            fetch_redirect_response=False,
        )
        response = self.client.post(add, {"text": "   "})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Write the item first.")
        response = self.client.post(add, {"text": "x" * 501})
        self.assertEqual(len(response.context["item_form"].errors["text"]), 1)
        self.assertEqual(adoption.items.count(), 3)
        # Her own item goes; the step's stays.
        self.client.post(reverse("methods:adoption-item-delete", args=[adoption.pk, mine.pk]))
        step_item = adoption.items.get(position=1)
        response = self.client.post(
            reverse("methods:adoption-item-delete", args=[adoption.pk, step_item.pk]),
            follow=True,
        )
        self.assertContains(response, "This item comes from the step")
        self.assertEqual(list(adoption.items.values_list("position", flat=True)), [1, 2])

    def test_a_checklist_holds_a_hundred_items_at_most(self) -> None:
        adoption = self.apply_as(self.alice, self.validated)
        assert adoption is not None
        ChecklistItem.objects.bulk_create(
            ChecklistItem(adoption=adoption, position=n, text=f"item {n}") for n in range(3, 101)
        )
        response = self.client.post(
            reverse("methods:adoption-item-new", args=[adoption.pk]), {"text": "one more"}
        )
        self.assertEqual(
            response.context["item_form"].errors["text"], ["A checklist holds 100 items at most."]
        )
        self.assertEqual(adoption.items.count(), 100)

    # Abandoning and resuming.

    def test_alice_abandons_then_resumes_from_the_same_date(self) -> None:
        adoption = self.apply_as(self.alice, self.validated, adopted_on="2026-03-02")
        assert adoption is not None
        with time_machine.travel(TODAY + dt.timedelta(days=3), tick=False):
            self.client.post(reverse("methods:adoption-abandon", args=[adoption.pk]))
        adoption.refresh_from_db()
        self.assertEqual(
            (adoption.status, adoption.abandoned_on), ("abandoned", dt.date(2026, 3, 23))
        )
        page = self.client.get(reverse("methods:adoption", args=[adoption.pk]))
        self.assertContains(page, "Applied from March 2, 2026 to March 23, 2026.")
        self.assertContains(page, "Apply it again")
        listing = self.client.get(reverse("methods:applied"))
        self.assertEqual(listing.context["abandoned"], [adoption])
        self.assertEqual(listing.context["active"], [])
        # A second abandon changes nothing (and says nothing).
        self.assertFalse(adoptions.abandon(adoption))
        self.client.post(reverse("methods:adoption-resume", args=[adoption.pk]))
        adoption.refresh_from_db()
        self.assertEqual(
            (adoption.status, adoption.abandoned_on, adoption.adopted_on),
            ("active", None, dt.date(2026, 3, 2)),
        )
        self.assertEqual(
            self.client.get(reverse("methods:adoption-abandon", args=[adoption.pk])).status_code,
            405,
        )

    # "My steps".

    def test_my_steps_lists_alices_adoptions_with_their_progress(self) -> None:
        adoption = self.apply_as(self.alice, self.validated)
        assert adoption is not None
        adoptions.tick(adoption.items.get(position=1), True)
        self.apply_as(self.bob, self.other_step)
        self.client.force_login(self.alice)
        response = self.client.get(reverse("methods:applied"))
        self.assertContains(response, "My steps")
        self.assertContains(response, escape(self.validated.title))
        self.assertContains(response, "1 of 2 items done")
        self.assertContains(response, "no debrief yet")
        self.assertEqual(response.context["active"], [adoption])

    def test_my_steps_reads_the_same_number_of_queries_for_1_or_3_adoptions(self) -> None:
        self.apply_as(self.alice, self.validated)
        self.client.force_login(self.alice)
        self.client.get(reverse("methods:applied"))  # sessions, caches warm
        # The session, the member, the adoptions with their counts, the bell.
        with self.assertNumQueries(4):
            self.client.get(reverse("methods:applied"))
        self.apply_as(self.alice, self.other_step)
        late = make_version(self.method, 5, 1, state=State.VALIDATED, validated_at=VALIDATED_AT)
        self.apply_as(self.alice, late)
        with self.assertNumQueries(4):
            self.client.get(reverse("methods:applied"))

    def test_an_empty_my_steps_says_where_to_find_steps(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get(reverse("methods:applied"))
        self.assertContains(response, "You apply no step yet.")

    # The word "applied" is the URLs'.

    def test_applied_is_no_method_address(self) -> None:
        self.assertEqual(resolve("/methods/applied/").url_name, "applied")
        form = MethodForm(
            data={
                "title": "Applied",
                "slug": "applied",
                "language": "en",
                "visibility": "public",
            }
        )
        self.assertFalse(form.is_valid())
        self.assertIn("reserved", form.errors["slug"][0])

    # The step's page (``views_apply.step_context``, included by step.html).

    def test_the_step_page_offers_to_apply_or_leads_to_the_checklist(self) -> None:
        factory = RequestFactory()
        request = factory.get("/")
        from django.contrib.auth.models import AnonymousUser

        step = self.validated.step
        request.user = AnonymousUser()
        context = views_apply.step_context(request, step, self.validated)
        self.assertEqual((context["adoption"], context["applicable"]), (None, True))
        request.user = self.alice
        adoption = self.apply_as(self.alice, self.old.__class__.objects.get(pk=self.validated.pk))
        context = views_apply.step_context(request, step, self.validated)
        self.assertEqual(context["adoption"], adoption)
        self.assertEqual(context["adoption"].item_count, 2)
        # On the old version's page: "you apply version 2".
        context = views_apply.step_context(request, step, self.old)
        self.assertEqual((context["adoption"], context["other_adoption"]), (None, adoption))
        self.assertFalse(context["applicable"])


class WalkTests(BaseTestCase):
    """The privacy walk (``entregent/tests/test_privacy.py``) over these routes, with Alice's
    adoption, checklist and debrief in the database: Bob and a visitor, by GET and POST,
    with every id of hers, see nothing of it and change nothing."""

    def test_no_route_of_applying_shows_or_changes_alices_adoption(self) -> None:
        from entregent.accounts import registry
        from entregent.method import urls_apply
        from entregent.method.models import Debrief
        from entregent.tests.test_privacy import walk

        method = make_method(self.facilitator, slug="walk")
        version = make_version(
            method, state=State.VALIDATED, validated_at=VALIDATED_AT, checklist=["walk-item"]
        )
        adoption, _ = adoptions.apply(self.alice, version, adopted_on=dt.date(2026, 3, 2))
        item = adoptions.add_item(adoption, "alice-item-marker")
        debrief = Debrief.objects.create(
            adoption=adoption,
            owner=self.alice,
            version=version,
            measured={"meeting": 3},
            assessment="worked",
            usefulness=4,
            obtained="alice-debrief-marker",
        )
        bobs, _ = adoptions.apply(self.bob, version, adopted_on=dt.date(2026, 3, 2))
        before = repr(registry.export_user_data(self.alice))
        ids = [str(pk) for pk in (adoption.pk, item.pk, debrief.pk, bobs.pk)]
        values = {"slug": ["walk"], "number": ["1"], "version": ["1"]}
        names = {f"methods:{p.name}" for p in urls_apply.urlpatterns}
        routes = [r for r in walk(get_resolver().url_patterns) if r.name in names]
        self.assertEqual({r.name for r in routes}, names)
        checked = 0
        for route in routes:
            choices = [values.get(p, ids) for p in route.params]
            for combo in itertools.product(*choices):
                url = route.url(dict(zip(route.params, combo, strict=True)))
                for who in ("anonymous", "bob"):
                    self.client.logout()
                    if who == "bob":
                        self.client.force_login(self.bob)
                    for verb in ("get", "post"):
                        response = getattr(self.client, verb)(
                            url, {"done": "1", "text": "x", "assessment": "did_not"}
                        )
                        body = response.content.decode()
                        with self.subTest(url=url, who=who, verb=verb):
                            self.assertLess(response.status_code, 500)
                            for marker in ("alice-item-marker", "alice-debrief-marker"):
                                self.assertNotIn(marker, body)
                        checked += 1
        self.assertGreater(checked, 100)
        self.assertEqual(before, repr(registry.export_user_data(self.alice)))
        # The markers are real: Alice sees them.
        self.client.force_login(self.alice)
        page = self.client.get(reverse("methods:adoption", args=[adoption.pk]))
        self.assertContains(page, "alice-item-marker")


@time_machine.travel(TODAY, tick=False)
class StepPageTests(BaseTestCase):
    def test_the_step_page_offers_to_apply_and_then_leads_to_her_checklist(self) -> None:
        method = make_method(self.facilitator)
        version = make_version(
            method, state=State.VALIDATED, validated_at=VALIDATED_AT, checklist=CHECKLIST
        )
        step_url = reverse("methods:step", args=[method.slug, 1])
        apply_url = _apply_url(version)
        visitor = self.client.get(step_url)
        self.assertContains(visitor, f'href="{reverse("account_login")}?next={apply_url}"')
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(step_url), f'href="{apply_url}"')
        adoption, _ = adoptions.apply(self.alice, version, adopted_on=dt.date(2026, 3, 2))
        page = self.client.get(step_url)
        self.assertContains(page, "You apply this version since March 2, 2026.")
        self.assertContains(page, "0 of 2 items done.")
        self.assertContains(page, f'href="{reverse("methods:adoption", args=[adoption.pk])}"')
        # Bob sees his own way to apply it, nothing of Alice's.
        self.client.force_login(self.bob)
        self.assertNotContains(self.client.get(step_url), "You apply this version")

    def test_a_step_still_discussed_offers_nothing_to_apply(self) -> None:
        method = make_method(self.facilitator)
        make_version(method, state=State.OPEN)
        self.client.force_login(self.alice)
        page = self.client.get(reverse("methods:step", args=[method.slug, 1]))
        self.assertNotContains(page, "Apply this step")
