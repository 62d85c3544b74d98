"""How long the synthesis workspace takes on the server, and how many queries it runs, with 500
participants and 200 statements (the opinion analysis cached), against a baseline of 50
participants and 20 statements measured in the same run.

Run with `.venv/bin/python bench/synthesis.py` (PostgreSQL: with DATABASE_URL set);
informational (exit code 0) unless --strict. See docs/benchmarks.md.

The run has its own database (var/bench/synthesis.sqlite3, or the database
entregent_bench_synthesis beside the one DATABASE_URL names). Each size is one public method
whose step 1 has a version in synthesis (its feedback closed) carrying that many statements
(suggestions and criticisms), a third as many remarks and questions, replies, a few statements
trashed, and votes from that many participants drawn as a Polis conversation has them: each
participant belongs to one of four opinion groups, votes on a number of statements drawn from
a long-tailed distribution (a median of about 50 at 200 statements, a few voting on nearly
everything, some on fewer than the 7 needed to be grouped) and votes with their group's stance.
A third of the statements already have a disposition. The analysis is computed once with
``analysis.refresh`` before anything is timed (its duration is printed), and the run checks
that no request recomputed it. Pages are requested through django.test.Client after a
warm-up, as bench/pages.py does: the bare view (the floor), the step's page read by a visitor
(a page of the same size that readers see), and the workspace read by the method's
facilitator, as it opens and sorted by agreement.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import _corpus, pages  # noqa: E402
from bench.method import (  # noqa: E402
    body,
    make_members,
    new_method,
    sentences,
)

SQLITE_NAME = "synthesis.sqlite3"
DATABASE = "entregent_bench_synthesis"
TARGET_P95_MS = 300.0
CODE = (
    "entregent/method",
    "templates/method",
    "templates/base.html",
)
# (participants, statements): the baseline, then the target's size.
SIZES = ((50, 20), (500, 200))
# Opinion groups and their shares of the participants.
GROUP_SHARES = (0.35, 0.3, 0.2, 0.15)
# A group's stance on a statement (+1 for, -1 against, 0 divided): weights of agree,
# disagree, pass, as in the demo.
VOTE_WEIGHTS = {1: (78, 8, 14), -1: (10, 75, 15), 0: (40, 35, 25)}
# Votes per participant: log-normal around this share of the statements, at least 2.
MEDIAN_VOTE_SHARE = 0.25
# Non-votable comments (remarks, questions) per statement, replies per comment, trashed
# statements, statements with a disposition already.
OTHER_COMMENTS = 1 / 3
REPLIES = 0.2
TRASHED = 0.02
DECIDED = 1 / 3
WORKSPACE = "workspace, facilitator"
PAGE_NAMES = (
    "bare view",
    "step page, visitor",
    WORKSPACE,
    "workspace, sorted by agreement",
)


@dataclass
class Conversation:
    """What one size's version carries, how long writing it and analysing it took."""

    slug: str
    participants: int
    statements: int
    comments: int
    votes: int
    median_votes_per_participant: float
    clustered: int
    groups: int
    trashed: int
    decided: int
    build_seconds: float
    analysis_ms: int


@dataclass
class SizeResult:
    conversation: Conversation
    pages: list[pages.Page]
    # Statements shown in the workspace (their rows' ids in the HTML).
    shown: dict[str, int] = field(default_factory=dict)


def main(argv: list[str] | None = None) -> int:
    args = pages.page_parser(
        __doc__,
        ",".join(f"{p}:{s}" for p, s in SIZES),
        "participants:statements per version, comma-separated; the first is the baseline",
        requests=60,
        warmup=5,
    ).parse_args(argv)
    sizes = [
        (int(p), int(s)) for p, s in (x.split(":") for x in args.sizes.split(",") if x.strip())
    ]
    return pages.run_page_benchmark(
        args,
        name="synthesis",
        sqlite_name=SQLITE_NAME,
        database=DATABASE,
        code=CODE,
        targets={"p95_ms": TARGET_P95_MS, "page": WORKSPACE, "queries": "the same at every size"},
        run=lambda: run(sizes, args.requests, args.warmup),
    )


# Set-up ------------------------------------------------------------------------------------


def votes_wanted(rng: random.Random, statements: int) -> int:
    """How many statements a participant votes on: long-tailed, as in Polis conversations
    (most vote on a fair share, a few on nearly all, some on a handful)."""
    median = max(3.0, statements * MEDIAN_VOTE_SHARE)
    return max(2, min(statements, round(rng.lognormvariate(math.log(median), 0.7))))


def stance(rng: random.Random) -> tuple[int, ...]:
    """One statement's stance per group: mostly split along group lines, some agreed or
    rejected by everyone (what consensus finds)."""
    roll = rng.random()
    if roll < 0.08:
        return (1,) * len(GROUP_SHARES)
    if roll < 0.12:
        return (-1,) * len(GROUP_SHARES)
    return tuple(rng.choice((1, 1, -1, -1, 0)) for _ in GROUP_SHARES)


