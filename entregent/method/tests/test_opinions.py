"""The opinion analysis (``method/opinions.py``): statistics checked against values computed by
hand, consensus against red-dwarf 0.4.0 (the reference the issue names) on the two real
conversations and on matrices full of ties, and the invariants of the opinion groups.

red-dwarf is imported from ``reddwarf.utils`` and ``reddwarf.implementations`` only, never
``reddwarf.data_loader``, which reaches the network when imported.
"""

from __future__ import annotations

import json
import math
import random
import sys
import warnings
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from django.test import SimpleTestCase

from entregent.lib.stats import wilson
from entregent.method import opinions, polis_io
from entregent.method.opinions import VoteMatrix

DATA = Path(__file__).parent / "data" / "polis"
CONVERSATIONS = ("canadian-electoral-reform", "scoop-hivemind.freshwater")


@cache
def conversation(name: str) -> polis_io.Conversation:
    folder = DATA / name
    return polis_io.read_conversation(
        (folder / "comments.csv").read_text(encoding="utf-8"),
        (folder / "votes.csv").read_text(encoding="utf-8"),
    )


@cache
def analysis_of(name: str) -> opinions.Analysis:
    return opinions.analyse(conversation(name).matrix())


def frame(matrix: VoteMatrix) -> pd.DataFrame:
    """The matrix as red-dwarf builds it (``generate_raw_matrix``: a pivot, named axes)."""
    return pd.DataFrame(
        matrix.values,
        index=pd.Index(list(matrix.participants), name="participant_id"),
        columns=pd.Index(list(matrix.statements), name="statement_id"),
    )


