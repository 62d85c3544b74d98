"""Opinion analysis of a conversation's votes, after Polis: the statistics of each statement,
consensus, opinion groups and what represents each group.

Pure functions on a vote matrix (participants × statements, +1 agree, -1 disagree, 0 pass,
NaN unseen): no database here. ``method/analysis.py`` builds the matrix from a version's
votes and caches the result; ``manage.py analyze_votes`` builds it from Polis CSV exports.

The formulas are Polis' as red-dwarf 0.4.0 ports them (``docs/opinions.md``): consensus is
``reddwarf.utils.consensus.select_consensus_statements`` to the tie, the tests hold it to it;
the groups are red-dwarf's pipeline (mean imputation, PCA, Polis' sparsity-aware scaling,
k-means seeded with the first distinct points, k by silhouette) with one rule added: a group
of one is no group, its member joins the nearest one.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from entregent.lib.stats import wilson
from entregent.method.polis_rules import MIN_CLUSTERED_FOR_GROUPS, MIN_VOTES_TO_CLUSTER

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

AGREE, DISAGREE, PASS = 1, -1, 0

# The numbers of groups tried, and the smallest group accepted: never a group of one.
K_RANGE = range(2, 6)
MIN_GROUP_SIZE = 2
# At most this many consensus statements per direction, representative statements per group
# and group-informed consensus statements.
PICK_MAX = 5
# A proportion is significant when its z-score passes the one-sided 90% critical value:
# scipy.stats.norm.ppf(0.9), written out so that the site does not load scipy's statistics.
Z_90 = 1.2815515655446004
# Fixed seed: the same votes give the same groups, run after run.
SEED = 0
# Decimals kept in the stored result: enough to rank and display, small enough to read.
DECIMALS = 4


# -- The vote matrix ---------------------------------------------------------------------------


_KEY = re.compile(r"([a-z]*)(\d+)")


def _participant_order(key: str) -> tuple[int, str, int, str]:
    # Numbers as numbers: Polis' voter 2 before voter 10, member "u2" before "u10".
    match = _KEY.fullmatch(key)
    return (0, match[1], int(match[2]), "") if match else (1, "", 0, key)


@dataclass(frozen=True)
class VoteMatrix:
    """Votes as a matrix: one row per participant (with at least one vote on a statement
    analysed), one column per statement analysed (in increasing id), +1 / -1 / 0 / NaN."""

    participants: tuple[str, ...]
    statements: tuple[int, ...]
    values: FloatArray

    @classmethod
    def from_votes(
        cls, votes: Iterable[tuple[str, int, int]], statements: Iterable[int] | None = None
    ) -> VoteMatrix:
        """The matrix of ``votes`` (participant, statement, +1/-1/0), on ``statements`` (every
        statement voted on if None; votes on any other statement are left out). A later vote
        of a participant on a statement replaces an earlier one."""
        wanted = None if statements is None else set(statements)
        latest: dict[tuple[str, int], int] = {}
        for participant, statement, value in votes:
            if wanted is None or statement in wanted:
                latest[participant, statement] = value
        columns = sorted(wanted if wanted is not None else {s for _, s in latest})
        rows = sorted({p for p, _ in latest}, key=_participant_order)
        values = np.full((len(rows), len(columns)), np.nan)
        if latest:
            row_of = {p: i for i, p in enumerate(rows)}
            column_of = {s: j for j, s in enumerate(columns)}
            keys = list(latest)
            values[
                np.fromiter((row_of[p] for p, _ in keys), dtype=np.int64, count=len(keys)),
                np.fromiter((column_of[s] for _, s in keys), dtype=np.int64, count=len(keys)),
            ] = np.fromiter(latest.values(), dtype=np.float64, count=len(keys))
        return cls(tuple(rows), tuple(columns), values)

    @property
    def votes_per_participant(self) -> IntArray:
        return np.isfinite(self.values).sum(axis=1).astype(np.int64)


# -- Statistics --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Per statement (arrays in the matrix's column order): agrees, disagrees, votes seen."""

    agree: IntArray
    disagree: IntArray
    seen: IntArray

    @classmethod
    def of(cls, values: FloatArray) -> Counts:
        return cls(
            agree=(values == AGREE).sum(axis=0).astype(np.int64),
            disagree=(values == DISAGREE).sum(axis=0).astype(np.int64),
            seen=np.isfinite(values).sum(axis=0).astype(np.int64),
        )

    @property
    def passes(self) -> IntArray:
        return self.seen - self.agree - self.disagree


