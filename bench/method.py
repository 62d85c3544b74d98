"""How long a step's page takes on the server, and how many queries it runs, with 500 comments
and 20,000 votes, against a baseline of 50 comments and 2,000 votes measured in the same run.

Run by `make bench-method` (and `make bench`); informational (exit code 0) unless --strict. See
docs/benchmarks.md.

The run has its own database (var/bench/method.sqlite3, or the database
entregent_bench_method beside the one DATABASE_URL names), with 400 members, a facilitator and
a moderator. Each size is one public method whose step 1 has a version open for feedback
carrying that many comments (kinds mixed, threads to depth 3, some trashed, a few hidden after
flags, some edited, realistic lengths drawn from the demo's discussion) and that many votes on
its suggestions and criticisms, written in bulk with the counts kept on each comment. The page
is requested through django.test.Client, after a warm-up, as bench/pages.py does: by a visitor,
by a member who voted on about a fifth of the proposals and flagged a few comments, and by the
method's moderator; then once more by the member with the Markdown cache emptied before each
request (a process that has not shown these comments yet).
"""

from __future__ import annotations

import datetime as dt
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import _corpus, pages  # noqa: E402

SQLITE_NAME = "method.sqlite3"
DATABASE = "entregent_bench_method"
TARGET_P95_MS = 150.0
CODE = (
    "entregent/method",
    "entregent/lib/markdown.py",
    "templates/method",
    "templates/base.html",
)
MEMBERS = 400
# (comments, votes): the baseline, then the target's size.
SIZES = ((50, 2_000), (500, 20_000))
KINDS = (("remark", 35), ("suggestion", 30), ("criticism", 20), ("question", 15))
# Shares of the comments.
TOP_LEVEL = 0.45
TRASHED = 0.02
HIDDEN = 0.006
EDITED = 0.05
VIEWER_FLAGS = 5
# Measured and printed, but not held to the target: a process pays it once per text.
COLD = "step page, member, Markdown cache cold"


@dataclass
class Discussion:
    """What one size's step carries, and how long writing it took."""

    slug: str
    comments: int
    votes: int
    proposals: int
    top_level: int
    deepest: int
    trashed: int
    hidden: int
    edited: int
    viewer_votes: int
    viewer_flags: int
    build_seconds: float


@dataclass
class SizeResult:
    discussion: Discussion
    pages: list[pages.Page]
    # Comments (ids in the HTML) on each page, by page name: the page shows the discussion.
    shown: dict[str, int] = field(default_factory=dict)


def main(argv: list[str] | None = None) -> int:
    args = pages.page_parser(
        __doc__,
        ",".join(f"{c}:{v}" for c, v in SIZES),
        "comments:votes per step, comma-separated; the first is the baseline",
    ).parse_args(argv)
    sizes = [
        (int(c), int(v)) for c, v in (s.split(":") for s in args.sizes.split(",") if s.strip())
    ]
    return pages.run_page_benchmark(
        args,
        name="method",
        sqlite_name=SQLITE_NAME,
        database=DATABASE,
        code=CODE,
        targets={"p95_ms": TARGET_P95_MS, "queries": "the same at every size"},
        run=lambda: run(sizes, args.requests, args.warmup),
    )


# Set-up ------------------------------------------------------------------------------------


def new_method(title: str, slug: str, facilitator: Any, moderator: Any = None) -> Any:
    """A public method of the benchmark's, with its team (also used by bench/synthesis.py
    and bench/results.py)."""
    from entregent.method.models import Method, MethodRole

    method = Method.objects.create(
        title=title,
        slug=slug,
        description="Une méthode construite en public, une étape à la fois.",
        created_by=facilitator,
    )
    method.add_role(facilitator, MethodRole.Role.FACILITATOR)
    if moderator is not None:
        method.add_role(moderator, MethodRole.Role.MODERATOR)
    return method


FIRST_NAMES = (
    "Amélie", "Thomas", "Nadia", "Julien", "Sophie", "Karim", "Élodie", "Mathieu", "Claire",
    "Yannick", "Léa", "Antoine", "Inès", "Hugo", "Marion", "Olivier", "Aïcha", "Baptiste",
    "Pauline", "Romain", "Emma", "Daniel", "Priya", "Lucy", "Tom", "Grace",
)  # fmt: skip
LAST_NAMES = (
    "Rousseau", "Girard", "Benyahia", "Mercier", "Lefèvre", "Haddad", "Martin", "Fontaine",
    "Dubois", "Le Goff", "Garnier", "Chevalier", "Bouaziz", "Lambert", "Perrin", "Roux",
    "Traoré", "Morel", "Wilson", "O'Brien", "Raman", "Chen",
)  # fmt: skip


