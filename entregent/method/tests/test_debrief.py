"""Debriefing an applied step: numbers prefilled from the member's own log (under frozen time,
against outcomes written by hand), corrections kept beside what was measured, the verdict's
number once the window has ended, the member's words, and the names of their network never
shared or published until they have edited them out or confirmed.

Alice applied version 2 of step 1 on 2 March 2026. It expects at least 2 meetings within 30
days: its window runs from 2 March to 31 March, and ends on 1 April.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import time_machine
from django.urls import reverse

from entregent.accounts import registry
from entregent.accounts.models import User
from entregent.goals.models import Objective, Outcome
from entregent.method import adoptions, measure
from entregent.method.models import Adoption, Debrief, ResultsRelease, StepVersion
from entregent.method.tests.factories import make_method, make_version
from entregent.network.actions import merge_contacts
from entregent.network.tests.factories import log_interaction, make_contact
from entregent.test import BaseTestCase, make_user

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
ADOPTED_ON = dt.date(2026, 3, 2)
DURING = dt.datetime(2026, 3, 20, 10, 0, tzinfo=PARIS)
AFTER_WINDOW = dt.datetime(2026, 4, 5, 10, 0, tzinfo=PARIS)


def outcome(owner: User, kind: str, day: dt.date) -> Outcome:
    return Outcome.objects.create(owner=owner, kind=kind, occurred_on=day)


class DebriefCase(BaseTestCase):
    version: StepVersion
    adoption: Adoption

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        method = make_method(cls.facilitator)
        cls.version = make_version(
            method,
            1,
            2,
            state=StepVersion.State.VALIDATED,
            validated_at=dt.datetime(2026, 3, 1, 9, 0, tzinfo=PARIS),
            checklist=["Lister vingt personnes"],
            expected_kind=Outcome.Kind.MEETING,
            expected_count=2,
            expected_share=60,
            expected_window_days=30,
        )
        cls.adoption, _ = adoptions.apply(cls.alice, cls.version, adopted_on=ADOPTED_ON)

    def new_url(self, adoption: Adoption | None = None) -> str:
        return reverse("methods:debrief-new", args=[(adoption or self.adoption).pk])

    def debrief(self, **changes: Any) -> Any:
        """Open the new debrief form and send it back as shown, with ``changes``."""
        shown = self.client.get(self.new_url())
        return self.client.post(self.new_url(), self.form_data(shown, **changes))

    def form_data(self, response: Any, **changes: Any) -> dict[str, Any]:
        """What the browser sends back: the form as shown, with ``changes``."""
        form = response.context["form"]
        data: dict[str, Any] = {}
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[name] = value
        data.update({"assessment": "worked", "usefulness": "4", "visibility": "private"})
        data.update(changes)
        return {k: v for k, v in data.items() if v is not None}


class PrefillTests(DebriefCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        alice = cls.alice
        # Before the adoption: not counted.
        outcome(alice, "meeting", dt.date(2026, 3, 1))
        # From the adoption day to today, both included.
        outcome(alice, "meeting", ADOPTED_ON)
        outcome(alice, "meeting", dt.date(2026, 3, 10))
        outcome(alice, "reactivation", dt.date(2026, 3, 10))
        outcome(alice, "lead_client", dt.date(2026, 3, 15))
        outcome(alice, "lead_job", dt.date(2026, 3, 20))
        outcome(alice, "new_contact", dt.date(2026, 3, 20))
        # Within the window, but after the first debrief's day.
        outcome(alice, "meeting", dt.date(2026, 3, 31))
        # After the window.
        outcome(alice, "meeting", dt.date(2026, 4, 1))
        outcome(alice, "meeting", dt.date(2026, 4, 3))
        # Objectives: one reached during, one reached before, one dropped during.
        Objective.objects.create(
            owner=alice, title="a", status="reached", closed_on=dt.date(2026, 3, 12)
        )
        Objective.objects.create(
            owner=alice, title="b", status="reached", closed_on=dt.date(2026, 2, 12)
        )
        Objective.objects.create(
            owner=alice, title="c", status="dropped", closed_on=dt.date(2026, 3, 12)
        )
        # Bob's log is his.
        outcome(cls.bob, "meeting", dt.date(2026, 3, 10))
        Objective.objects.create(
            owner=cls.bob, title="d", status="reached", closed_on=dt.date(2026, 3, 12)
        )

    def test_the_form_is_prefilled_with_her_log_since_the_adoption(self) -> None:
        self.client.force_login(self.alice)
        with time_machine.travel(DURING, tick=False):
            response = self.client.get(self.new_url())
        form = response.context["form"]
        initial = {key: form[f"n_{key}"].initial for key in measure.KEYS}
        self.assertEqual(
            initial,
            {
                "new_contact": 1,
                "reactivation": 1,
                "meeting": 2,
                "partnership": 0,
                "lead_job": 1,
                "lead_client": 1,
                "lead_supplier": 0,
                "introduction": 0,
                "other": 0,
                "objectives_reached": 1,
            },
        )
        self.assertContains(response, "From your own log, from March 2, 2026 to March 20, 2026")
        self.assertContains(response, 'id="id_n_meeting" value="2"', html=False)
        # The window ends on 1 April: no verdict number yet, and it says when.
        self.assertNotIn("n_window", form.fields)
        self.assertContains(response, "which for you ends on March 31, 2026")

    def test_once_the_window_has_ended_its_number_is_shown_with_what_counts(self) -> None:
        self.client.force_login(self.alice)
        with time_machine.travel(AFTER_WINDOW, tick=False):
            response = self.client.get(self.new_url())
        form = response.context["form"]
        # Meetings from 2 March to 31 March: 3 (the 1st, 3rd April ones are after it).
        self.assertEqual(form["n_window"].initial, 3)
        self.assertEqual(form["n_meeting"].initial, 5)
        self.assertContains(
            response,
            "Outcomes of the kind “Meeting” dated from March 2, 2026, the day you started, "
            "to March 31, 2026, the last day of the step's 30-day window.",
        )
        self.assertContains(response, "The step expects: Meeting: at least 2")

    def test_numbers_left_as_shown_are_measured_ones_not_corrections(self) -> None:
        self.client.force_login(self.alice)
        with time_machine.travel(AFTER_WINDOW, tick=False):
            response = self.debrief()
        debrief = Debrief.objects.get()
        self.assertRedirects(
            response, reverse("methods:debrief", args=[self.adoption.pk, debrief.pk])
        )
        self.assertEqual(debrief.measured["meeting"], 5)
        self.assertEqual(debrief.measured["objectives_reached"], 1)
        self.assertEqual(debrief.corrected, {})
        self.assertEqual((debrief.window_measured, debrief.window_corrected), (3, None))
        self.assertEqual(
            (debrief.owner, debrief.version, debrief.written_on),
            (self.alice, self.version, dt.date(2026, 4, 5)),
        )

    def test_a_corrected_number_is_kept_beside_the_measured_one(self) -> None:
        self.client.force_login(self.alice)
        with time_machine.travel(AFTER_WINDOW, tick=False):
            shown = self.client.get(self.new_url())
            self.client.post(
                self.new_url(),
                self.form_data(shown, n_partnership="1", n_meeting="4", n_window="2"),
            )
        debrief = Debrief.objects.get()
        self.assertEqual((debrief.measured["partnership"], debrief.measured["meeting"]), (0, 5))
        self.assertEqual(debrief.corrected, {"partnership": 1, "meeting": 4})
        self.assertEqual((debrief.window_measured, debrief.window_corrected), (3, 2))
        page = self.client.get(reverse("methods:debrief", args=[self.adoption.pk, debrief.pk]))
        self.assertContains(page, "You corrected 3 numbers.")

    def test_a_log_that_changed_while_she_wrote_is_measured_as_it_is_when_she_saves(self) -> None:
        self.client.force_login(self.alice)
        with time_machine.travel(DURING, tick=False):
            shown = self.client.get(self.new_url())
            # Another tab: a meeting recorded while she writes.
            outcome(self.alice, "meeting", dt.date(2026, 3, 19))
            self.client.post(self.new_url(), self.form_data(shown))
        debrief = Debrief.objects.get()
        self.assertEqual((debrief.measured["meeting"], debrief.corrected), (3, {}))

    def test_editing_keeps_the_numbers_measured_when_it_was_written(self) -> None:
        self.client.force_login(self.alice)
        with time_machine.travel(DURING, tick=False):
            self.debrief(n_other="2")
        debrief = Debrief.objects.get()
        edit = reverse("methods:debrief-edit", args=[self.adoption.pk, debrief.pk])
        with time_machine.travel(AFTER_WINDOW, tick=False):
            shown = self.client.get(edit)
            self.assertEqual(shown.context["form"]["n_other"].value(), 2)
            self.assertEqual(shown.context["form"]["n_meeting"].value(), 2)
            self.client.post(edit, self.form_data(shown, problems="Peu de temps", n_other="0"))
        debrief.refresh_from_db()
        self.assertEqual(
            (debrief.measured["meeting"], debrief.corrected, debrief.problems),
            (2, {}, "Peu de temps"),
        )
        self.assertEqual(
            (debrief.written_on, debrief.window_measured), (dt.date(2026, 3, 20), None)
        )

    def test_only_an_edit_of_the_numbers_dates_a_change_of_the_figures(self) -> None:
        # The release rules count a member as changed from this date: editing the words or
        # who may read them must leave it (``releases.changed_since``).
        self.client.force_login(self.alice)
        with time_machine.travel(DURING, tick=False):
            self.debrief()
        debrief = Debrief.objects.get()
        self.assertEqual(debrief.figures_changed_at, DURING)
        edit = reverse("methods:debrief-edit", args=[self.adoption.pk, debrief.pk])
        with time_machine.travel(DURING + dt.timedelta(days=1), tick=False):
            shown = self.client.get(edit)
            self.client.post(
                edit, self.form_data(shown, problems="Peu de temps", visibility="facilitators")
            )
        debrief.refresh_from_db()
        self.assertEqual((debrief.problems, debrief.figures_changed_at), ("Peu de temps", DURING))
        for day, changes in ((2, {"usefulness": "2"}), (3, {"n_other": "5"})):
            moment = DURING + dt.timedelta(days=day)
            with time_machine.travel(moment, tick=False):
                shown = self.client.get(edit)
                self.client.post(edit, self.form_data(shown, **{"usefulness": "2", **changes}))
            debrief.refresh_from_db()
            self.assertEqual(debrief.figures_changed_at, moment)


class DebriefFormTests(DebriefCase):
    def test_bad_input_is_said_on_its_field(self) -> None:
        self.client.force_login(self.alice)
        with time_machine.travel(AFTER_WINDOW, tick=False):
            shown = self.client.get(self.new_url())
            data = self.form_data(
                shown,
                n_meeting="-1",
                n_partnership="deux",
                n_window="",
                n_other="100000",
                assessment="",
                usefulness="7",
                obtained="x" * 5001,
            )
            data.pop("n_lead_job")
            response = self.client.post(self.new_url(), data)
        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors
        self.assertEqual(errors["n_meeting"], ["A count cannot be below 0."])
        self.assertEqual(errors["n_partnership"], ["Give a whole number, such as 0, 1 or 2."])
        self.assertEqual(errors["n_window"], ["Give a number, 0 if there was none."])
        self.assertEqual(errors["n_lead_job"], ["Give a number, 0 if there was none."])
        self.assertEqual(
            errors["n_other"], ["That is more than a count can be here (10000 at most)."]
        )
        self.assertEqual(
            errors["assessment"], ["Say whether it worked, partly worked or did not."]
        )
        self.assertEqual(len(errors["usefulness"]), 1)
        self.assertEqual(errors["obtained"], ["Keep it under 5000 characters (it has 5001)."])
        self.assertContains(response, "Some answers need a correction: see below.")
        self.assertContains(response, 'aria-invalid="true"')
        self.assertFalse(Debrief.objects.exists())

    def test_several_debriefs_of_one_adoption_latest_first(self) -> None:
        self.client.force_login(self.alice)
        for moment, assessment in ((DURING, "partly"), (AFTER_WINDOW, "worked")):
            with time_machine.travel(moment, tick=False):
                self.debrief(assessment=assessment)
        first, second = Debrief.objects.order_by("written_on")
        self.assertEqual((first.assessment, second.assessment), ("partly", "worked"))
        page = self.client.get(reverse("methods:adoption", args=[self.adoption.pk]))
        self.assertEqual(page.context["debriefs"], [second, first])
        self.assertContains(page, "latest: the one results use")
        self.assertContains(page, "Debrief again")

    def test_an_abandoned_adoption_is_debriefed_too(self) -> None:
        adoptions.abandon(self.adoption, dt.date(2026, 3, 10))
        self.client.force_login(self.alice)
        with time_machine.travel(AFTER_WINDOW, tick=False):
            self.debrief(assessment="did_not")
        self.assertEqual(Debrief.objects.get().assessment, "did_not")

    def test_a_deleted_debrief_is_gone(self) -> None:
        self.client.force_login(self.alice)
        with time_machine.travel(DURING, tick=False):
            self.debrief()
        debrief = Debrief.objects.get()
        url = reverse("methods:debrief-delete", args=[self.adoption.pk, debrief.pk])
        self.assertContains(self.client.get(url), "will be deleted")
        self.assertRedirects(
            self.client.post(url),
            reverse("methods:adoption", args=[self.adoption.pk]) + "#debriefs",
        )
        self.assertFalse(Debrief.objects.exists())

    def test_nobody_else_reaches_a_debrief(self) -> None:
        self.client.force_login(self.alice)
        with time_machine.travel(DURING, tick=False):
            shown = self.client.get(self.new_url())
            self.client.post(
                self.new_url(), self.form_data(shown, obtained="alice-debrief-marker")
            )
        debrief = Debrief.objects.get()
        bobs, _ = adoptions.apply(self.bob, self.version, adopted_on=ADOPTED_ON)
        urls = [
            reverse(name, args=[pk, debrief.pk])
            for name in ("methods:debrief", "methods:debrief-edit", "methods:debrief-delete")
            for pk in (self.adoption.pk, bobs.pk)
        ] + [self.new_url()]
        for user in (self.bob, self.charlie, self.facilitator):
            self.client.force_login(user)
            for url in urls:
                for method in ("get", "post"):
                    with self.subTest(user=str(user), url=url, method=method):
                        response = getattr(self.client, method)(url, {"assessment": "did_not"})
                        self.assertEqual(response.status_code, 404)
        self.client.logout()
        response = self.client.get(urls[0])
        self.assertTrue(response["Location"].startswith(reverse("account_login")))
        debrief.refresh_from_db()
        self.assertEqual(
            (debrief.obtained, debrief.assessment), ("alice-debrief-marker", "worked")
        )


class NamesTests(DebriefCase):
    """Alice's network holds Hélène Dupont: a text naming her leaves Alice's space only once
    Alice has edited her out or confirmed."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make_contact(cls.alice, "Hélène Dupont", given_name="Hélène", family_name="Dupont")
        make_contact(cls.alice, "Paul Martin", given_name="Paul", family_name="Martin")

    def post(self, **changes: Any) -> Any:
        self.client.force_login(self.alice)
        with time_machine.travel(DURING, tick=False):
            shown = self.client.get(self.new_url())
            return self.client.post(self.new_url(), self.form_data(shown, **changes))

    def test_sharing_a_text_with_names_waits_for_her_confirmation(self) -> None:
        text = "J'ai revu helene DUPONT, qui m'a présenté un client."
        response = self.post(obtained=text, visibility="facilitators")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Debrief.objects.exists())
        self.assertContains(response, "Your text names people from your network: Hélène Dupont.")
        self.assertContains(response, "I have checked: share it with these names")
        form = response.context["form"]
        self.assertEqual(form.data["warned"], str(form.named_people[0].contact_id))
        # She confirms: the form as sent back, with the box ticked.
        data = {k: v for k, v in form.data.items() if k != "csrfmiddlewaretoken"}
        data["confirm_names"] = "on"
        with time_machine.travel(DURING, tick=False):
            self.client.post(self.new_url(), data)
        debrief = Debrief.objects.get()
        self.assertEqual(
            (debrief.visibility, debrief.names_confirmed, debrief.obtained),
            ("facilitators", True, text),
        )

    def test_a_name_added_after_the_warning_is_warned_about_again(self) -> None:
        response = self.post(obtained="Hélène Dupont m'a aidée.", visibility="anonymous")
        data = dict(response.context["form"].data.items())
        data["obtained"] = "Hélène Dupont et Paul Martin m'ont aidée."
        data["confirm_names"] = "on"
        with time_machine.travel(DURING, tick=False):
            again = self.client.post(self.new_url(), data)
        self.assertContains(again, "Hélène Dupont, Paul Martin.")
        self.assertFalse(Debrief.objects.exists())

    def test_editing_the_names_out_publishes_without_a_confirmation(self) -> None:
        response = self.post(problems="Paul Martin n'a pas répondu.", visibility="signed")
        data = dict(response.context["form"].data.items())
        data["problems"] = "Un ancien collègue n'a pas répondu."
        with time_machine.travel(DURING, tick=False):
            self.client.post(self.new_url(), data)
        debrief = Debrief.objects.get()
        self.assertEqual((debrief.visibility, debrief.names_confirmed), ("signed", True))

    def test_a_private_text_with_names_is_saved_but_not_cleared_for_sharing(self) -> None:
        self.post(solutions="Écrire à Paul Martin le lundi.", visibility="private")
        debrief = Debrief.objects.get()
        self.assertEqual((debrief.visibility, debrief.names_confirmed), ("private", False))
        # Shared later, it is warned about then.
        edit = reverse("methods:debrief-edit", args=[self.adoption.pk, debrief.pk])
        shown = self.client.get(edit)
        response = self.client.post(edit, self.form_data(shown, visibility="anonymous"))
        self.assertContains(response, "Your text names people from your network: Paul Martin.")
        debrief.refresh_from_db()
        self.assertEqual(debrief.visibility, "private")

    def test_a_text_without_names_is_cleared_for_sharing(self) -> None:
        self.post(obtained="Trois cafés, une piste.", visibility="anonymous")
        debrief = Debrief.objects.get()
        self.assertEqual((debrief.visibility, debrief.names_confirmed), ("anonymous", True))

    def test_a_confirmed_text_kept_as_it_is_needs_no_new_confirmation(self) -> None:
        response = self.post(obtained="Merci à Paul Martin.", visibility="signed")
        data = dict(response.context["form"].data.items())
        data["confirm_names"] = "on"
        with time_machine.travel(DURING, tick=False):
            self.client.post(self.new_url(), data)
        debrief = Debrief.objects.get()
        edit = reverse("methods:debrief-edit", args=[self.adoption.pk, debrief.pk])
        shown = self.client.get(edit)
        self.client.post(edit, self.form_data(shown, visibility="signed", usefulness="5"))
        debrief.refresh_from_db()
        self.assertEqual((debrief.usefulness, debrief.names_confirmed), (5, True))
        # Edited with the name still in: confirmed again, or not shared.
        response = self.client.post(
            edit,
            self.form_data(shown, visibility="signed", obtained="Merci encore à Paul Martin."),
        )
        self.assertContains(response, "Your text names people from your network: Paul Martin.")
        debrief.refresh_from_db()
        self.assertEqual(debrief.obtained, "Merci à Paul Martin.")


