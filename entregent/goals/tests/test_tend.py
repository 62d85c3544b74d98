"""The tend page: the reactivation queue (order, reasons, snooze, done), the pruning review
(each reason, keep, archive, delete), the forest's health, privacy, query counts, French.

Time is frozen on TODAY. Contacts get their due and dormant dates from the network's own rules
(saved contacts and logged interactions keep them right); the queue's order is worked out by
hand in each test from those dates.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from entregent.accounts.models import User
from entregent.goals.health import network_health
from entregent.goals.models import Objective, Outcome
from entregent.goals.tend import (
    PruneReason,
    prune_queryset,
    prune_reasons,
    pruning_review,
    queue_queryset,
    reactivation_queue,
)
from entregent.network.models import Cadence, Contact, Interaction
from entregent.network.tests.factories import log_interaction, make_contact
from entregent.test import BaseTestCase

TODAY = dt.date(2026, 6, 15)
LONG_AGO = dt.date(2020, 1, 1)
TEND = reverse("goals:tend")


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def person(
    owner: User, name: str, last_seen: dt.date | None = None, summary: str = "", **fields: Any
) -> Contact:
    """A contact added long ago (unless told otherwise), last seen on ``last_seen``."""
    fields.setdefault("created_at", at(LONG_AGO))
    fields.setdefault("headline", "Graphic designer")
    contact = make_contact(owner, name, **fields)
    if last_seen is not None:
        log_interaction(owner, [contact], last_seen, summary=summary or f"Coffee with {name}")
    contact.refresh_from_db()
    return contact


def names(contacts: Any) -> list[str]:
    return [c.display_name for c in contacts]


@time_machine.travel(at(TODAY), tick=False)
class QueueOrderTests(BaseTestCase):
    def test_the_queue_ranks_by_strength_weighted_by_lateness(self) -> None:
        # score = strength² × (1 + min(days overdue / cadence in days, 2))
        # monthly, due today: 25 × 1 = 25
        person(self.alice, "Ann (5, due today)", dt.date(2026, 5, 15), tie_strength=5)
        # quarterly, due 15 April (61 days), dormant 16 July (cadence 91 days): 16 × 1.67 = 26.7
        person(self.alice, "Ben (4, two months late)", dt.date(2026, 1, 15), tie_strength=4)
        # quarterly, due 1 Sept 2025, long dormant: capped at 16 × 3 = 48
        person(self.alice, "Cat (4, dormant)", dt.date(2025, 6, 1), tie_strength=4)
        # half-yearly, due 1 June (14 days of 183): 9 × 1.08 = 9.7
        person(self.alice, "Dan (3, just due)", dt.date(2025, 12, 1), tie_strength=3)
        # unknown strength counts as 2 (yearly): due a year ago, dormant tomorrow: 4 × 2 = 8
        person(self.alice, "Eve (unknown, a year late)", dt.date(2024, 6, 15))
        # yearly, dormant for years: capped at 1 × 3 = 3
        person(self.alice, "Fay (1, dormant)", dt.date(2020, 6, 1), tie_strength=1)
        # Not in the queue: seen lately, snoozed, archived, "never", someone else's.
        person(self.alice, "Gus (5, seen lately)", dt.date(2026, 6, 1), tie_strength=5)
        person(
            self.alice,
            "Hal (snoozed)",
            dt.date(2025, 1, 1),
            tie_strength=5,
            snoozed_until=dt.date(2026, 6, 16),
        )
        person(self.alice, "Ida (archived)", dt.date(2025, 1, 1), archived_at=at(TODAY))
        person(self.alice, "Jo (never)", dt.date(2020, 1, 1), cadence=Cadence.NEVER)
        person(self.bob, "Bob's friend", dt.date(2020, 1, 1), tie_strength=5)

        queue = reactivation_queue(self.alice, TODAY)

        self.assertEqual(
            names(e.contact for e in queue.entries),
            [
                "Cat (4, dormant)",
                "Ben (4, two months late)",
                "Ann (5, due today)",
                "Dan (3, just due)",
                "Eve (unknown, a year late)",
                "Fay (1, dormant)",
            ],
        )
        self.assertEqual(
            [e.dormant for e in queue.entries], [True, False, False, False, False, True]
        )
        self.assertEqual((queue.total, queue.rest), (6, 0))

    def test_equal_scores_go_to_the_longest_overdue_then_by_name(self) -> None:
        # Dormant for years at the same strength: both capped.
        person(self.alice, "Zoe", dt.date(2019, 1, 1), tie_strength=2)
        person(self.alice, "Yan", dt.date(2018, 1, 1), tie_strength=2)
        person(self.alice, "Xia", dt.date(2018, 1, 1), tie_strength=2)

        self.assertEqual(names(queue_queryset(self.alice, TODAY)), ["Xia", "Yan", "Zoe"])

    def test_the_page_shows_the_first_twenty_and_counts_the_rest(self) -> None:
        for i in range(23):
            person(self.alice, f"Person {i:02}", dt.date(2024, 1, 1), tie_strength=3)
        self.client.force_login(self.alice)

        response = self.client.get(TEND)

        self.assertEqual(len(response.context["queue"].entries), 20)
        self.assertContains(response, "3 more people are waiting")
        self.assertContains(response, "Get back in touch (23)")


@time_machine.travel(at(TODAY), tick=False)
class QueueReasonTests(BaseTestCase):
    def test_each_entry_says_the_last_topic_how_we_met_and_what_they_could_help_with(
        self,
    ) -> None:
        story = "Met at the Lyon print fair, where she ran the risograph workshop. " * 4
        ada = person(
            self.alice,
            "Ada",
            dt.date(2025, 1, 10),
            summary="Talked about her new studio",
            tie_strength=4,
            met_story=story,
            met_on=dt.date(2019, 5, 3),
        )
        # An older interaction, and a later one logged earlier on the same day as another.
        log_interaction(self.alice, [ada], dt.date(2024, 3, 1), summary="Old news")
        objective = Objective.objects.create(owner=self.alice, title="Find a printer")
        reached = Objective.objects.create(
            owner=self.alice, title="Hire an illustrator", status=Objective.Status.REACHED
        )
        objective.contacts.add(ada)
        reached.contacts.add(ada)
        grace = person(self.alice, "Grace", dt.date(2025, 1, 1), tie_strength=4)
        log_interaction(self.alice, [grace], dt.date(2025, 1, 1), summary="Second that day")
        self.client.force_login(self.alice)

        response = self.client.get(TEND)

        entries = {e.contact.display_name: e for e in response.context["queue"].entries}
        ada_entry, grace_entry = entries["Ada"], entries["Grace"]
        assert ada_entry.last_interaction is not None
        self.assertEqual(ada_entry.last_interaction.summary, "Talked about her new studio")
        self.assertEqual(ada_entry.met_excerpt, story.strip()[:159] + "…")
        self.assertEqual([o.title for o in ada_entry.objectives], ["Find a printer"])
        assert grace_entry.last_interaction is not None
        self.assertEqual(grace_entry.last_interaction.summary, "Second that day")
        self.assertEqual((grace_entry.met_excerpt, grace_entry.objectives), ("", []))
        self.assertContains(response, "Jan. 10, 2025")
        self.assertContains(response, "Talked about her new studio")
        self.assertContains(response, "Met at the Lyon print fair")
        self.assertContains(response, "Find a printer")
        self.assertNotContains(response, "Hire an illustrator")
        self.assertNotContains(response, "Old news")

    def test_a_contact_never_met_says_so(self) -> None:
        person(self.alice, "Newcomer", None, tie_strength=5)
        self.client.force_login(self.alice)

        response = self.client.get(TEND)

        self.assertContains(response, "Newcomer")
        self.assertContains(response, "none logged yet")


@time_machine.travel(at(TODAY), tick=False)
class SnoozeTests(BaseTestCase):
    ada: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.ada = person(cls.alice, "Ada", dt.date(2025, 1, 1), tie_strength=4)

    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def snooze(self, **data: str) -> Any:
        return self.client.post(
            reverse("goals:tend-snooze", args=[self.ada.pk]), {"anchor": "queue-99", **data}
        )

    def in_queue(self) -> bool:
        today = timezone.localdate()
        return queue_queryset(self.alice, today).filter(pk=self.ada.pk).exists()

    def test_snoozing_for_a_week_hides_the_contact_until_that_day(self) -> None:
        response = self.snooze(snooze="week")

        self.assertRedirects(response, TEND + "#queue-99", fetch_redirect_response=False)
        self.ada.refresh_from_db()
        self.assertEqual(self.ada.snoozed_until, dt.date(2026, 6, 22))
        self.assertFalse(self.in_queue())
        with time_machine.travel(at(dt.date(2026, 6, 21)), tick=False):
            self.assertFalse(self.in_queue())
        with time_machine.travel(at(dt.date(2026, 6, 22)), tick=False):
            self.assertTrue(self.in_queue())
            self.assertContains(self.client.get(TEND), "Ada")

    def test_snoozing_for_a_month_or_until_a_date(self) -> None:
        self.snooze(snooze="month")
        self.ada.refresh_from_db()
        self.assertEqual(self.ada.snoozed_until, dt.date(2026, 7, 15))

        self.snooze(snooze="date", until="2026-09-01")
        self.ada.refresh_from_db()
        self.assertEqual(self.ada.snoozed_until, dt.date(2026, 9, 1))

    def test_a_date_that_is_not_in_the_future_is_refused_with_a_message(self) -> None:
        response = self.snooze(snooze="date", until="2026-06-15")

        self.assertRedirects(
            response, TEND + f"#queue-{self.ada.pk}", fetch_redirect_response=False
        )
        self.ada.refresh_from_db()
        self.assertIsNone(self.ada.snoozed_until)
        page = self.client.get(TEND)
        self.assertContains(page, "Ada was not snoozed: Choose a date after today.")
        self.snooze(snooze="date")
        self.assertContains(self.client.get(TEND), "Ada was not snoozed: Choose a date.")
        self.ada.refresh_from_db()
        self.assertIsNone(self.ada.snoozed_until)


@time_machine.travel(at(TODAY), tick=False)
class DoneTests(BaseTestCase):
    ada: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Quarterly, last seen a year ago: dormant.
        cls.ada = person(cls.alice, "Ada", dt.date(2025, 6, 1), tie_strength=4)

    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_done_logs_a_message_today_and_takes_the_contact_out_of_the_queue(self) -> None:
        self.assertIn(self.ada, queue_queryset(self.alice, TODAY))

        response = self.client.post(
            reverse("goals:tend-done", args=[self.ada.pk]), {"anchor": "queue-7"}
        )

        self.assertRedirects(response, TEND + "#queue-7", fetch_redirect_response=False)
        interaction = Interaction.objects.get(owner=self.alice, occurred_on=TODAY)
        self.assertEqual(interaction.kind, Interaction.Kind.MESSAGE)
        self.assertEqual(interaction.summary, "Got back in touch")
        self.assertEqual(list(interaction.contacts.all()), [self.ada])
        self.ada.refresh_from_db()
        self.assertEqual(self.ada.last_interaction_on, TODAY)
        self.assertEqual(self.ada.due_on, dt.date(2026, 9, 15))
        self.assertNotIn(self.ada, queue_queryset(self.alice, TODAY))
        # The goals signals saw it: Ada was dormant, so this is a reactivation.
        self.assertTrue(
            Outcome.objects.filter(
                source_interaction=interaction, kind=Outcome.Kind.REACTIVATION
            ).exists()
        )
        page = self.client.get(TEND)
        self.assertContains(page, "Logged: Got back in touch, with Ada.")
        self.assertNotContains(page, f'id="queue-{self.ada.pk}"')

    def test_done_takes_an_optional_summary_and_kind(self) -> None:
        self.client.post(
            reverse("goals:tend-done", args=[self.ada.pk]),
            {"summary": "Called about the print fair", "kind": Interaction.Kind.CALL},
        )

        interaction = Interaction.objects.get(owner=self.alice, occurred_on=TODAY)
        self.assertEqual(
            (interaction.summary, interaction.kind),
            ("Called about the print fair", Interaction.Kind.CALL),
        )

    def test_an_unknown_kind_logs_nothing(self) -> None:
        self.client.post(reverse("goals:tend-done", args=[self.ada.pk]), {"kind": "telepathy"})

        self.assertFalse(Interaction.objects.filter(owner=self.alice, occurred_on=TODAY).exists())

    def test_next_may_send_the_member_back_to_a_local_page_only(self) -> None:
        url = reverse("goals:tend-done", args=[self.ada.pk])

        local = self.client.post(url + "?next=/network/", {})
        elsewhere = self.client.post(url, {"next": "https://evil.example/", "anchor": "x y"})

        self.assertRedirects(local, "/network/", fetch_redirect_response=False)
        self.assertRedirects(elsewhere, TEND, fetch_redirect_response=False)


@time_machine.travel(at(TODAY), tick=False)
class PruningTests(BaseTestCase):
    def candidates(self) -> dict[str, list[str]]:
        return {c.display_name: prune_reasons(c, TODAY) for c in prune_queryset(self.alice, TODAY)}

    def imported(self, name: str, added: dt.date, **fields: Any) -> Contact:
        """An imported contact nobody touched since: written once, never saved again."""
        contact = person(self.alice, name, None, source=Contact.Source.IMPORT, **fields)
        Contact.objects.filter(pk=contact.pk).update(
            created_at=at(added), updated_at=at(added) + dt.timedelta(seconds=2)
        )
        return contact

    def test_each_reason_proposes_a_contact_and_says_why(self) -> None:
        person(self.alice, "Unknown", dt.date(2026, 1, 1), headline="")
        person(self.alice, "Known by job title", dt.date(2026, 1, 1), headline="", job_title="CFO")
        person(self.alice, "Silent", dt.date(2023, 6, 14))
        person(self.alice, "Not silent yet", dt.date(2023, 6, 15))
        person(self.alice, "Never met, added long ago", None)
        person(
            self.alice,
            "Connected long ago",
            None,
            created_at=at(dt.date(2025, 1, 1)),
            connected_on=dt.date(2019, 4, 2),
        )
        self.imported("Untouched import", dt.date(2026, 3, 1))
        edited = self.imported("Edited import", dt.date(2026, 3, 1))
        Contact.objects.filter(pk=edited.pk).update(updated_at=at(dt.date(2026, 3, 2)))
        met = self.imported("Met import", dt.date(2026, 3, 1))
        log_interaction(self.alice, [met], dt.date(2026, 4, 1))

        self.assertEqual(
            self.candidates(),
            {
                "Never met, added long ago": [PruneReason.SILENT],
                "Silent": [PruneReason.SILENT],
                "Connected long ago": [PruneReason.SILENT],
                "Untouched import": [PruneReason.UNTOUCHED],
                "Unknown": [PruneReason.UNKNOWN],
            },
        )
        self.client.force_login(self.alice)
        response = self.client.get(TEND)
        for text in (
            "Nothing says what they do.",
            "No interaction since June 14, 2023.",
            "No interaction logged since they were added on Jan. 1, 2020.",
            "No interaction logged since you connected on April 2, 2019.",
            "Imported on March 1, 2026 and untouched since: no interaction, no edit.",
        ):
            self.assertContains(response, text)

    def test_one_contact_may_have_every_reason(self) -> None:
        self.imported("Stranger", dt.date(2026, 1, 1), headline="", connected_on=LONG_AGO)

        self.assertEqual(
            self.candidates(),
            {"Stranger": [PruneReason.UNKNOWN, PruneReason.SILENT, PruneReason.UNTOUCHED]},
        )

    def test_reviewed_archived_binned_and_new_contacts_are_not_proposed(self) -> None:
        person(self.alice, "Reviewed lately", None, headline="", reviewed_on=dt.date(2025, 6, 16))
        person(
            self.alice, "Reviewed long ago", None, headline="", reviewed_on=dt.date(2025, 6, 14)
        )
        person(self.alice, "Archived", None, headline="", archived_at=at(dt.date(2026, 1, 1)))
        person(self.alice, "In the bin", None, headline="", deleted_at=at(dt.date(2026, 1, 1)))
        person(self.alice, "Added this month", None, headline="", created_at=at(TODAY))
        self.imported("Imported this month", dt.date(2026, 6, 1), headline="")
        person(self.bob, "Bob's unknown", None, headline="")

        self.assertEqual(list(self.candidates()), ["Reviewed long ago"])

    def test_the_longest_unheard_come_first(self) -> None:
        person(self.alice, "Seen 2022", dt.date(2022, 1, 1))
        person(self.alice, "Never seen", None)
        person(self.alice, "Seen 2021", dt.date(2021, 1, 1))

        review = pruning_review(self.alice, TODAY)

        self.assertEqual(
            names(e.contact for e in review.entries), ["Never seen", "Seen 2021", "Seen 2022"]
        )
        self.assertEqual(
            [e.after for e in review.entries],
            [review.entries[1].anchor, review.entries[2].anchor, review.entries[1].anchor],
        )


@time_machine.travel(at(TODAY), tick=False)
class PruneActionTests(BaseTestCase):
    ada: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.ada = person(cls.alice, "Ada", None, headline="")

    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def post(self, name: str, **data: str) -> Any:
        return self.client.post(
            reverse(f"goals:{name}", args=[self.ada.pk]), {"anchor": "prune-5", **data}
        )

    def proposed(self) -> bool:
        return prune_queryset(self.alice, TODAY).filter(pk=self.ada.pk).exists()

    def test_keep_records_the_review_and_what_they_do(self) -> None:
        self.assertTrue(self.proposed())

        response = self.post("prune-keep", headline="Risograph printer")

        self.assertRedirects(response, TEND + "#prune-5", fetch_redirect_response=False)
        self.ada.refresh_from_db()
        self.assertEqual((self.ada.reviewed_on, self.ada.headline), (TODAY, "Risograph printer"))
        self.assertFalse(self.proposed())
        self.assertContains(self.client.get(TEND), "Ada stays in your network.")
        # A year later the question may come back (she is still silent since 2020).
        with time_machine.travel(at(dt.date(2027, 6, 16)), tick=False):
            self.assertTrue(
                prune_queryset(self.alice, dt.date(2027, 6, 16)).filter(pk=self.ada.pk).exists()
            )

    def test_keep_with_nothing_typed_leaves_what_they_do_alone(self) -> None:
        Contact.objects.filter(pk=self.ada.pk).update(headline="Printer")

        self.post("prune-keep", headline="")

        self.ada.refresh_from_db()
        self.assertEqual((self.ada.reviewed_on, self.ada.headline), (TODAY, "Printer"))

    def test_archive(self) -> None:
        self.post("prune-archive")

        self.ada.refresh_from_db()
        self.assertEqual(self.ada.archived_at, at(TODAY))
        self.assertFalse(self.proposed())
        self.assertContains(self.client.get(TEND), "Ada was archived.")

    def test_delete_moves_to_the_bin(self) -> None:
        self.post("prune-delete")

        self.assertIn(self.ada, Contact.objects.in_bin(self.alice))
        self.assertFalse(self.proposed())
        self.assertContains(self.client.get(TEND), "Ada was moved to the bin.")


@time_machine.travel(at(TODAY), tick=False)
class PrivacyTests(BaseTestCase):
    ACTIONS = ("tend-snooze", "tend-done", "prune-keep", "prune-archive", "prune-delete")

    def test_every_action_answers_404_for_someone_elses_contact(self) -> None:
        ada = person(self.alice, "Ada", dt.date(2020, 1, 1), headline="", tie_strength=5)
        before = Contact.objects.filter(pk=ada.pk).values().get()
        self.client.force_login(self.bob)

        for name in self.ACTIONS:
            with self.subTest(name):
                response = self.client.post(
                    reverse(f"goals:{name}", args=[ada.pk]),
                    {"snooze": "week", "headline": "Mine now"},
                )
                self.assertEqual(response.status_code, 404)

        self.assertEqual(Contact.objects.filter(pk=ada.pk).values().get(), before)
        self.assertFalse(Interaction.objects.filter(owner=self.bob).exists())
        self.assertEqual(Interaction.objects.filter(owner=self.alice).count(), 1)

    def test_the_page_shows_only_the_members_own_contacts(self) -> None:
        person(self.alice, "Ada of Alice", dt.date(2020, 1, 1), headline="", tie_strength=5)
        self.client.force_login(self.bob)

        response = self.client.get(TEND)

        self.assertNotContains(response, "Ada of Alice")
        self.assertContains(response, "Your network is empty for now")

    def test_visitors_are_sent_to_log_in_and_actions_need_a_post(self) -> None:
        ada = person(self.alice, "Ada", dt.date(2020, 1, 1))
        self.assertRedirects(
            self.client.get(TEND), f"{reverse('account_login')}?next={TEND}", 302, 200
        )
        self.client.force_login(self.alice)
        for name in self.ACTIONS:
            with self.subTest(name):
                response = self.client.get(reverse(f"goals:{name}", args=[ada.pk]))
                self.assertEqual(response.status_code, 405)


@time_machine.travel(at(TODAY), tick=False)
class PageTests(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_the_forest_health_gives_each_share_with_its_denominator(self) -> None:
        person(self.alice, "Alive", dt.date(2026, 6, 1), tie_strength=5)
        person(self.alice, "Due", dt.date(2025, 12, 1), tie_strength=3)
        person(self.alice, "Dormant", dt.date(2020, 1, 1), tie_strength=5, headline="")
        person(self.alice, "Also dormant", dt.date(2020, 1, 1), tie_strength=5)
        person(self.alice, "Archived", None, archived_at=at(TODAY))

        response = self.client.get(TEND)

        text = re.sub(r"\s+", " ", response.content.decode())
        for figure in (
            "<strong>75%</strong>",
            "3 of 4 active contacts say what they do",
            "<strong>25%</strong>",
            "1 of 4 active contacts within their cadence",
            "<strong>50%</strong>",
            "2 of 4 active contacts drifting away",
            "<strong>20%</strong>",
            "1 of 5 contacts",
            "Of 4 active contacts: 1 alive, 1 due, 2 dormant.",
        ):
            self.assertIn(figure, text)

    def test_every_action_is_a_real_button_with_its_key(self) -> None:
        ada = person(self.alice, "Ada", dt.date(2020, 1, 1), headline="", tie_strength=5)

        html = self.client.get(TEND).content.decode()

        for name, key in (
            ("tend-done", "x"),
            ("tend-snooze", "s"),
            ("prune-keep", "k"),
            ("prune-archive", "a"),
            ("prune-delete", "d"),
        ):
            with self.subTest(name):
                action = reverse(f"goals:{name}", args=[ada.pk])
                form = re.search(
                    rf'<form method="post" action="{action}"[^>]*>(.*?)</form>', html, re.S
                )
                assert form is not None
                self.assertRegex(form.group(1), rf'<button type="submit"[^>]*data-key="{key}"')
        self.assertIn("goals/tend.js", html)

    def test_an_empty_network(self) -> None:
        response = self.client.get(TEND)

        self.assertContains(response, "Nobody is due: your network is tended.")
        self.assertContains(response, "Nobody to review")
        self.assertContains(response, "Your network is empty for now")

    def test_the_page_is_in_french(self) -> None:
        self.alice.language = "fr"
        self.alice.save(update_fields=["language"])
        person(self.alice, "Ada", dt.date(2026, 3, 5), summary="Café à Lyon", tie_strength=5)

        response = self.client.get(TEND)

        self.assertEqual(response.headers["Content-Language"], "fr")
        html = response.content.decode()
        self.assertIn('<html lang="fr">', html)
        # Dates and durations come from Django's own French catalogue, the rest from ours.
        for text in ("5 mars 2026", "mois", "Café à Lyon", "Dernier échange", "endormi"):
            self.assertIn(text, html)


@time_machine.travel(at(TODAY), tick=False)
class QueryCountTests(BaseTestCase):
    def grow(self, owner: User, size: int) -> None:
        """``size`` due contacts with two interactions and two open objectives each, and
        ``size`` contacts to review."""
        objectives = [
            Objective.objects.create(owner=owner, title=f"Objective {i}") for i in range(2)
        ]
        for i in range(size):
            due = person(owner, f"Due {i}", dt.date(2025, 1, 1), tie_strength=1 + i % 5)
            log_interaction(owner, [due], dt.date(2024, 1, 1))
            for objective in objectives:
                objective.contacts.add(due)
            person(owner, f"Unknown {i}", dt.date(2026, 6, 1), headline="", tie_strength=5)

    def count(self, user: User) -> int:
        self.client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(TEND)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_the_page_does_not_grow_with_the_network(self) -> None:
        self.grow(self.alice, 5)
        self.grow(self.bob, 30)
        small = self.count(self.alice)
        self.client.force_login(self.bob)

        # session, user, health; the queue's ids, count, contacts, their open objectives,
        # their latest interactions; the review's ids with their count, contacts; the header's
        # unread notifications
        with self.assertNumQueries(small):
            response = self.client.get(TEND)

        self.assertEqual(len(response.context["queue"].entries), 20)
        self.assertEqual(response.context["pruning"].total, 30)
        self.assertLessEqual(small, 11, "more queries than the page needs")


@time_machine.travel(at(TODAY), tick=False)
class HealthPartialTests(BaseTestCase):
    def test_the_partial_renders_from_the_health_alone(self) -> None:
        # What the dashboard includes: nothing but ``health`` in its context.
        person(self.alice, "Alive", dt.date(2026, 6, 1), tie_strength=5)
        person(self.alice, "Dormant", dt.date(2020, 1, 1), tie_strength=5)

        html = render_to_string("goals/_health.html", {"health": network_health(self.alice)})

        self.assertIn("1 of 2 active contacts within their cadence", html)
        self.assertIn("1 of 2 active contacts drifting away", html)
        self.assertIn("0 of 2 contacts", html)

    def test_a_network_all_archived_shows_no_share_of_nobody(self) -> None:
        person(self.alice, "Archived", None, archived_at=at(TODAY))

        html = render_to_string("goals/_health.html", {"health": network_health(self.alice)})

        self.assertIn("<strong>—</strong>", html)
        self.assertIn("0 of 0 active contacts say what they do", html)
        self.assertIn("1 of 1 contact", html)
        self.assertNotIn("health-bar", html)