def probability(count: IntArray, total: IntArray) -> FloatArray:
    """The rate with one pseudo-vote each way (Laplace): (1 + count) / (2 + total)."""
    return (1 + count) / (2 + total)


def one_prop_test(successes: IntArray, total: IntArray) -> FloatArray:
    """Polis' z-score of a proportion against one half, with a pseudo-count."""
    s = successes + 1
    n = total + 1
    return np.asarray(2 * np.sqrt(n) * ((s / n) - 0.5), dtype=np.float64)


def two_prop_test(
    successes_in: IntArray, successes_out: IntArray, total_in: IntArray, total_out: IntArray
) -> FloatArray:
    """Polis' z-score of the difference between a group's proportion and the others'."""
    s_in, s_out = successes_in + 1, successes_out + 1
    n_in, n_out = total_in + 1, total_out + 1
    pi1 = s_in / n_in
    pi2 = s_out / n_out
    pi_hat = (s_in + s_out) / (n_in + n_out)
    denominator = np.sqrt(pi_hat * (1 - pi_hat) * (1 / n_in + 1 / n_out))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (pi1 - pi2) / denominator
    # Everyone agrees: no difference to test (the limit is 0).
    return np.asarray(np.where(pi_hat == 1, 0.0, z), dtype=np.float64)


@dataclass(frozen=True)
class StatementStatistics:
    statement: int
    agree: int
    disagree: int
    passes: int
    seen: int

    @property
    def agreement(self) -> float | None:
        """The share of agrees among the votes seen (passes included), None without votes."""
        return self.agree / self.seen if self.seen else None

    @property
    def agreement_interval(self) -> tuple[float, float]:
        return wilson(self.agree, self.seen)


def statement_statistics(matrix: VoteMatrix) -> list[StatementStatistics]:
    counts = Counts.of(matrix.values)
    return [
        StatementStatistics(
            statement=statement,
            agree=int(counts.agree[j]),
            disagree=int(counts.disagree[j]),
            passes=int(counts.passes[j]),
            seen=int(counts.seen[j]),
        )
        for j, statement in enumerate(matrix.statements)
    ]


# -- Consensus ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsensusStatement:
    statement: int
    agree: int
    disagree: int
    passes: int
    seen: int
    probability: float

    def to_json(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "agree": self.agree,
            "disagree": self.disagree,
            "pass": self.passes,
            "seen": self.seen,
            "probability": round(self.probability, DECIMALS),
        }


def _dense_rank_order(metric: FloatArray) -> IntArray:
    """The order red-dwarf lists candidates in: dense ranks of the metric, highest first,
    sorted the way pandas sorts them (numpy's quicksort on the ranks), so that ties come out
    as red-dwarf's do."""
    _, ranks = np.unique(-metric, return_inverse=True)
    return np.asarray(ranks.astype(np.int64).argsort(kind="quicksort"), dtype=np.int64)


def consensus(matrix: VoteMatrix, pick_max: int = PICK_MAX) -> dict[str, list[ConsensusStatement]]:
    """Polis' consensus statements, as red-dwarf 0.4.0's ``select_consensus_statements``:
    a statement is agreed (disagreed) when its pseudocounted rate that way is over one half
    and significant (one_prop_test over ``Z_90``); the strongest ``pick_max`` of each way
    by rate × z-score. Over every participant, grouped or not."""
    counts = Counts.of(matrix.values)
    result: dict[str, list[ConsensusStatement]] = {}
    for direction, successes in (("agree", counts.agree), ("disagree", counts.disagree)):
        p = probability(successes, counts.seen)
        z = one_prop_test(successes, counts.seen)
        candidates = np.flatnonzero((p > 0.5) & (z > Z_90))
        order = candidates[_dense_rank_order((p * z)[candidates])][:pick_max]
        result[direction] = [
            ConsensusStatement(
                statement=matrix.statements[j],
                agree=int(counts.agree[j]),
                disagree=int(counts.disagree[j]),
                passes=int(counts.passes[j]),
                seen=int(counts.seen[j]),
                probability=float(p[j]),
            )
            for j in order
        ]
    return result


# -- Opinion groups ----------------------------------------------------------------------------


def project(values: FloatArray) -> FloatArray:
    """Each participant's place on the first two principal components, as Polis draws it:
    unseen votes imputed with the statement's mean, PCA, then each point pushed out by
    sqrt(statements / the participant's votes) so that someone who voted little does not sit
    at the centre only for having voted little. Statements nobody voted on are left out."""
    from sklearn.decomposition import PCA
    from sklearn.impute import SimpleImputer

    voted = values[:, np.isfinite(values).any(axis=0)]
    imputed = SimpleImputer(missing_values=np.nan, strategy="mean").fit_transform(voted)
    # Everyone voting alike leaves no variance to explain: no warning for that, no groups.
    with np.errstate(invalid="ignore", divide="ignore"):
        points = PCA(n_components=2, random_state=SEED).fit_transform(imputed)
    n_votes = np.count_nonzero(~np.isnan(voted), axis=1)
    scale = np.sqrt(voted.shape[1] / np.maximum(1, n_votes))
    return np.asarray(points * scale[:, np.newaxis], dtype=np.float64)