def build(
    members: list[Any], facilitator: Any, moderator: Any, participants: int, statements: int
) -> Conversation:
    """A public method whose step 1 has a version in synthesis with ``statements``
    suggestions and criticisms voted on by ``participants`` of ``members``, then its analysis
    computed and cached."""
    from django.db import transaction
    from django.utils import timezone

    from entregent.method import analysis
    from entregent.method.models import (
        Comment,
        Disposition,
        Step,
        StepVersion,
        Vote,
    )

    started = time.perf_counter()
    rng = random.Random(f"bench-synthesis:{participants}:{statements}")
    pool = sentences()
    now = timezone.now()
    opened = now - dt.timedelta(days=21)
    closed = now - dt.timedelta(days=1)
    voters = members[:participants]
    # The facilitator writes too, like anyone.
    authors = [*voters, facilitator]
    groups = rng.choices(range(len(GROUP_SHARES)), GROUP_SHARES, k=participants)
    with transaction.atomic():
        method = new_method(
            f"Développer son réseau ({participants} participants)",
            f"bench-{participants}-{statements}",
            facilitator,
            moderator,
        )
        step = Step.objects.create(method=method, number=1)
        version = StepVersion.objects.create(
            step=step,
            number=1,
            title="Réactiver les liens dormants",
            reasoning="\n\n".join(rng.sample(pool, 6)),
            recommendation=" ".join(rng.sample(pool, 3)),
            checklist=rng.sample(pool, 5),
            expected_kind="meeting",
            expected_count=1,
            expected_share=50,
            expected_window_days=30,
            state=StepVersion.State.SYNTHESIS,
            publish_at=opened,
            published_at=opened,
            closed_at=closed,
            created_by=facilitator,
        )

        def moment(n: int, total: int) -> dt.datetime:
            return opened + (closed - opened) * (n + 1) / (total + 1)

        # The statements, then remarks and questions, then replies to any of them.
        top: list[Comment] = []
        stances: dict[int, tuple[int, ...]] = {}
        others = round(statements * OTHER_COMMENTS)
        for n in range(statements + others):
            kind = (
                rng.choice(("suggestion", "suggestion", "criticism"))
                if n < statements
                else rng.choice(("remark", "question"))
            )
            comment = Comment(
                version=version,
                step=step,
                author=rng.choice(authors),
                depth=1,
                kind=kind,
                body=body(rng, pool),
                created_at=moment(n, statements + others),
            )
            if n < statements:
                stances[id(comment)] = stance(rng)
            top.append(comment)
        rng.shuffle(top)
        for comment in rng.sample(
            [c for c in top if c.kind in Comment.VOTABLE_KINDS], round(statements * TRASHED)
        ):
            comment.status = Comment.Status.TRASHED
            comment.trash_reason = "off_topic"
        replies = [
            Comment(
                version=version,
                step=step,
                author=rng.choice(authors),
                parent=parent,
                depth=2,
                kind="remark",
                body=body(rng, pool),
                created_at=parent.created_at + dt.timedelta(hours=3),
            )
            for parent in rng.sample(top, round(len(top) * REPLIES))
        ]

        proposals = [c for c in top if c.kind in Comment.VOTABLE_KINDS]
        choices = ("agree", "disagree", "pass")
        planned_votes = []
        for voter, group in zip(voters, groups, strict=True):
            for comment in rng.sample(proposals, votes_wanted(rng, len(proposals))):
                choice = rng.choices(choices, VOTE_WEIGHTS[stances[id(comment)][group]])[0]
                count_field = Vote.COUNT_FIELDS[choice]
                setattr(comment, count_field, getattr(comment, count_field) + 1)
                planned_votes.append(Vote(comment=comment, voter=voter, choice=choice))

        Comment.objects.bulk_create(top, batch_size=500)
        for reply in replies:
            reply.parent_id = reply.parent.pk if reply.parent else None
        Comment.objects.bulk_create(replies, batch_size=500)
        Vote.objects.bulk_create(planned_votes, batch_size=2000)
        published = [c for c in proposals if c.status == Comment.Status.PUBLISHED]
        decisions = ("integrated", "rejected", "deferred")
        Disposition.objects.bulk_create(
            [
                Disposition(
                    comment=comment,
                    decision=(decision := rng.choice(decisions)),
                    reason=body(rng, pool) if decision == "rejected" else "",
                    decided_by=facilitator,
                )
                for comment in rng.sample(published, round(len(published) * DECIDED))
            ]
        )
    pages.analyse()
    build_seconds = time.perf_counter() - started
    cached = analysis.refresh(version.pk)
    per_participant = sorted(Counter(v.voter_id for v in planned_votes).values())
    return Conversation(
        slug=method.slug,
        participants=participants,
        statements=len(proposals),
        comments=len(top) + len(replies),
        votes=len(planned_votes),
        median_votes_per_participant=per_participant[len(per_participant) // 2],
        clustered=cached.result["clustered"],
        groups=len(cached.result["groups"]),
        trashed=round(statements * TRASHED),
        decided=round(len(published) * DECIDED),
        build_seconds=round(build_seconds, 1),
        analysis_ms=cached.duration_ms,
    )


# Measurement -------------------------------------------------------------------------------


def run(sizes: list[tuple[int, int]], requests: int, warmup: int) -> list[SizeResult]:
    import re

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from entregent.method.models import OpinionAnalysis

    where = connection.settings_dict["NAME"]
    print(f"Database: {connection.vendor} ({pages.display_path(Path(str(where)))})")
    print(f"Code: {_corpus.engine_commit(*CODE)}")
    print(f"{requests} timed requests per page after {warmup} warm-up requests.")
    print(
        f"Target for the workspace at {sizes[-1][0]:,} participants and {sizes[-1][1]:,} "
        f"statements: p95 <= {TARGET_P95_MS:g} ms, and the same number of queries at every size."
    )
    # Imported before anything is timed: the first analysis would otherwise count the second
    # scikit-learn takes to import.
    import sklearn.cluster
    import sklearn.decomposition
    import sklearn.metrics  # noqa: F401

    members, facilitator, moderator = make_members(max(p for p, _ in sizes))
    results = []
    for participants, statements in sizes:
        conversation = build(members, facilitator, moderator, participants, statements)
        computed = dict(OpinionAnalysis.objects.values_list("version_id", "computed_at"))
        workspace = reverse("methods:synthesis", args=[conversation.slug, 1])
        step_page = reverse("methods:step", args=[conversation.slug, 1])
        visitor, facilitating = Client(), Client()
        facilitating.force_login(facilitator)
        measured = [
            (visitor, pages.Page(PAGE_NAMES[0], [reverse("bench-bare")])),
            (visitor, pages.Page(PAGE_NAMES[1], [step_page])),
            (facilitating, pages.Page(PAGE_NAMES[2], [workspace])),
            (facilitating, pages.Page(PAGE_NAMES[3], [f"{workspace}?sort=agreement"])),
        ]
        shown: dict[str, int] = {}
        for client, page in measured:
            measure(client, page, requests, warmup)
            if page.status == 200 and page.name.startswith("workspace"):
                html = client.get(page.paths[0]).content.decode()
                shown[page.name] = len(set(re.findall(r'<tr id="row-(\d+)"', html)))
        # The analysis was read from its cache, never computed by a request.
        recomputed = computed != dict(
            OpinionAnalysis.objects.values_list("version_id", "computed_at")
        )
        page_list = [page for _client, page in measured]
        bare = page_list[0]
        for page in page_list:
            if page.status != 200:
                continue
            page.ratio_p50 = round(page.p50_ms / bare.p50_ms, 1)
            page.ratio_p95 = round(page.p95_ms / bare.p95_ms, 1)
            page.passed = not page.name.startswith("workspace") or (
                page.p95_ms <= TARGET_P95_MS and not recomputed
            )
            if recomputed and page.name.startswith("workspace"):
                page.hint.insert(0, "a request recomputed the analysis")
        results.append(SizeResult(conversation, page_list, shown))
        print_table(results[-1])
    compare(results)
    return results


def measure(client: Any, page: pages.Page, requests: int, warmup: int) -> None:
    """bench/pages.py's measurement; a page that does not answer 200 (still being built, say)
    is recorded as failed rather than ending the run."""
    status = client.get(page.paths[0]).status_code
    if status != 200:
        page.status, page.passed = status, False
        page.hint = [f"{page.paths[0]} answered {status}: not measured"]
        return
    pages.measure(client, page, requests, warmup)


# Report ------------------------------------------------------------------------------------


def print_table(result: SizeResult) -> None:
    c = result.conversation
    print(
        f"\n{c.participants:,} participants, {c.statements:,} statements ({c.comments:,} "
        f"comments, {c.trashed} trashed, {c.decided} decided) and {c.votes:,} votes (median "
        f"{c.median_votes_per_participant:g} per participant; {c.clustered} grouped into "
        f"{c.groups} groups); written in {c.build_seconds:.1f} s, analysed in "
        f"{c.analysis_ms:,} ms"
    )
    pages.print_pages(result.pages, shown=result.shown, verdict=verdict_of, width=32)


def verdict_of(page: pages.Page) -> str:
    if not page.passed:
        return "FAIL"
    return "PASS" if page.name.startswith("workspace") else "info"


def compare(results: list[SizeResult]) -> None:
    """Each page against the baseline size: how its time grows, and whether its query count
    does (a count that grows with the statements is a query per statement somewhere)."""
    if len(results) < 2:
        return
    b, t = results[0].conversation, results[-1].conversation
    print(
        f"\n{t.participants:,} participants and {t.statements:,} statements against the "
        f"baseline of {b.participants:,} and {b.statements:,} ({t.votes / b.votes:.0f}x the "
        "votes):"
    )
    pages.compare_sizes(
        [r.pages for r in results],
        verdict=verdict_of,
        held=lambda page: page.name.startswith("workspace"),
        width=32,
    )


if __name__ == "__main__":
    sys.exit(main())