def make_members(count: int) -> tuple[list[Any], Any, Any]:
    """``count`` members, a facilitator and a moderator, in bulk (logged in with
    ``force_login``: they need no password)."""
    from entregent.accounts.models import User

    rng = random.Random("bench-method-members")
    users = User.objects.bulk_create(
        [
            User(
                email=f"member-{n}@bench.entregent.org",
                display_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                password="!",
            )
            for n in range(count)
        ]
        + [
            User(email="facilitator@bench.entregent.org", display_name="Fatou Ndiaye"),
            User(email="moderator@bench.entregent.org", display_name="Nora Mansouri"),
        ],
        batch_size=1000,
    )
    return users[:count], users[count], users[count + 1]


def sentences() -> list[str]:
    """The demo discussion's sentences: real comment text to draw realistic comments from."""
    from entregent.demo.method import DISCUSSION, Said

    found: list[str] = []

    def collect(said: Said) -> None:
        found.extend(s.strip() for s in re.split(r"(?<=[.?!])\s+", said.body) if s.strip())
        for reply in said.replies:
            collect(reply)

    for said in DISCUSSION:
        collect(said)
    return found


def body(rng: random.Random, pool: list[str]) -> str:
    """A comment of one to five sentences (a few with a short list), 60 to 700 characters."""
    text = " ".join(rng.sample(pool, rng.choice((1, 2, 2, 3, 3, 4, 5))))
    if rng.random() < 0.1:
        text += "\n\n" + "\n".join(f"- {s}" for s in rng.sample(pool, 2))
    return text


