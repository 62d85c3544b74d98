"""How long a method's results page and its results.json take on the server, and how many
queries they run, with 2,000 adopters over 10 versions, against a baseline of 200 adopters
measured in the same run.

Informational (exit code 0) unless --strict. Run as `.venv/bin/python bench/results.py`
(PostgreSQL: with DATABASE_URL set). See docs/benchmarks.md and docs/results.md.

The run has its own database (var/bench/results.sqlite3, or the database
entregent_bench_results beside the one DATABASE_URL names). Each size is one public method of
five steps, each with a version 1 superseded by a validated version 2 (10 versions), every
version expecting an outcome within 30 to 60 days. The adopters are spread over the versions
(a few versions much busier than others); about 70% debrief, a fifth of those twice (after one
month, then after three), a tenth gave up, some corrected a number, and a quarter published
their text (anonymously or signed) with realistic lengths drawn from the demo's discussion.
Debriefs arrive in batches in the order they were written, and after each batch the version's
release is considered as the site does after each save, so each version carries the releases
the rules allowed (one per five members or more). The pages are requested through
django.test.Client after a warm-up: the results page by a visitor and by a member, the page
listing every published debrief of the busiest version, and results.json.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import _corpus, pages  # noqa: E402
from bench.method import (  # noqa: E402
    make_members,
    new_method,
    sentences,
)

SQLITE_NAME = "results.sqlite3"
DATABASE = "entregent_bench_results"
TARGET_P95_MS = 200.0
CODE = (
    "entregent/method/results.py",
    "entregent/method/releases.py",
    "entregent/method/views_results.py",
    "entregent/method/templatetags/method_results.py",
    "templates/method/results.html",
    "templates/method/_verdict.html",
    "templates/base.html",
)
# Adopters over the 10 versions: the baseline, then the target's size.
SIZES = (200, 2_000)
STEPS = 5
DEBRIEFED = 0.7
DEBRIEFED_TWICE = 0.2
ABANDONED = 0.1
CORRECTED = 0.15
PUBLISHED = 0.25
# Debriefs written between two considerations of a release (the site considers one after
# every save; batches keep the set-up short and give the same releases to within a few).
BATCH = 3
# The share of members each version works for, by version (in turn).
QUALITY = (0.25, 0.85, 0.5, 0.7, 0.3, 0.9, 0.6, 0.45, 0.8, 0.55)
KINDS = (
    "new_contact", "reactivation", "meeting", "partnership", "lead_job", "lead_client",
    "lead_supplier", "introduction", "other",
)  # fmt: skip


@dataclass
class Built:
    """What one size's method carries, and how long writing it took."""

    slug: str
    versions: int
    adopters: int
    debriefs: int
    debriefing_members: int
    published: int
    releases: int
    busiest_version: int
    busiest_published: int
    build_seconds: float


@dataclass
class SizeResult:
    built: Built
    pages: list[pages.Page]
    verdicts: dict[str, int] = field(default_factory=dict)


def main(argv: list[str] | None = None) -> int:
    args = pages.page_parser(
        __doc__,
        ",".join(map(str, SIZES)),
        "Adopters over the 10 versions, comma-separated; the first is the baseline",
    ).parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    return pages.run_page_benchmark(
        args,
        name="results",
        sqlite_name=SQLITE_NAME,
        database=DATABASE,
        code=CODE,
        targets={"p95_ms": TARGET_P95_MS, "queries": "the same at every size"},
        run=lambda: run(sizes, args.requests, args.warmup),
    )


# Set-up ------------------------------------------------------------------------------------