@dataclass(frozen=True)
class Clustering:
    k: int
    silhouette: float
    # One label (0..k-1) per point clustered, in the order given.
    labels: IntArray


def cluster(points: FloatArray, k_range: Iterable[int] = K_RANGE) -> Clustering | None:
    """k-means for each k of ``k_range``, seeded as Polis does with the first k distinct
    points (in sorted order: deterministic), keeping the grouping of the best silhouette (the
    first of equals). A group of fewer than ``MIN_GROUP_SIZE`` is no group: its members join
    the nearest group's centre, so that k-means with k = 3 that isolates one far-off
    participant is a grouping in two (and k is the number of groups that remain). None when
    no grouping in two or more is left."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    distinct = np.unique(points, axis=0)
    # Participants who voted alike sit on one point, give or take the last bits of floating
    # point: counted as one, so that k-means is never asked for more groups than places.
    places = len(np.unique(np.round(points, 9), axis=0))
    best: Clustering | None = None
    for k in k_range:
        if places < k or len(points) <= k:
            break
        kmeans = KMeans(n_clusters=k, init=distinct[:k], n_init=1, random_state=SEED)
        labels = _fold_small_groups(
            points, np.asarray(kmeans.fit_predict(points), dtype=np.int64), kmeans.cluster_centers_
        )
        groups = int(labels.max()) + 1
        if groups < 2:
            continue
        score = float(silhouette_score(points, labels))
        if best is None or score > best.silhouette:
            best = Clustering(k=groups, silhouette=score, labels=labels)
    return best


def _fold_small_groups(points: FloatArray, labels: IntArray, centres: FloatArray) -> IntArray:
    """``labels`` with the members of groups under ``MIN_GROUP_SIZE`` moved to the nearest
    centre of a group large enough, renumbered 0.. in their first order."""
    sizes = np.bincount(labels, minlength=len(centres))
    kept = np.flatnonzero(sizes >= MIN_GROUP_SIZE)
    if len(kept) == len(centres):
        return labels
    labels = labels.copy()
    if len(kept):
        for i in np.flatnonzero(sizes[labels] < MIN_GROUP_SIZE):
            distances = np.linalg.norm(centres[kept] - points[i], axis=1)
            labels[i] = kept[int(np.argmin(distances))]
    renumber = {int(old): new for new, old in enumerate(kept)}
    return np.array([renumber.get(int(label), 0) for label in labels], dtype=np.int64)


@dataclass(frozen=True)
class GroupStatistics:
    """Per statement, for one group against the others grouped (Polis' repness inputs)."""

    counts: Counts
    # Pseudocounted rates inside the group (p) and outside it (p_out), each way.
    pa: FloatArray
    pd: FloatArray
    pa_out: FloatArray
    pd_out: FloatArray
    # z-scores: of the rate against one half (pat, pdt), of the difference with the others
    # (rat, rdt); representativeness: the ratio of the rates (ra, rd).
    pat: FloatArray
    pdt: FloatArray
    ra: FloatArray
    rd: FloatArray
    rat: FloatArray
    rdt: FloatArray

    @classmethod
    def of(cls, inside: FloatArray, outside: FloatArray) -> GroupStatistics:
        c, o = Counts.of(inside), Counts.of(outside)
        pa, pd = probability(c.agree, c.seen), probability(c.disagree, c.seen)
        pa_out, pd_out = probability(o.agree, o.seen), probability(o.disagree, o.seen)
        return cls(
            counts=c,
            pa=pa,
            pd=pd,
            pa_out=pa_out,
            pd_out=pd_out,
            pat=one_prop_test(c.agree, c.seen),
            pdt=one_prop_test(c.disagree, c.seen),
            ra=pa / pa_out,
            rd=pd / pd_out,
            rat=two_prop_test(c.agree, o.agree, c.seen, o.seen),
            rdt=two_prop_test(c.disagree, o.disagree, c.seen, o.seen),
        )


@dataclass(frozen=True)
class RepresentativeStatement:
    statement: int
    direction: str
    agree: int
    disagree: int
    passes: int
    seen: int
    probability: float
    other_probability: float
    repness: float
    repness_test: float
    probability_test: float

    @property
    def strength(self) -> float:
        """Polis' repness metric: repness × its z-score × rate × its z-score."""
        return self.repness * self.repness_test * self.probability * self.probability_test

    def to_json(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "direction": self.direction,
            "agree": self.agree,
            "disagree": self.disagree,
            "pass": self.passes,
            "seen": self.seen,
            "probability": round(self.probability, DECIMALS),
            "other_probability": round(self.other_probability, DECIMALS),
            "repness": round(self.repness, DECIMALS),
        }


def _representative(
    stats: GroupStatistics, statements: Sequence[int], j: int, agree: bool | None = None
) -> RepresentativeStatement:
    # The way the statement stands for the group: the stronger of the two repness tests,
    # unless told.
    if agree is None:
        agree = bool(stats.rat[j] > stats.rdt[j])
    c = stats.counts
    return RepresentativeStatement(
        statement=statements[j],
        direction="agree" if agree else "disagree",
        agree=int(c.agree[j]),
        disagree=int(c.disagree[j]),
        passes=int(c.passes[j]),
        seen=int(c.seen[j]),
        probability=float(stats.pa[j] if agree else stats.pd[j]),
        other_probability=float(stats.pa_out[j] if agree else stats.pd_out[j]),
        repness=float(stats.ra[j] if agree else stats.rd[j]),
        repness_test=float(stats.rat[j] if agree else stats.rdt[j]),
        probability_test=float(stats.pat[j] if agree else stats.pdt[j]),
    )


def _descending_order(metric: FloatArray) -> IntArray:
    """Indices by ``metric``, highest first, ties as pandas' ``sort_values(ascending=False)``
    leaves them (so the selection is red-dwarf's to the tie)."""
    idx = np.arange(len(metric))[::-1]
    order = idx[metric[::-1].argsort(kind="quicksort")]
    return np.asarray(order[::-1], dtype=np.int64)


def representative_statements(
    stats: GroupStatistics, statements: Sequence[int], pick_max: int = PICK_MAX
) -> list[RepresentativeStatement]:
    """Polis' representative statements of a group (red-dwarf 0.4.0's
    ``select_representative_statements``): the statement the group agrees on best, then
    those whose rate and difference with the others are both significant one way, by
    repness metric; at least one statement when none is significant. Returned strongest
    first. Two departures from red-dwarf: the best agreed statement is always given as
    agreed, and a group with significant statements but none it agrees on gets them (red-dwarf
    gives it none)."""
    c = stats.counts
    n = len(statements)
    # The best agreed statement: something the group agrees on, not only what sets it apart.
    best_agree: int | None = None
    for j in range(n):
        if c.agree[j] == 0 and c.disagree[j] == 0:
            continue
        if best_agree is None:
            if stats.pat[j] > Z_90 or (stats.ra[j] > 1.0 and stats.pa[j] > 0.5):
                best_agree = j
        elif stats.ra[best_agree] > 1.0:
            b = best_agree
            mine = stats.ra[j] * stats.rat[j] * stats.pa[j] * stats.pat[j]
            if mine > stats.ra[b] * stats.rat[b] * stats.pa[b] * stats.pat[b]:
                best_agree = j
        elif stats.pa[j] * stats.pat[j] > stats.pa[best_agree] * stats.pat[best_agree]:
            best_agree = j
    significant = [
        j
        for j in range(n)
        if (stats.pat[j] > Z_90 and stats.rat[j] > Z_90)
        or (stats.pdt[j] > Z_90 and stats.rdt[j] > Z_90)
    ]
    head: list[int] = []
    if best_agree is not None:
        head = [best_agree]
    elif not significant and n:
        # Nothing stands out: the statement that stands out most, to say something.
        best = 0
        for j in range(1, n):
            if max(stats.rat[j], stats.rdt[j]) > max(stats.rat[best], stats.rdt[best]):
                best = j
        head = [best]
    chosen = [_representative(stats, statements, j) for j in significant]
    metric = np.array([r.strength for r in chosen], dtype=np.float64)
    ranked = [chosen[i] for i in _descending_order(metric)]
    # The best agreed statement is shown as agreed, what it was chosen for (Polis shows it the
    # way its repness test leans, which can read "4% of the group disagree").
    selected = [
        _representative(stats, statements, j, agree=True if j == best_agree else None)
        for j in head
    ]
    selected += [r for r in ranked if not head or r.statement != statements[head[0]]]
    selected = selected[:pick_max]
    return sorted(selected, key=lambda r: r.strength, reverse=True)


@dataclass(frozen=True)
class Group:
    label: str
    members: tuple[str, ...]
    representative: tuple[RepresentativeStatement, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "size": len(self.members),
            "members": list(self.members),
            "representative": [r.to_json() for r in self.representative],
        }


@dataclass(frozen=True)
class GroupConsensus:
    statement: int
    probability: float

    def to_json(self) -> dict[str, Any]:
        return {"statement": self.statement, "probability": round(self.probability, DECIMALS)}


def group_label(index: int) -> str:
    """A, B, ... Z, then AA, AB...: more than five groups never happen, but be total."""
    letters = string.ascii_uppercase
    return letters[index] if index < 26 else group_label(index // 26 - 1) + letters[index % 26]


@dataclass(frozen=True)
class Analysis:
    """Everything the synthesis shows of the votes: ``to_json()`` is the shared contract
    (``OpinionAnalysis.result``)."""

    participants: int
    statements: int
    clustered: int
    groups_shown: bool
    k: int | None
    silhouette: float | None
    groups: tuple[Group, ...]
    consensus_agree: tuple[ConsensusStatement, ...]
    consensus_disagree: tuple[ConsensusStatement, ...]
    group_consensus: tuple[GroupConsensus, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "participants": self.participants,
            "statements": self.statements,
            "clustered": self.clustered,
            "groups_shown": self.groups_shown,
            "k": self.k,
            "silhouette": None if self.silhouette is None else round(self.silhouette, DECIMALS),
            "groups": [g.to_json() for g in self.groups],
            "consensus": {
                "agree": [s.to_json() for s in self.consensus_agree],
                "disagree": [s.to_json() for s in self.consensus_disagree],
            },
            "group_consensus": [s.to_json() for s in self.group_consensus],
        }


def analyse(matrix: VoteMatrix) -> Analysis:
    """The whole analysis of ``matrix``: consensus over everyone; opinion groups, their
    representative statements and group-informed consensus over the participants with at
    least ``MIN_VOTES_TO_CLUSTER`` votes, once there are ``MIN_CLUSTERED_FOR_GROUPS``."""
    agreed = consensus(matrix)
    votes = matrix.votes_per_participant
    clustered_rows = np.flatnonzero(votes >= MIN_VOTES_TO_CLUSTER)
    result = Analysis(
        participants=int(np.count_nonzero(votes)),
        statements=len(matrix.statements),
        clustered=len(clustered_rows),
        groups_shown=False,
        k=None,
        silhouette=None,
        groups=(),
        consensus_agree=tuple(agreed["agree"]),
        consensus_disagree=tuple(agreed["disagree"]),
    )
    if len(clustered_rows) < MIN_CLUSTERED_FOR_GROUPS:
        return result
    from threadpoolctl import threadpool_limits

    # One thread: on matrices this small, BLAS' and OpenMP's threads cost more than they
    # save, and far more on a busy server (k-means took 0.2 s instead of 2 ms per k).
    with threadpool_limits(limits=1):
        # Everyone who voted shapes the map (as red-dwarf does); who voted enough is grouped.
        points = project(matrix.values)
        clustering = cluster(points[clustered_rows])
    if clustering is None:
        return result
    grouped = matrix.values[clustered_rows]
    groups: list[Group] = []
    agree_rates: list[FloatArray] = []
    for gid in range(clustering.k):
        inside = clustering.labels == gid
        stats = GroupStatistics.of(grouped[inside], grouped[~inside])
        agree_rates.append(stats.pa)
        groups.append(
            Group(
                label=group_label(gid),
                members=tuple(matrix.participants[i] for i in clustered_rows[inside]),
                representative=tuple(representative_statements(stats, matrix.statements)),
            )
        )
    # Group-informed consensus: what every group agrees on, by the product of their rates;
    # only statements that each group agrees with (rate over one half), so that a short list
    # is not padded with what one group rejects.
    rates = np.vstack(agree_rates)
    informed = np.prod(rates, axis=0)
    candidates = np.flatnonzero((rates > 0.5).all(axis=0))
    top = candidates[np.argsort(-informed[candidates], kind="stable")][:PICK_MAX]
    return Analysis(
        participants=result.participants,
        statements=result.statements,
        clustered=result.clustered,
        groups_shown=True,
        k=clustering.k,
        silhouette=clustering.silhouette,
        groups=tuple(groups),
        consensus_agree=result.consensus_agree,
        consensus_disagree=result.consensus_disagree,
        group_consensus=tuple(
            GroupConsensus(statement=matrix.statements[j], probability=float(informed[j]))
            for j in top
        ),
    )