def build(
    members: list[Any], facilitator: Any, moderator: Any, comments: int, votes: int
) -> Discussion:
    """A public method whose step 1 has a version open for feedback with ``comments``
    comments and ``votes`` votes, the counts kept on the comments as ``Vote.cast`` keeps them."""
    from django.db import transaction
    from django.utils import timezone

    from entregent.method.models import (
        Comment,
        CommentRevision,
        Flag,
        Step,
        StepVersion,
        Vote,
    )

    started = time.perf_counter()
    rng = random.Random(f"bench-method:{comments}:{votes}")
    pool = sentences()
    now = timezone.now()
    opened = now - dt.timedelta(days=30)
    viewer = members[0]
    with transaction.atomic():
        method = new_method(
            f"Développer son réseau ({comments} commentaires)",
            f"bench-{comments}",
            facilitator,
            moderator,
        )
        step = Step.objects.create(method=method, number=1)
        version = StepVersion.objects.create(
            step=step,
            number=1,
            title="Cartographier son réseau",
            reasoning="\n\n".join(rng.sample(pool, 8)),
            recommendation=" ".join(rng.sample(pool, 3)),
            checklist=rng.sample(pool, 5),
            expected_kind="reactivation",
            expected_count=2,
            expected_share=60,
            expected_window_days=30,
            state=StepVersion.State.OPEN,
            publish_at=opened,
            published_at=opened,
            created_by=facilitator,
        )

        kinds = [kind for kind, _weight in KINDS]
        weights = [weight for _kind, weight in KINDS]
        # The member who reads the page wrote a few comments too, like anyone.
        authors = [*members, facilitator]
        planned: list[Comment] = []
        for n in range(comments):
            open_parents = [c for c in planned[-120:] if c.depth < 3]
            parent = (
                None if n < 5 or rng.random() < TOP_LEVEL or not open_parents
                else rng.choice(open_parents)
            )  # fmt: skip
            planned.append(
                Comment(
                    version=version,
                    step=step,
                    author=rng.choice(authors),
                    parent=parent,
                    depth=parent.depth + 1 if parent else 1,
                    kind=rng.choices(kinds, weights)[0],
                    body=body(rng, pool),
                    created_at=opened + (now - opened) * (n + 1) / (comments + 1),
                )
            )
        for comment in rng.sample(planned, max(1, round(comments * TRASHED))):
            comment.status = Comment.Status.TRASHED
            comment.trash_reason = rng.choice(("off_topic", "off_topic", "spam", "duplicate"))
        published = [c for c in planned if c.status == Comment.Status.PUBLISHED]
        for comment in rng.sample(published, round(comments * HIDDEN)):
            comment.status = Comment.Status.HIDDEN
            comment.open_flag_count = 3
        edited = rng.sample(planned, round(comments * EDITED))
        for comment in edited:
            comment.edited_at = comment.created_at + dt.timedelta(hours=2)

        # Votes: distinct (proposal, voter) pairs, the viewer's among them like anyone's.
        proposals = [c for c in planned if c.kind in Comment.VOTABLE_KINDS]
        pairs = rng.sample(range(len(proposals) * len(members)), votes)
        choices = ("agree", "disagree", "pass")
        planned_votes = []
        for pair in pairs:
            comment, voter = proposals[pair // len(members)], members[pair % len(members)]
            choice = rng.choices(choices, (50, 35, 15))[0]
            count_field = Vote.COUNT_FIELDS[choice]
            setattr(comment, count_field, getattr(comment, count_field) + 1)
            planned_votes.append(Vote(comment=comment, voter=voter, choice=choice))

        for depth in (1, 2, 3):
            level = [c for c in planned if c.depth == depth]
            for comment in level:
                comment.parent_id = comment.parent.pk if comment.parent else None
            Comment.objects.bulk_create(level, batch_size=500)
        CommentRevision.objects.bulk_create(
            [
                CommentRevision(
                    comment=c,
                    kind=c.kind,
                    body=body(rng, pool),
                    replaced_at=c.created_at + dt.timedelta(hours=2),
                )
                for c in edited
            ]
        )
        Vote.objects.bulk_create(planned_votes, batch_size=2000)
        # The viewer flagged a few comments (not their own); the hidden ones have theirs.
        flaggable = [
            c for c in planned if c.status == Comment.Status.PUBLISHED and c.author_id != viewer.pk
        ]
        viewer_flagged = rng.sample(flaggable, min(VIEWER_FLAGS, len(flaggable)))
        flags = [Flag(comment=c, flagger=viewer, reason="off_topic") for c in viewer_flagged]
        for comment in planned:
            if comment.status == Comment.Status.HIDDEN:
                flaggers = rng.sample(members[1:], 3)
                flags += [Flag(comment=comment, flagger=m, reason="spam") for m in flaggers]
        Flag.objects.bulk_create(flags)
        Comment.objects.filter(pk__in=[c.pk for c in viewer_flagged]).update(open_flag_count=1)
    pages.analyse()
    return Discussion(
        slug=method.slug,
        comments=len(planned),
        votes=len(planned_votes),
        proposals=len(proposals),
        top_level=sum(c.depth == 1 for c in planned),
        deepest=max(c.depth for c in planned),
        trashed=sum(c.status == Comment.Status.TRASHED for c in planned),
        hidden=sum(c.status == Comment.Status.HIDDEN for c in planned),
        edited=len(edited),
        viewer_votes=sum(v.voter_id == viewer.pk for v in planned_votes),
        viewer_flags=len(viewer_flagged),
        build_seconds=round(time.perf_counter() - started, 1),
    )


# Measurement -------------------------------------------------------------------------------


def measure(client: Any, page: pages.Page, requests: int, warmup: int) -> None:
    """bench/pages.py's measurement; a page that does not answer 200 (still being built, say)
    is recorded as failed rather than ending the run."""
    status = client.get(page.paths[0]).status_code
    if status != 200:
        page.status, page.passed = status, False
        page.hint = [f"{page.paths[0]} answered {status}: not measured"]
        return
    pages.measure(client, page, requests, warmup)


def measure_cold(client: Any, page: pages.Page, requests: int) -> None:
    """The page with the comments' rendered Markdown forgotten before each request: what a
    process that has not shown them yet pays."""
    import statistics

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    forget = getattr(_feedback_module(), "rendered", None)
    cache_clear = getattr(forget, "cache_clear", None)
    if cache_clear is None:
        page.status, page.passed = 0, False
        page.hint = ["method/feedback.py keeps no Markdown cache (rendered): not measured"]
        return
    status = client.get(page.paths[0]).status_code
    if status != 200:
        page.status, page.passed = status, False
        page.hint = [f"{page.paths[0]} answered {status}: not measured"]
        return
    timings, cpu_timings = [], []
    for _ in range(requests):
        cache_clear()
        started, cpu_started = time.perf_counter(), time.thread_time()
        client.get(page.paths[0])
        timings.append((time.perf_counter() - started) * 1000)
        cpu_timings.append((time.thread_time() - cpu_started) * 1000)
    page.p50_ms, page.p95_ms = pages.percentiles(timings)
    page.cpu_p50_ms, page.cpu_p95_ms = pages.percentiles(cpu_timings)
    page.mean_ms = round(statistics.fmean(timings), 2)
    cache_clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.paths[0])
    page.queries = len(captured.captured_queries)
    page.status = response.status_code
    page.bytes = len(response.content)
    page.hint = pages.profile(client, page.paths, requests=3)


