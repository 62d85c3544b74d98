"""The results' statistics and the verdict rule (``method/results.py``), against values worked
out by hand: no database."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

from django.test import SimpleTestCase
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from entregent.method import measure
from entregent.method.results import (
    Bucket,
    CategoryBucket,
    Expectation,
    MemberDebrief,
    Verdict,
    buckets,
    category_buckets,
    compute,
    counts,
    judge,
    median,
    number_label,
    present,
    rule_text,
    verdict_of,
)

ADOPTED = dt.date(2026, 1, 1)
# Reactivated contacts: at least 2, for 60% of those who apply it, within 30 days.
EXPECT = Expectation(kind="reactivation", count=2, share=60, window_days=30)
WINDOW_END = dt.date(2026, 1, 31)


def member(
    window: int | None = 0,
    *,
    written_on: dt.date = WINDOW_END,
    corrected_window: int | None = None,
    measured: dict[str, int] | None = None,
    corrected: dict[str, int] | None = None,
    assessment: str = "worked",
    usefulness: int | None = 4,
) -> MemberDebrief:
    return MemberDebrief(
        adopted_on=ADOPTED,
        written_on=written_on,
        measured=measured or {},
        corrected=corrected or {},
        window_measured=window,
        window_corrected=corrected_window,
        assessment=assessment,
        usefulness=usefulness,
    )


class WilsonVerdictTests(SimpleTestCase):
    """Wilson's interval at 95% (z = 1.959964, z² = 3.841459), worked by hand:

    - 4 of 5: centre (0.8 + 0.384146) / 1.768292 = 0.669655, margin
      1.959964 × sqrt(0.032 + 0.038415) / 1.768292 = 0.294121: (0.3755, 0.9638);
    - 5 of 5: low = 5 / (5 + 3.841459) = 0.5655, high 1;
    - 0 of 5: low 0, high = 3.841459 / 8.841459 = 0.4345.
    """

    def test_four_of_five_is_0_3755_to_0_9638(self) -> None:
        judged = judge([member(2)] * 4 + [member(1)], EXPECT)
        self.assertEqual(judged.counted, 5)
        self.assertEqual(judged.succeeded, 4)
        self.assertAlmostEqual(judged.share or 0, 0.8)
        self.assertAlmostEqual(judged.low or 0, 0.3755, places=4)
        self.assertAlmostEqual(judged.high or 0, 0.9638, places=4)
        # 60% expected lies inside (0.3755, 0.9638): too few members to tell.
        self.assertEqual(judged.status, Verdict.INCONCLUSIVE)

    def test_it_succeeds_when_the_lower_bound_reaches_the_expected_share(self) -> None:
        # 5 of 5: lower bound 0.5655.
        self.assertEqual(verdict_of(5, 5, 56), Verdict.SUCCEEDED)
        self.assertEqual(verdict_of(5, 5, 57), Verdict.INCONCLUSIVE)

    def test_it_fails_when_the_upper_bound_is_below_the_expected_share(self) -> None:
        # 0 of 5: upper bound 0.4345.
        self.assertEqual(verdict_of(0, 5, 44), Verdict.FAILED)
        self.assertEqual(verdict_of(0, 5, 43), Verdict.INCONCLUSIVE)

    def test_larger_samples_decide(self) -> None:
        # 30 of 40 (0.75): interval (0.5981, 0.8581); 10 of 40 (0.25): (0.1419, 0.4019).
        self.assertEqual(verdict_of(30, 40, 59), Verdict.SUCCEEDED)
        self.assertEqual(verdict_of(30, 40, 60), Verdict.INCONCLUSIVE)
        self.assertEqual(verdict_of(10, 40, 41), Verdict.FAILED)
        self.assertEqual(verdict_of(10, 40, 40), Verdict.INCONCLUSIVE)

    def test_no_verdict_under_five_counted_members(self) -> None:
        self.assertEqual(verdict_of(4, 4, 10), Verdict.NOT_ENOUGH_DATA)
        judged = judge([member(3)] * 4, EXPECT)
        self.assertEqual(judged.status, Verdict.NOT_ENOUGH_DATA)
        self.assertEqual(judged.counted, 4)
        self.assertIsNone(judged.share)
        self.assertIsNone(judged.succeeded)

    def test_a_version_without_a_complete_expectation_gets_none(self) -> None:
        self.assertEqual(judge([member(3)] * 9, None).status, Verdict.NO_EXPECTATION)

        class Version:
            expected_kind = "reactivation"
            expected_count = 2
            expected_share: int | None = None
            expected_window_days = 30

        self.assertIsNone(Expectation.of(Version()))
        Version.expected_share = 60
        self.assertEqual(Expectation.of(Version()), EXPECT)


class CountingRuleTests(SimpleTestCase):
    def test_a_member_counts_from_the_first_day_after_the_window(self) -> None:
        # Adopted on 1 January, 30 days: the window's last day is 30 January.
        self.assertEqual(EXPECT.window_end(ADOPTED), WINDOW_END)
        self.assertFalse(counts(member(5, written_on=dt.date(2026, 1, 30)), EXPECT))
        self.assertTrue(counts(member(5, written_on=WINDOW_END), EXPECT))
        self.assertTrue(counts(member(0, written_on=dt.date(2026, 6, 1)), EXPECT))

    def test_a_debrief_without_the_windows_number_does_not_count(self) -> None:
        self.assertFalse(counts(member(None, written_on=dt.date(2026, 6, 1)), EXPECT))

    def test_early_debriefs_wait_and_the_rest_are_judged(self) -> None:
        early = [member(9, written_on=dt.date(2026, 1, 15))] * 3
        judged = judge(early + [member(2)] * 5 + [member(0)] * 5, EXPECT)
        self.assertEqual((judged.counted, judged.waiting, judged.succeeded), (10, 3, 5))

    def test_a_correction_decides_and_is_flagged(self) -> None:
        # Measured 1 (not enough), corrected to 2 by the member: succeeded, and counted as a
        # correction; a "correction" to the same value is none.
        corrected = member(1, corrected_window=2)
        same = member(2, corrected_window=2)
        lowered = member(3, corrected_window=0)
        judged = judge([corrected, same, lowered, member(0), member(0)], EXPECT)
        self.assertEqual(judged.succeeded, 2)
        self.assertEqual(judged.corrected, 2)


class StatisticsTests(SimpleTestCase):
    def test_medians(self) -> None:
        self.assertEqual(median([3, 1, 2]), 2)
        self.assertEqual(median([1, 2, 3, 10]), 2.5)
        self.assertEqual(median([0, 0, 5]), 0)
        self.assertIsNone(median([]))

    def test_buckets_merge_neighbours_until_five(self) -> None:
        # Tally before merging: 0: 6, 1: 2, 2: 1, 3-4: 2, 5-9: 1, 10-19: 1, 20-49: 1.
        values = [0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 7, 12, 25]
        self.assertEqual(
            buckets(values),
            (Bucket(0, 0, 6), Bucket(1, None, 8)),
        )

    def test_what_is_left_at_the_top_joins_the_last_bucket(self) -> None:
        values = [0] * 5 + [1] * 5 + [2] * 5 + [3, 3, 9, 40]
        self.assertEqual(
            buckets(values),
            (Bucket(0, 0, 5), Bucket(1, 1, 5), Bucket(2, None, 9)),
        )
        self.assertEqual(buckets([0] * 5 + [1] * 4), (Bucket(0, None, 9),))

    def test_wide_buckets_keep_their_fixed_edges(self) -> None:
        values = [12] * 5 + [60] * 7 + [150] * 5
        self.assertEqual(
            buckets(values),
            (Bucket(0, 19, 5), Bucket(20, 99, 7), Bucket(100, None, 5)),
        )

    def test_fewer_than_five_values_are_suppressed(self) -> None:
        self.assertEqual(buckets([1, 2, 3, 4]), ())
        self.assertEqual(buckets([]), ())

    @settings(deadline=None)
    @given(st.lists(st.integers(min_value=0, max_value=500), max_size=200))
    def test_no_bucket_ever_holds_fewer_than_five(self, values: list[int]) -> None:
        found = buckets(values)
        if len(values) < 5:
            self.assertEqual(found, ())
            return
        self.assertTrue(all(b.members >= 5 for b in found))
        self.assertEqual(sum(b.members for b in found), len(values))
        # They cover every value, once: from 0 up, contiguous, the last open-ended.
        self.assertEqual(found[0].low, 0)
        self.assertIsNone(found[-1].high)
        for before, after in itertools.pairwise(found):
            self.assertEqual((before.high or 0) + 1, after.low)
        for value in values:
            holders = [b for b in found if b.low <= value and (b.high is None or value <= b.high)]
            self.assertEqual(len(holders), 1)

    def test_self_assessment_buckets(self) -> None:
        answers = ["worked"] * 3 + ["partly"] * 4 + ["did_not"] * 6
        self.assertEqual(
            category_buckets(answers),
            (CategoryBucket(("worked", "partly"), 7), CategoryBucket(("did_not",), 6)),
        )
        answers = ["worked"] * 6 + ["partly"] * 2 + ["did_not"] * 2
        self.assertEqual(
            category_buckets(answers),
            (CategoryBucket(("worked", "partly", "did_not"), 10),),
        )
        self.assertEqual(category_buckets(["worked"] * 4), ())


class VersionResultsTests(SimpleTestCase):
    def figures(self, members: list[MemberDebrief], **extra: Any) -> dict[str, Any]:
        options: dict[str, Any] = {"adopters": 12, "abandoned": 2, "expectation": EXPECT}
        options.update(extra)
        return compute(members, keys=measure.KEYS, **options).to_json()

    def test_nothing_at_all_under_five_members(self) -> None:
        for count in (0, 1, 4):
            with self.subTest(count=count):
                members = [member(7, measured={"meeting": 37})] * count
                self.assertEqual(self.figures(members), {"schema": 1, "enough": False})

    def test_five_members_give_the_figures(self) -> None:
        members = [
            member(2, measured={"reactivation": 2, "meeting": 1}),
            member(3, measured={"reactivation": 3, "meeting": 4}, corrected={"meeting": 5}),
            member(0, measured={"reactivation": 0}, assessment="did_not", usefulness=2),
            member(2, measured={"reactivation": 2, "meeting": 2}, assessment="partly"),
            member(
                1,
                corrected_window=2,
                measured={"reactivation": 1},
                corrected={"reactivation": 2, "partnership": 0},
            ),
        ]
        figures = self.figures(members)
        self.assertEqual(figures["adopters"], 12)
        self.assertEqual(figures["abandoned"], 2)
        self.assertEqual(figures["debriefed"], 5)
        self.assertEqual(figures["silent"], 7)
        self.assertEqual(
            figures["expectation"],
            {"kind": "reactivation", "count": 2, "share": 60, "window_days": 30},
        )
        verdict = figures["verdict"]
        # 4 of 5 reached 2 (one by their correction): (0.3755, 0.9638) straddles 60%.
        self.assertEqual(verdict["status"], "inconclusive")
        self.assertEqual((verdict["counted"], verdict["succeeded"]), (5, 4))
        self.assertEqual(
            (verdict["share"], verdict["low"], verdict["high"]), (0.8, 0.3755, 0.9638)
        )
        self.assertEqual(verdict["corrected"], 1)
        self.assertEqual(
            verdict["distribution"],
            {"median": 2, "buckets": [{"from": 0, "to": None, "members": 5}]},
        )
        # Meetings 1, 5 (corrected from 4), 0, 2, 0: median 1.
        self.assertEqual(figures["outcomes"]["meeting"]["median"], 1)
        self.assertEqual(figures["outcomes"]["reactivation"]["median"], 2)
        self.assertEqual(set(figures["outcomes"]), set(measure.KEYS))
        # The self-assessment: 3 worked, 1 partly, 1 did not: one bucket of all five.
        self.assertEqual(
            figures["assessment"], [{"values": ["worked", "partly", "did_not"], "members": 5}]
        )
        self.assertEqual(figures["usefulness"]["median"], 4)
        # meeting 4 -> 5 and reactivation 1 -> 2 changed; partnership 0 -> 0 did not.
        self.assertEqual(figures["corrected"], {"numbers": 2, "members": 2})

    def test_no_bucket_anywhere_holds_fewer_than_five(self) -> None:
        rng = random.Random(8)
        kinds = list(measure.KEYS)
        members = [
            member(
                rng.choice((0, 1, 2, 2, 3, 6)),
                written_on=WINDOW_END + dt.timedelta(days=rng.randint(-10, 40)),
                measured={k: rng.choice((0, 0, 1, 2, 3, 5, 8, 13, 40)) for k in kinds},
                assessment=rng.choice(("worked", "partly", "did_not")),
                usefulness=rng.choice((None, 1, 2, 3, 4, 5)),
            )
            for _ in range(rng.randint(5, 60))
        ]
        figures = self.figures(members, adopters=80)
        distributions = [*figures["outcomes"].values(), figures["usefulness"]]
        distributions.append(figures["verdict"]["distribution"])
        found = [b for d in distributions if d for b in d["buckets"]] + figures["assessment"]
        self.assertTrue(found)
        self.assertTrue(all(b["members"] >= 5 for b in found), found)


class WordsTests(SimpleTestCase):
    def test_the_rule_says_the_versions_numbers(self) -> None:
        with translation.override("en"):
            text = rule_text(EXPECT, "Reactivated contact")
        self.assertIn("30 days", text)
        self.assertIn("at least 2 outcomes “Reactivated contact”", text)
        self.assertIn("at or above 60%", text)
        self.assertIn("even if they gave it up", text)

    def test_figures_in_words(self) -> None:
        figures = compute(
            [member(2)] * 4 + [member(0)], adopters=5, abandoned=0, expectation=EXPECT,
            keys=measure.KEYS,
        ).to_json()  # fmt: skip
        with translation.override("en"):
            words = present(figures, {"reactivation": "Reactivated contact"})
            nothing = present(None, {})
        self.assertEqual(words.label, "Inconclusive")
        self.assertIn("4 of 5 counted members reached the expected count: 80%", words.summary)
        self.assertIn("38% to 96%", words.summary)
        self.assertIn('class="interval-chart"', words.bar)
        self.assertEqual(nothing.label, "Not enough data yet")
        self.assertFalse(nothing.enough)
        self.assertEqual(nothing.bar, "")

    def test_a_median_is_written_the_way_the_language_writes_numbers(self) -> None:
        with translation.override("en"):
            self.assertEqual(
                [number_label(v) for v in (2, 2.0, 2.5, None)], ["2", "2", "2.5", "–"]
            )
        with translation.override("fr"):
            self.assertEqual([number_label(v) for v in (2, 2.5, 0.5)], ["2", "2,5", "0,5"])