def build(members: list[Any], facilitator: Any, adopters: int) -> Built:
    """A public method of 5 steps × 2 versions with ``adopters`` adoptions spread over them,
    their debriefs written in order and the releases the rules allow."""
    from django.db import transaction
    from django.utils import timezone

    from entregent.method import releases
    from entregent.method.models import (
        Adoption,
        Debrief,
        ResultsRelease,
        Step,
        StepVersion,
    )

    started = time.perf_counter()
    rng = random.Random(f"bench-results:{adopters}")
    pool = sentences()
    today = dt.date.today()
    with transaction.atomic():
        method = new_method(
            f"Développer son réseau ({adopters} membres l'appliquent)",
            f"bench-results-{adopters}",
            facilitator,
        )
        versions = []
        for number in range(1, STEPS + 1):
            step = Step.objects.create(method=method, number=number)
            for version_number, state, validated in (
                (1, StepVersion.State.SUPERSEDED, today - dt.timedelta(days=400)),
                (2, StepVersion.State.VALIDATED, today - dt.timedelta(days=200)),
            ):
                moment = dt.datetime.combine(validated, dt.time(9), tzinfo=dt.UTC)
                versions.append(
                    StepVersion.objects.create(
                        step=step,
                        number=version_number,
                        title=" ".join(rng.sample(pool, 1))[:120],
                        reasoning="\n\n".join(rng.sample(pool, 4)),
                        recommendation=" ".join(rng.sample(pool, 3)),
                        checklist=rng.sample(pool, 4),
                        expected_kind=rng.choice(("reactivation", "meeting", "new_contact")),
                        expected_count=rng.choice((1, 2, 3)),
                        expected_share=rng.choice((40, 50, 60)),
                        expected_window_days=rng.choice((30, 45, 60)),
                        state=state,
                        published_at=moment - dt.timedelta(days=30),
                        closed_at=moment,
                        validated_at=moment,
                        created_by=facilitator,
                    )
                )
        # Adopters spread unevenly: some versions are much busier.
        weights = [rng.uniform(0.3, 2.0) for _ in versions]
        pairs: set[tuple[int, int]] = set()
        while len(pairs) < adopters:
            version_index = rng.choices(range(len(versions)), weights)[0]
            pairs.add((version_index, rng.randrange(len(members))))
        adoptions = []
        for version_index, member_index in sorted(pairs):
            version = versions[version_index]
            assert version.validated_at is not None
            first = version.validated_at.date()
            adopted = first + dt.timedelta(days=rng.randint(0, (today - first).days - 1))
            abandoned = rng.random() < ABANDONED
            adoptions.append(
                Adoption(
                    owner=members[member_index],
                    version=version,
                    adopted_on=adopted,
                    status=Adoption.Status.ABANDONED if abandoned else Adoption.Status.ACTIVE,
                    abandoned_on=adopted + dt.timedelta(days=10) if abandoned else None,
                )
            )
        Adoption.objects.bulk_create(adoptions, batch_size=1000)

    planned: list[Debrief] = []
    for adoption in adoptions:
        if rng.random() >= DEBRIEFED:
            continue
        version = adoption.version
        days = version.expected_window_days or 30
        dates = [adoption.adopted_on + dt.timedelta(days=rng.randint(20, days + 40))]
        if rng.random() < DEBRIEFED_TWICE:
            dates.append(dates[0] + dt.timedelta(days=rng.randint(30, 90)))
        for written_on in dates:
            if written_on > today:
                continue
            planned.append(debrief(rng, pool, adoption, written_on))
    planned.sort(key=lambda d: d.written_on)

    # In the order they were written, a few at a time, each batch followed by the release
    # the site would consider after it.
    for start in range(0, len(planned), BATCH):
        batch = planned[start : start + BATCH]
        for item in batch:
            item.created_at = timezone.now()
        Debrief.objects.bulk_create(batch)
        for version in {d.version_id: d.version for d in batch}.values():
            releases.consider_release(version)
    pages.analyse()

    published = [d for d in planned if d.visibility in Debrief.PUBLISHED]
    by_version: dict[int, int] = {}
    for d in published:
        by_version[d.version_id] = by_version.get(d.version_id, 0) + 1
    busiest = max(by_version, key=lambda pk: by_version[pk]) if by_version else versions[0].pk
    return Built(
        slug=method.slug,
        versions=len(versions),
        adopters=len(adoptions),
        debriefs=len(planned),
        debriefing_members=len({(d.owner_id, d.version_id) for d in planned}),
        published=len(published),
        releases=ResultsRelease.objects.filter(version__step__method=method).count(),
        busiest_version=busiest,
        busiest_published=by_version.get(busiest, 0),
        build_seconds=round(time.perf_counter() - started, 1),
    )


def debrief(rng: random.Random, pool: list[str], adoption: Any, written_on: dt.date) -> Any:
    """One debrief as the form would save it: the numbers the log measured since the
    adoption, sometimes a correction, the verdict's number once the window has ended, and
    texts of a few sentences, a quarter of them published."""
    from entregent.method.models import Debrief

    version = adoption.version
    days = version.expected_window_days or 30
    span = (written_on - adoption.adopted_on).days
    talent = rng.random()
    measured = {
        kind: int(rng.expovariate(1 / max(0.05, talent * span / rng.choice((10, 20, 60)))))
        for kind in KINDS
    }
    measured["objectives_reached"] = rng.choice((0, 0, 0, 1))
    corrected = {}
    if rng.random() < CORRECTED:
        kind = rng.choice(KINDS)
        corrected[kind] = measured[kind] + rng.choice((-1, 1, 2))
        corrected[kind] = max(0, corrected[kind])
    window_measured = window_corrected = None
    if written_on >= adoption.adopted_on + dt.timedelta(days=days):
        # Each version works for its own share of members: some steps succeed, some fail.
        expected = version.expected_count or 1
        if rng.random() < QUALITY[version.pk % len(QUALITY)]:
            window_measured = expected + int(rng.expovariate(1 / 1.5))
        else:
            window_measured = rng.randrange(expected)
        measured[version.expected_kind] = max(measured[version.expected_kind], window_measured)
        if rng.random() < CORRECTED / 3:
            window_corrected = window_measured + 1
    published = rng.random() < PUBLISHED
    visibility = (
        rng.choice((Debrief.Visibility.ANONYMOUS, Debrief.Visibility.SIGNED))
        if published
        else rng.choice((Debrief.Visibility.PRIVATE, Debrief.Visibility.FACILITATORS))
    )

    def text() -> str:
        return " ".join(rng.sample(pool, rng.choice((1, 2, 3, 4))))

    return Debrief(
        adoption=adoption,
        owner=adoption.owner,
        version=version,
        written_on=written_on,
        measured=measured,
        corrected=corrected,
        window_measured=window_measured,
        window_corrected=window_corrected,
        obtained=text(),
        problems=text() if rng.random() < 0.8 else "",
        solutions=text() if rng.random() < 0.7 else "",
        assessment=rng.choice(("worked", "partly", "partly", "did_not")),
        usefulness=rng.choice((None, 1, 2, 3, 3, 4, 4, 5)),
        visibility=visibility,
        names_confirmed=True,
    )