def _feedback_module() -> Any:
    from entregent.method import feedback

    return feedback


def run(sizes: list[tuple[int, int]], requests: int, warmup: int) -> list[SizeResult]:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    where = connection.settings_dict["NAME"]
    print(f"Database: {connection.vendor} ({pages.display_path(Path(str(where)))})")
    print(f"Code: {_corpus.engine_commit(*CODE)}")
    print(f"{requests} timed requests per page after {warmup} warm-up requests.")
    print(
        f"Target for the step page at {sizes[-1][0]:,} comments: p95 <= {TARGET_P95_MS:g} ms, "
        "and the same number of queries at every size."
    )
    members, facilitator, moderator = make_members(MEMBERS)
    viewer = members[0]
    results = []
    for comments, votes in sizes:
        discussion = build(members, facilitator, moderator, comments, votes)
        path = reverse("methods:step", args=[discussion.slug, 1])
        visitor, member, moderating = Client(), Client(), Client()
        member.force_login(viewer)
        moderating.force_login(moderator)
        measured = [
            (visitor, pages.Page("bare view", [reverse("bench-bare")])),
            (visitor, pages.Page("step page, visitor", [path])),
            (member, pages.Page("step page, member (voted, flagged)", [path])),
            (moderating, pages.Page("step page, moderator", [path])),
        ]
        shown = {}
        for client, page in measured:
            measure(client, page, requests, warmup)
            if page.status == 200 and page.name != "bare view":
                html = client.get(path).content.decode()
                shown[page.name] = len(set(re.findall(r'id="comment-(\d+)"', html)))
        cold = pages.Page(COLD, [path])
        measure_cold(member, cold, max(10, requests // 5))
        page_list = [page for _client, page in measured] + [cold]
        bare = page_list[0]
        for page in page_list:
            if page.status != 200:
                continue
            page.ratio_p50 = round(page.p50_ms / bare.p50_ms, 1)
            page.ratio_p95 = round(page.p95_ms / bare.p95_ms, 1)
            page.passed = page.name == COLD or page.p95_ms <= TARGET_P95_MS
        results.append(SizeResult(discussion, page_list, shown))
        print_table(results[-1])
    compare(results)
    return results


# Report ------------------------------------------------------------------------------------


def print_table(result: SizeResult) -> None:
    d = result.discussion
    print(
        f"\n{d.comments:,} comments ({d.top_level} threads, depth up to {d.deepest}, "
        f"{d.trashed} trashed, {d.hidden} hidden, {d.edited} edited) and {d.votes:,} votes on "
        f"{d.proposals} proposals; the member voted {d.viewer_votes} times and flagged "
        f"{d.viewer_flags} (written in {d.build_seconds:.1f} s)"
    )
    pages.print_pages(result.pages, shown=result.shown, verdict=verdict_of, width=40)


def verdict_of(page: pages.Page) -> str:
    if not page.passed:
        return "FAIL"
    return "info" if page.name == COLD else "PASS"


def compare(results: list[SizeResult]) -> None:
    """Each page against the baseline: how its time grows, and whether its query count does
    (a count that grows with the comments is a query per comment somewhere)."""
    if len(results) < 2:
        return
    base, largest = results[0], results[-1]
    growth = largest.discussion.comments / base.discussion.comments
    print(
        f"\n{largest.discussion.comments:,} comments against the baseline of "
        f"{base.discussion.comments:,} ({growth:g}x the comments, "
        f"{largest.discussion.votes / base.discussion.votes:g}x the votes):"
    )
    pages.compare_sizes([r.pages for r in results], verdict=verdict_of, width=40)


if __name__ == "__main__":
    sys.exit(main())