class ReleaseTests(DebriefCase):
    def test_saving_and_deleting_debriefs_asks_for_a_release(self) -> None:
        members = [self.alice] + [make_user(f"m{n}@example.org", f"M{n}") for n in range(4)]
        for member in members[1:]:
            adoptions.apply(member, self.version, adopted_on=ADOPTED_ON)
        for member in members:
            adoption = Adoption.objects.get(owner=member)
            self.client.force_login(member)
            with time_machine.travel(AFTER_WINDOW, tick=False):
                shown = self.client.get(self.new_url(adoption))
                with self.captureOnCommitCallbacks(execute=True) as callbacks:
                    self.client.post(self.new_url(adoption), self.form_data(shown))
            self.assertEqual(len(callbacks), 1)
        # The fifth member's debrief made the first release.
        release = ResultsRelease.objects.get()
        self.assertTrue(release.figures["enough"])
        # One of them deletes theirs: below five, the figures are withdrawn at once.
        debrief = Debrief.objects.get(owner=members[-1])
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("methods:debrief-delete", args=[debrief.adoption_id, debrief.pk])
            )
        self.assertFalse(ResultsRelease.objects.latest("created_at", "pk").figures["enough"])


class MergeTests(BaseTestCase):
    """Merging two contacts keeps every outcome they brought (network/actions.merge_contacts):
    what an adoption measures is the same before and after."""

    def test_merging_two_contacts_keeps_what_adoptions_measured(self) -> None:
        method = make_method(self.facilitator)
        version = make_version(
            method,
            state=StepVersion.State.VALIDATED,
            validated_at=dt.datetime(2026, 3, 1, 9, 0, tzinfo=PARIS),
            expected_kind=Outcome.Kind.MEETING,
            expected_count=2,
            expected_window_days=30,
        )
        with time_machine.travel(dt.datetime(2026, 3, 3, 10, 0, tzinfo=PARIS), tick=False):
            adoption, _ = adoptions.apply(self.alice, version, adopted_on=ADOPTED_ON)
            # Two contacts for one person, each added by hand (a "new contact" each).
            kept = make_contact(self.alice, "Hélène Dupont")
            merged = make_contact(self.alice, "H. Dupont")
        # A meeting with each, and one with both; an outcome written by hand about the second.
        log_interaction(self.alice, [kept], dt.date(2026, 3, 5))
        log_interaction(self.alice, [merged], dt.date(2026, 3, 6))
        log_interaction(self.alice, [kept, merged], dt.date(2026, 3, 7))
        partnership = outcome(self.alice, "partnership", dt.date(2026, 3, 8))
        partnership.contacts.add(merged)
        with time_machine.travel(AFTER_WINDOW, tick=False):
            before = adoptions.prefill(adoption)
            merge_contacts(self.alice, kept, merged)
            after = adoptions.prefill(adoption)
        self.assertEqual(before.measured["new_contact"], 2)
        self.assertEqual(before.measured["meeting"], 3)
        self.assertEqual(before.measured["partnership"], 1)
        self.assertEqual(before.window_measured, 3)
        self.assertEqual(after, before)
        self.assertEqual(list(partnership.contacts.all()), [kept])


class ExportEraseTests(DebriefCase):
    def test_her_adoptions_checklists_and_debriefs_are_exported_and_erased_with_her(self) -> None:
        adoptions.add_item(self.adoption, "alice-item-marker")
        Debrief.objects.create(
            adoption=self.adoption,
            owner=self.alice,
            version=self.version,
            measured={"meeting": 3},
            assessment="worked",
            usefulness=4,
            obtained="alice-debrief-marker",
        )
        data = repr(registry.export_user_data(self.alice))
        for marker in ("alice-item-marker", "alice-debrief-marker", "method.Adoption"):
            self.assertIn(marker, data)
        bobs, _ = adoptions.apply(self.bob, self.version, adopted_on=ADOPTED_ON)
        registry.erase_user(self.alice)
        self.assertEqual(list(Adoption.objects.all()), [bobs])
        self.assertFalse(Debrief.objects.exists())
        self.assertEqual(bobs.items.count(), 1)
