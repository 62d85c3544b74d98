"""Releases of a version's results (``method/releases.py``): nothing below five debriefing
members, figures that change only once five members changed, an erased member's numbers gone
at the next release, and the scheduled job that catches what no debrief announced."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entregent.accounts import registry
from entregent.accounts.models import User
from entregent.goals.models import Outcome
from entregent.method import releases
from entregent.method.forms_apply import DebriefForm
from entregent.method.models import Adoption, Debrief, Method, ResultsRelease, StepVersion
from entregent.method.tests.factories import make_method, make_version
from entregent.scheduler.registry import get_job
from entregent.scheduler.runner import run_job
from entregent.test import BaseTestCase, make_user

State = StepVersion.State
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
ADOPTED = dt.date(2026, 1, 5)
# Debriefs written after the 30-day window (which ends on 4 February).
AFTER_WINDOW = dt.date(2026, 3, 1)


def make_expected_version(method: Method, step: int = 1, number: int = 1) -> StepVersion:
    """A validated version expecting 2 reactivated contacts for 60% within 30 days."""
    return make_version(
        method,
        step,
        number,
        state=State.VALIDATED,
        title=f"Renouer avec dix contacts dormants (v{number})",
        expected_kind=Outcome.Kind.REACTIVATION,
        expected_count=2,
        expected_share=60,
        expected_window_days=30,
    )


def debrief(
    owner: User,
    version: StepVersion,
    window: int | None = 2,
    *,
    written_on: dt.date = AFTER_WINDOW,
    adopted_on: dt.date = ADOPTED,
    measured: dict[str, int] | None = None,
    **fields: Any,
) -> Debrief:
    """``owner`` applied ``version`` (once) and debriefs it: ``window`` is the verdict's number."""
    adoption, _ = Adoption.objects.get_or_create(
        owner=owner, version=version, defaults={"adopted_on": adopted_on}
    )
    fields.setdefault("assessment", Debrief.Assessment.WORKED)
    fields.setdefault("usefulness", 4)
    return Debrief.objects.create(
        adoption=adoption,
        owner=owner,
        version=version,
        written_on=written_on,
        measured=measured if measured is not None else {"reactivation": window or 0},
        window_measured=window,
        **fields,
    )


def edited(item: Debrief, **changes: Any) -> dict[str, Any]:
    """What the edit form of ``item`` sends back: as shown, with ``changes``."""
    form = DebriefForm(instance=item, adoption=item.adoption)
    data = {name: form[name].value() for name in form.fields}
    data.update(changes)
    return {
        name: value for name, value in data.items() if value is not None and value is not False
    }


def members(count: int, prefix: str = "member") -> list[User]:
    return [make_user(f"{prefix}-{n}@example.org", f"{prefix.title()} {n}") for n in range(count)]