# Measurement -------------------------------------------------------------------------------


def run(sizes: list[int], requests: int, warmup: int) -> list[SizeResult]:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from entregent.method import releases

    where = connection.settings_dict["NAME"]
    print(f"Database: {connection.vendor} ({pages.display_path(Path(str(where)))})")
    print(f"Code: {_corpus.engine_commit(*CODE)}")
    print(f"{requests} timed requests per page after {warmup} warm-up requests.")
    print(
        f"Target at {sizes[-1]:,} adopters: p95 <= {TARGET_P95_MS:g} ms, and the same number "
        "of queries at every size."
    )
    members, facilitator, _moderator = make_members(max(sizes))
    found = []
    for adopters in sizes:
        built = build(members, facilitator, adopters)
        page_path = reverse("methods:results", args=[built.slug])
        json_path = reverse("methods:results-json", args=[built.slug])
        visitor, member = Client(), Client()
        member.force_login(members[0])
        measured = [
            (visitor, pages.Page("bare view", [reverse("bench-bare")])),
            (visitor, pages.Page("results page, visitor", [page_path])),
            (member, pages.Page("results page, member", [page_path])),
            (
                visitor,
                pages.Page(
                    "results page, every debrief of one",
                    [f"{page_path}?all={built.busiest_version}"],
                ),
            ),
            (visitor, pages.Page("results.json", [json_path])),
        ]
        for client, page in measured:
            status = client.get(page.paths[0]).status_code
            if status != 200:
                page.status, page.passed = status, False
                page.hint = [f"{page.paths[0]} answered {status}: not measured"]
                continue
            pages.measure(client, page, requests, warmup)
        bare = measured[0][1]
        for _client, page in measured:
            if page.status != 200:
                continue
            page.ratio_p50 = round(page.p50_ms / bare.p50_ms, 1)
            page.ratio_p95 = round(page.p95_ms / bare.p95_ms, 1)
            page.passed = page.p95_ms <= TARGET_P95_MS
        from entregent.method.models import StepVersion

        ids = StepVersion.objects.filter(step__method__slug=built.slug).values_list(
            "pk", flat=True
        )
        verdicts: dict[str, int] = {}
        for figures in releases.latest(ids).values():
            status = (figures.get("verdict") or {}).get("status", "not_enough_data")
            verdicts[status] = verdicts.get(status, 0) + 1
        found.append(SizeResult(built, [page for _c, page in measured], verdicts))
        print_table(found[-1])
    compare(found)
    return found


# Report ------------------------------------------------------------------------------------


def print_table(result: SizeResult) -> None:
    b = result.built
    print(
        f"\n{b.adopters:,} adopters over {b.versions} versions: {b.debriefs:,} debriefs by "
        f"{b.debriefing_members:,} members, {b.published} published ({b.busiest_published} on "
        f"the busiest version), {b.releases} releases; verdicts {result.verdicts} "
        f"(built in {b.build_seconds:.1f} s)"
    )
    pages.print_pages(result.pages)


def compare(found: list[SizeResult]) -> None:
    """Each page against the baseline: how its time grows, and whether its query count does
    (a count that grows with the adopters is a query per version or per debrief somewhere)."""
    if len(found) < 2:
        return
    base, largest = found[0], found[-1]
    print(
        f"\n{largest.built.adopters:,} adopters against the baseline of {base.built.adopters:,} "
        f"({largest.built.adopters / base.built.adopters:g}x):"
    )
    pages.compare_sizes([r.pages for r in found])


if __name__ == "__main__":
    sys.exit(main())