def import_reddwarf() -> None:
    """red-dwarf's modules the tests use, imported once and quietly (its pydantic models
    warn about themselves), and never its data loader."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import reddwarf.implementations.polis
        import reddwarf.utils.consensus  # noqa: F401
    assert "reddwarf.data_loader" not in sys.modules


def reddwarf_consensus(matrix: VoteMatrix) -> dict[str, list[tuple[int, int, int]]]:
    import_reddwarf()
    from reddwarf.utils.consensus import select_consensus_statements

    result = select_consensus_statements(frame(matrix))
    return {
        direction: [(s["tid"], s["n-success"], s["n-trials"]) for s in result[direction]]
        for direction in ("agree", "disagree")
    }


def our_consensus(matrix: VoteMatrix) -> dict[str, list[tuple[int, int, int]]]:
    found = opinions.consensus(matrix)
    return {
        direction: [
            (s.statement, s.agree if direction == "agree" else s.disagree, s.seen)
            for s in found[direction]
        ]
        for direction in ("agree", "disagree")
    }


def matrix_of(rows: Sequence[Sequence[float | None]]) -> VoteMatrix:
    """A matrix from rows of votes (None: unseen), participants "p0", "p1"..."""
    return VoteMatrix.from_votes(
        (f"p{i}", j, int(v))
        for i, row in enumerate(rows)
        for j, v in enumerate(row)
        if v is not None
    )


class WilsonTests(SimpleTestCase):
    def test_it_matches_intervals_computed_by_hand(self) -> None:
        # p = 0.8, n = 10: centre (0.8 + z²/20) / (1 + z²/10), margin z·√(p(1-p)/n + z²/400)/(…)
        low, high = wilson(8, 10)
        self.assertAlmostEqual(low, 0.4902, places=4)
        self.assertAlmostEqual(high, 0.9433, places=4)
        low, high = wilson(50, 100)
        self.assertAlmostEqual(low, 0.4038, places=4)
        self.assertAlmostEqual(high, 0.5962, places=4)

    def test_it_is_honest_about_small_samples(self) -> None:
        low, high = wilson(2, 2)
        self.assertAlmostEqual(low, 0.3424, places=4)
        self.assertEqual(high, 1.0)
        self.assertEqual(wilson(0, 5)[0], 0.0)

    def test_without_votes_it_says_nothing(self) -> None:
        self.assertEqual(wilson(0, 0), (0.0, 1.0))


class MatrixTests(SimpleTestCase):
    def test_a_later_vote_replaces_an_earlier_one(self) -> None:
        matrix = VoteMatrix.from_votes([("a", 1, 1), ("a", 1, -1), ("b", 1, 0)])
        self.assertEqual(matrix.participants, ("a", "b"))
        self.assertEqual(matrix.values.tolist(), [[-1.0], [0.0]])

    def test_it_keeps_only_the_statements_asked_for_and_who_voted_on_them(self) -> None:
        matrix = VoteMatrix.from_votes([("a", 1, 1), ("b", 2, 1), ("c", 3, -1)], [1, 3, 4])
        self.assertEqual(matrix.statements, (1, 3, 4))
        self.assertEqual(matrix.participants, ("a", "c"))
        self.assertTrue(np.isnan(matrix.values[0, 1]))

    def test_participants_sort_as_numbers(self) -> None:
        matrix = VoteMatrix.from_votes([(p, 1, 1) for p in ("10", "2", "u10", "u2", "i3")], [1])
        self.assertEqual(matrix.participants, ("2", "10", "i3", "u2", "u10"))

    def test_statistics_count_agrees_disagrees_and_passes(self) -> None:
        matrix = matrix_of([[1, -1], [1, 0], [0, None], [-1, None]])
        first, second = opinions.statement_statistics(matrix)
        self.assertEqual((first.agree, first.disagree, first.passes, first.seen), (2, 1, 1, 4))
        self.assertEqual(first.agreement, 0.5)
        self.assertEqual((second.agree, second.disagree, second.passes, second.seen), (0, 1, 1, 2))


class ConsensusTests(SimpleTestCase):
    def test_it_picks_what_most_agree_and_most_disagree_with(self) -> None:
        # 10 participants; statement 0: 9 agree, 1 pass; 1: split; 2: 8 disagree;
        # 3: 2 agree out of 2 seen.
        rows: list[list[float | None]] = [
            [1, 1 if i < 5 else -1, -1 if i < 8 else (1 if i == 8 else 0), None] for i in range(10)
        ]
        rows[9][0] = 0
        rows[0][3] = rows[1][3] = 1
        found = opinions.consensus(matrix_of(rows))
        self.assertEqual([s.statement for s in found["agree"]], [0, 3])
        self.assertEqual([s.statement for s in found["disagree"]], [2])
        agreed = found["agree"][0]
        # (1 + 9) / (2 + 10), pseudocounted; its z-score 2·√11·(10/11 − ½) = 2.71 > 1.28.
        self.assertAlmostEqual(agreed.probability, 10 / 12)
        self.assertEqual(
            (agreed.agree, agreed.disagree, agreed.passes, agreed.seen), (9, 0, 1, 10)
        )
        self.assertAlmostEqual(found["agree"][1].probability, 3 / 4)
        self.assertAlmostEqual(found["disagree"][0].probability, 9 / 12)

    def test_it_equals_reddwarf_on_the_real_conversations(self) -> None:
        for name in CONVERSATIONS:
            with self.subTest(name):
                matrix = conversation(name).matrix()
                self.assertEqual(our_consensus(matrix), reddwarf_consensus(matrix))

    def test_statements_moderated_out_are_left_out_as_reddwarf_leaves_them_out(self) -> None:
        import_reddwarf()
        from reddwarf.utils.consensus import select_consensus_statements

        for name in CONVERSATIONS:
            with self.subTest(name):
                talk = conversation(name)
                everything = VoteMatrix.from_votes(
                    (v.voter_id, v.comment_id, v.vote) for v in talk.votes
                )
                out = [c.comment_id for c in talk.comments if c.is_moderated_out]
                theirs = select_consensus_statements(frame(everything), mod_out_statement_ids=out)
                ours = opinions.consensus(talk.matrix())
                for direction in ("agree", "disagree"):
                    self.assertEqual(
                        [s.statement for s in ours[direction]],
                        [s["tid"] for s in theirs[direction]],
                    )
                    for mine, reference in zip(ours[direction], theirs[direction], strict=True):
                        self.assertAlmostEqual(mine.probability, reference["p-success"])
                        self.assertNotIn(mine.statement, out)

    def test_it_equals_reddwarf_when_statements_tie(self) -> None:
        # Few participants and lopsided votes: many statements share their counts, and the
        # order of equals is where a reimplementation would drift.
        rng = random.Random(7)
        for trial in range(40):
            participants = rng.randint(3, 30)
            statements = rng.randint(1, 40)
            rows: list[list[float | None]] = [
                [rng.choice([1, 1, 1, -1, 0, None]) for _ in range(statements)]
                for _ in range(participants)
            ]
            matrix = matrix_of(rows)
            if not matrix.participants:
                continue
            with self.subTest(trial=trial):
                self.assertEqual(our_consensus(matrix), reddwarf_consensus(matrix))

    def test_it_is_recomputed_from_the_votes(self) -> None:
        # Counted here straight from votes.csv's latest votes, not from the matrix.
        for name in CONVERSATIONS:
            talk = conversation(name)
            moderated_out = {c.comment_id for c in talk.comments if c.is_moderated_out}
            tally: dict[int, list[int]] = {}
            for vote in talk.votes:
                counts = tally.setdefault(vote.comment_id, [0, 0, 0])
                counts[{1: 0, -1: 1, 0: 2}[vote.vote]] += 1
            result = analysis_of(name).to_json()["consensus"]
            for direction in ("agree", "disagree"):
                for s in result[direction]:
                    with self.subTest(name, statement=s["statement"]):
                        self.assertNotIn(s["statement"], moderated_out)
                        agree, disagree, passes = tally[s["statement"]]
                        self.assertEqual(
                            (s["agree"], s["disagree"], s["pass"], s["seen"]),
                            (agree, disagree, passes, agree + disagree + passes),
                        )
                        success = agree if direction == "agree" else disagree
                        seen = agree + disagree + passes
                        self.assertAlmostEqual(s["probability"], (1 + success) / (2 + seen), 4)
                        self.assertGreater((1 + success) / (2 + seen), 0.5)
                        z = 2 * math.sqrt(seen + 1) * ((success + 1) / (seen + 1) - 0.5)
                        self.assertGreater(z, opinions.Z_90)
                self.assertLessEqual(len(result[direction]), 5)


class GroupStatisticsTests(SimpleTestCase):
    def test_a_groups_rates_and_tests_match_the_hand_computed_values(self) -> None:
        # Statement 0: inside, 3 agree and 1 disagree; outside, 2 disagree.
        inside = np.array([[1.0], [1.0], [1.0], [-1.0]])
        outside = np.array([[-1.0], [-1.0]])
        stats = opinions.GroupStatistics.of(inside, outside)
        self.assertEqual(stats.counts.agree.tolist(), [3])
        self.assertEqual(stats.counts.seen.tolist(), [4])
        self.assertAlmostEqual(stats.pa[0], 4 / 6)  # (1 + 3) / (2 + 4)
        self.assertAlmostEqual(stats.pa_out[0], 1 / 4)  # (1 + 0) / (2 + 2)
        self.assertAlmostEqual(stats.ra[0], (4 / 6) / (1 / 4))
        self.assertAlmostEqual(stats.pat[0], 2 * math.sqrt(5) * (4 / 5 - 0.5))  # 1.3416
        # Two proportions, with one pseudo-vote each: 4/5 against 1/3, pooled 5/8.
        pooled = math.sqrt(5 / 8 * 3 / 8 * (1 / 5 + 1 / 3))
        self.assertAlmostEqual(stats.rat[0], (4 / 5 - 1 / 3) / pooled)  # 1.3199
        self.assertAlmostEqual(stats.pd[0], 2 / 6)
        self.assertAlmostEqual(stats.pd_out[0], 3 / 4)
        self.assertAlmostEqual(stats.rdt[0], (2 / 5 - 3 / 3) / pooled)  # -1.6971

    def test_the_representative_statement_reads_as_the_group_votes(self) -> None:
        # Two camps of 10 over 8 statements: the first four split them, the others do not.
        rows: list[list[float | None]] = []
        for camp in (1, -1):
            rows += [[camp, camp, camp, -camp, 1, 1, 1, 1] for _ in range(10)]
        matrix = matrix_of(rows)
        result = opinions.analyse(matrix)
        self.assertTrue(result.groups_shown)
        self.assertEqual(result.k, 2)
        self.assertEqual(sorted(len(g.members) for g in result.groups), [10, 10])
        for group in result.groups:
            camp = 1 if group.members[0] in {f"p{i}" for i in range(10)} else -1
            with self.subTest(group=group.label):
                top = group.representative[0]
                self.assertIn(top.statement, (0, 1, 2, 3))
                # Everyone in the group votes the camp's way: 10 of 10, pseudocounted 11/12.
                expected = "agree" if (camp if top.statement < 3 else -camp) == 1 else "disagree"
                self.assertEqual(top.direction, expected)
                self.assertAlmostEqual(top.probability, 11 / 12)
                self.assertAlmostEqual(top.other_probability, 1 / 12)
                self.assertEqual(top.seen, 10)
        # What both camps agree on is the group-informed consensus: 11/12 in each.
        informed = list(result.group_consensus)
        self.assertEqual(sorted(s.statement for s in informed), [4, 5, 6, 7])
        for s in informed:
            self.assertAlmostEqual(s.probability, (11 / 12) ** 2)


class GroupsTests(SimpleTestCase):
    def test_invariants_hold_on_the_real_conversations(self) -> None:
        for name in CONVERSATIONS:
            with self.subTest(name):
                matrix = conversation(name).matrix()
                result = analysis_of(name)
                votes = dict(zip(matrix.participants, matrix.votes_per_participant, strict=True))
                eligible = {p for p, n in votes.items() if n >= opinions.MIN_VOTES_TO_CLUSTER}
                self.assertEqual(result.clustered, len(eligible))
                self.assertTrue(result.groups_shown)
                self.assertIn(result.k, range(2, 6))
                self.assertEqual(len(result.groups), result.k)
                members = [m for g in result.groups for m in g.members]
                # Every participant grouped is in exactly one group, and only them.
                self.assertEqual(len(members), len(set(members)))
                self.assertEqual(set(members), eligible)
                for group in result.groups:
                    self.assertGreaterEqual(len(group.members), 2)
                    self.assertLessEqual(len(group.representative), 5)
                    self.assertTrue(group.representative)
                    strengths = [r.strength for r in group.representative]
                    self.assertEqual(strengths, sorted(strengths, reverse=True))
                self.assertLessEqual(len(result.group_consensus), 5)

    def test_the_groups_and_their_statements_are_reddwarfs(self) -> None:
        import_reddwarf()
        from reddwarf.implementations.polis import run_pipeline

        for name in CONVERSATIONS:
            with self.subTest(name):
                talk = conversation(name)
                analysed = set(talk.statement_ids)
                votes = [
                    {
                        "participant_id": int(v.voter_id),
                        "statement_id": v.comment_id,
                        "vote": v.vote,
                        "modified": v.timestamp,
                    }
                    for v in talk.votes
                    if v.comment_id in analysed
                ]
                reference = run_pipeline(votes=votes, random_state=0)
                clustered = reference.participants_df[reference.participants_df.to_cluster]
                labels = reference.clusterer.labels_
                result = analysis_of(name)
                ours = {m: i for i, g in enumerate(result.groups) for m in g.members}
                theirs = {
                    str(p): int(label) for p, label in zip(clustered.index, labels, strict=True)
                }
                self.assertEqual(ours, theirs)
                for gid, group in enumerate(result.groups):
                    self.assertEqual(
                        sorted(r.statement for r in group.representative),
                        sorted(s["tid"] for s in reference.repness[gid]),
                    )
                informed = reference.group_aware_consensus["agree"]
                top = sorted(informed, key=lambda tid: -informed[tid])[:5]
                self.assertEqual([s.statement for s in result.group_consensus], top)
                for s in result.group_consensus:
                    self.assertAlmostEqual(s.probability, informed[s.statement])

    def test_groups_stay_hidden_under_15_participants_with_7_votes(self) -> None:
        def camps(size: int) -> VoteMatrix:
            rows: list[list[float | None]] = [
                [1 if i % 2 else -1, 1 if i % 2 else -1, 1 if i % 2 else -1, 1, 1, 1, 1]
                for i in range(size)
            ]
            # Someone with six votes is counted but never grouped.
            rows.append([1, 1, 1, 1, 1, 1, None])
            return matrix_of(rows)

        hidden = opinions.analyse(camps(14)).to_json()
        self.assertEqual(hidden["participants"], 15)
        self.assertEqual(hidden["clustered"], 14)
        self.assertFalse(hidden["groups_shown"])
        self.assertEqual(hidden["groups"], [])
        self.assertIsNone(hidden["k"])
        self.assertIsNone(hidden["silhouette"])
        self.assertEqual(hidden["group_consensus"], [])
        shown = opinions.analyse(camps(15)).to_json()
        self.assertTrue(shown["groups_shown"])
        self.assertEqual(shown["clustered"], 15)
        self.assertEqual(sorted(g["size"] for g in shown["groups"]), [7, 8])

    def test_a_lone_outlier_never_makes_a_group_of_one(self) -> None:
        # Two tight clouds and one point far away: k-means isolates it for every k.
        rng = np.random.default_rng(3)
        points = np.vstack(
            [
                rng.normal((0, 0), 0.05, (10, 2)),
                rng.normal((3, 0), 0.05, (10, 2)),
                [[1.5, 40.0]],
            ]
        )
        from sklearn.cluster import KMeans

        distinct = np.unique(points, axis=0)
        for k in (2, 3):
            alone = KMeans(n_clusters=k, init=distinct[:k], n_init=1).fit_predict(points)
            self.assertEqual(int(np.bincount(alone).min()), 1, "the case tests what it says")
        clustering = opinions.cluster(points)
        assert clustering is not None
        self.assertEqual(clustering.k, 2)
        self.assertEqual(sorted(np.bincount(clustering.labels).tolist()), [10, 11])
        # The two clouds are the groups; the outlier joined one of them.
        self.assertEqual(len(set(clustering.labels[:10].tolist())), 1)
        self.assertEqual(len(set(clustering.labels[10:20].tolist())), 1)
        self.assertNotEqual(clustering.labels[0], clustering.labels[10])

    def test_no_grouping_at_all_when_every_point_is_the_same(self) -> None:
        self.assertIsNone(opinions.cluster(np.zeros((20, 2))))
        rows = [[1] * 8 for _ in range(20)]
        result = opinions.analyse(matrix_of(rows))
        self.assertFalse(result.groups_shown)
        self.assertEqual(result.clustered, 20)

    def test_the_same_votes_give_the_same_analysis(self) -> None:
        name = "scoop-hivemind.freshwater"
        first = opinions.analyse(conversation(name).matrix()).to_json()
        second = opinions.analyse(conversation(name).matrix()).to_json()
        self.assertEqual(json.dumps(first), json.dumps(second))

    def test_the_json_follows_the_shared_contract(self) -> None:
        result = analysis_of("scoop-hivemind.freshwater").to_json()
        self.assertEqual(
            list(result),
            [
                "participants",
                "statements",
                "clustered",
                "groups_shown",
                "k",
                "silhouette",
                "groups",
                "consensus",
                "group_consensus",
            ],
        )
        group = result["groups"][0]
        self.assertEqual(list(group), ["label", "size", "members", "representative"])
        self.assertEqual(group["label"], "A")
        self.assertEqual(
            list(group["representative"][0]),
            [
                "statement",
                "direction",
                "agree",
                "disagree",
                "pass",
                "seen",
                "probability",
                "other_probability",
                "repness",
            ],
        )
        self.assertEqual(
            list(result["consensus"]["agree"][0]),
            ["statement", "agree", "disagree", "pass", "seen", "probability"],
        )
        self.assertEqual(list(result["group_consensus"][0]), ["statement", "probability"])
        self.assertEqual(json.loads(json.dumps(result)), result)

    def test_an_empty_matrix_has_nothing_to_say(self) -> None:
        result = opinions.analyse(VoteMatrix.from_votes([], [1, 2])).to_json()
        self.assertEqual(
            (result["participants"], result["statements"], result["clustered"]), (0, 2, 0)
        )
        self.assertEqual(result["consensus"], {"agree": [], "disagree": []})