class ReleaseRulesTests(BaseTestCase):
    method: Method
    version: StepVersion

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.method = make_method(cls.facilitator)
        cls.version = make_expected_version(cls.method)

    def setUp(self) -> None:
        # Time moves only when a test says so: a debrief written after a release is later
        # than it.
        travel = time_machine.travel(START, tick=False)
        self.clock = travel.start()
        self.addCleanup(travel.stop)

    def later(self, **delta: float) -> None:
        self.clock.shift(dt.timedelta(**(delta or {"minutes": 1})))

    def published(self) -> dict[str, Any]:
        return releases.latest([self.version]).get(self.version.pk, {})

    def test_the_only_debriefer_releases_nothing(self) -> None:
        debrief(self.alice, self.version, 7, measured={"reactivation": 7, "meeting": 37})
        self.assertIsNone(releases.consider_release(self.version))
        self.assertFalse(ResultsRelease.objects.exists())
        self.assertEqual(self.published(), {})

    def test_four_debriefers_release_nothing_and_five_release_the_figures(self) -> None:
        crowd = members(5)
        for member in crowd[:4]:
            debrief(member, self.version)
            self.assertIsNone(releases.consider_release(self.version))
        self.assertFalse(ResultsRelease.objects.exists())
        debrief(crowd[4], self.version, 0)
        release = releases.consider_release(self.version)
        self.assertIsNotNone(release)
        figures = self.published()
        self.assertTrue(figures["enough"])
        self.assertEqual(figures["debriefed"], 5)
        self.assertEqual(figures["verdict"]["succeeded"], 4)
        self.assertEqual(figures["released_at"], START.isoformat())

    def test_a_member_debriefing_right_after_a_release_changes_nothing_until_five_did(
        self,
    ) -> None:
        crowd = members(10)
        for member in crowd[:5]:
            debrief(member, self.version, 0)
        releases.consider_release(self.version)
        first = self.published()
        self.assertEqual(first["verdict"]["succeeded"], 0)
        # The sixth debriefs just after: publishing now would show their numbers alone (the
        # difference between the two releases). Nothing changes, four times over.
        for member in crowd[5:9]:
            self.later()
            debrief(member, self.version, 9, measured={"reactivation": 9, "meeting": 3})
            self.assertIsNone(releases.consider_release(self.version))
            self.assertEqual(self.published(), first)
        self.later()
        debrief(crowd[9], self.version, 9)
        self.assertIsNotNone(releases.consider_release(self.version))
        second = self.published()
        self.assertEqual(second["debriefed"], 10)
        self.assertEqual(second["verdict"]["succeeded"], 5)
        self.assertEqual(ResultsRelease.objects.count(), 2)

    def test_a_second_debrief_counts_as_a_change_and_results_use_the_latest(self) -> None:
        crowd = members(5)
        for member in crowd:
            debrief(member, self.version, 0)
        releases.consider_release(self.version)
        for member in crowd:
            self.later(days=30)
            debrief(member, self.version, 3, written_on=AFTER_WINDOW + dt.timedelta(days=60))
        self.assertIsNotNone(releases.consider_release(self.version))
        figures = self.published()
        self.assertEqual(figures["debriefed"], 5)
        self.assertEqual(figures["verdict"]["succeeded"], 5)
        self.assertEqual(figures["outcomes"]["reactivation"]["median"], 3)

    def test_an_erased_member_leaves_the_figures_at_the_next_release(self) -> None:
        crowd = members(9)
        # Alice, among the first six, reached 8 reactivations and 40 meetings; the others
        # none and one.
        debrief(self.alice, self.version, 8, measured={"reactivation": 8, "meeting": 40})
        for member in crowd[:5]:
            debrief(member, self.version, 0, measured={"reactivation": 0, "meeting": 1})
        releases.consider_release(self.version)
        figures = self.published()
        self.assertEqual((figures["debriefed"], figures["verdict"]["succeeded"]), (6, 1))
        self.later()
        registry.erase_user(self.alice)
        # The job finds one change: not enough for a release, the figures stay.
        self.assertEqual(releases.release_all(), 0)
        self.assertEqual(self.published(), figures)
        # Four more members debrief: with the erasure, five changes.
        for member in crowd[5:9]:
            self.later()
            debrief(member, self.version, 0, measured={"reactivation": 0, "meeting": 1})
        self.assertIsNotNone(releases.consider_release(self.version))
        figures = self.published()
        self.assertEqual(figures["debriefed"], 9)
        self.assertEqual(figures["verdict"]["succeeded"], 0)
        self.assertEqual(figures["outcomes"]["reactivation"]["median"], 0)
        self.assertEqual(
            figures["outcomes"]["meeting"]["buckets"], [{"from": 0, "to": None, "members": 9}]
        )

    def test_an_erasure_under_five_members_withdraws_the_figures(self) -> None:
        crowd = members(6)
        debrief(self.alice, self.version)
        for member in crowd[:4]:
            debrief(member, self.version)
        releases.consider_release(self.version)
        self.later()
        registry.erase_user(self.alice)
        job = get_job("method.release_results")
        self.assertEqual(run_job(job).result, "Made 1 results release(s).")
        self.assertEqual(self.published(), {"schema": 1, "enough": False, "released_at": ANY})
        self.assertEqual(run_job(job).result, "Made 0 results release(s).")
        # Back to five with one new member: against the last figures shown, two changes
        # (Alice gone, the new one): still nothing.
        self.later()
        debrief(crowd[4], self.version)
        self.assertIsNone(releases.consider_release(self.version))
        self.assertFalse(self.published()["enough"])
        for member in members(3, "later"):
            self.later()
            debrief(member, self.version)
        self.assertIsNotNone(releases.consider_release(self.version))
        self.assertEqual(self.published()["debriefed"], 8)

    def test_a_debrief_saved_before_a_release_and_edited_after_is_a_change(self) -> None:
        crowd = members(5)
        written = [debrief(member, self.version, 0) for member in crowd]
        releases.consider_release(self.version)
        for item in written:
            self.later()
            item.window_corrected = 2
            item.corrected = {"reactivation": 2}
            item.figures_changed_at = timezone.now()
            item.save()
        self.assertIsNotNone(releases.consider_release(self.version))
        verdict = self.published()["verdict"]
        self.assertEqual((verdict["succeeded"], verdict["corrected"]), (5, 5))

    def test_edits_of_the_words_only_are_no_change(self) -> None:
        # Four members rewrite their text (and publish it), a fifth debriefs: a release now
        # would differ from the last by the fifth's numbers alone.
        crowd = members(6)
        written = [debrief(member, self.version, 0) for member in crowd[:5]]
        self.assertIsNotNone(releases.consider_release(self.version))
        first = self.published()
        for item in written[:4]:
            self.later()
            form = DebriefForm(
                edited(item, obtained="Deux cafés repris.", visibility="anonymous"),
                instance=item,
                adoption=item.adoption,
            )
            self.assertTrue(form.is_valid(), form.errors)
            form.save()
        self.later()
        debrief(crowd[5], self.version, 9)
        self.assertIsNone(releases.consider_release(self.version))
        self.assertEqual(self.published(), first)
        self.assertEqual(ResultsRelease.objects.count(), 1)

    def test_a_version_without_expectation_has_figures_and_no_verdict(self) -> None:
        plain = make_version(self.method, 2, 1, state=State.VALIDATED)
        for member in members(5):
            debrief(member, plain, None, measured={"meeting": 2})
        releases.consider_release(plain)
        figures = releases.latest([plain])[plain.pk]
        self.assertEqual(figures["verdict"]["status"], "no_expectation")
        self.assertIsNone(figures["expectation"])
        self.assertEqual(figures["outcomes"]["meeting"]["median"], 2)

    def test_silent_and_abandoning_adopters_are_counted_apart(self) -> None:
        crowd = members(8)
        for member in crowd[:5]:
            debrief(member, self.version)
        Adoption.objects.filter(owner=crowd[0]).update(
            status=Adoption.Status.ABANDONED, abandoned_on=dt.date(2026, 1, 20)
        )
        for member in crowd[5:]:
            Adoption.objects.create(owner=member, version=self.version, adopted_on=ADOPTED)
        releases.consider_release(self.version)
        figures = self.published()
        self.assertEqual(
            (figures["adopters"], figures["abandoned"], figures["debriefed"], figures["silent"]),
            (8, 1, 5, 3),
        )
        # The member who gave up debriefed after the window: counted, as a success (2).
        self.assertEqual(figures["verdict"]["counted"], 5)


class LatestTests(BaseTestCase):
    def test_the_latest_figures_of_many_versions_in_one_query(self) -> None:
        method = make_method(self.facilitator)
        versions = [make_expected_version(method, step, 1) for step in range(1, 6)]
        for version in versions:
            for n in range(3):
                ResultsRelease.objects.create(
                    version=version,
                    created_at=timezone.now() + dt.timedelta(days=n),
                    figures={"schema": 1, "enough": True, "debriefed": 5 + n},
                )
        with CaptureQueriesContext(connection) as queries:
            found = releases.latest(versions)
        self.assertEqual(len(queries.captured_queries), 1)
        self.assertEqual({f["debriefed"] for f in found.values()}, {7})
        self.assertEqual(set(found), {v.pk for v in versions})
        self.assertEqual(releases.latest([]), {})


class _Any:
    def __eq__(self, other: object) -> bool:
        return True


ANY = _Any()
