"""How long the tend page and the progress report take on the server, and how many queries
they run, for one member with 1,000 and 10,000 contacts (five interactions each), outcomes,
objectives and a year of daily health snapshots.

Run by `make bench-tend` (and `make bench`); informational (exit code 0) unless --strict. See
docs/benchmarks.md.

Each size gets its own member in a database created for the run (var/bench/tend.sqlite3, or
the database entregent_bench_tend beside the one DATABASE_URL names), filled as bench/pages.py
fills it (the demo's network planner and bulk inserts), then given objectives, outcomes over
the past year and a year of snapshots reconstructed by ``backfill_snapshots``. Pages are
requested through django.test.Client, logged in, after a warm-up, exactly as bench/pages.py
does, beside the same bare view. A page that does not answer 200 (the tend page being built,
say) is reported as such and the run goes on.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import _corpus, pages  # noqa: E402

SQLITE_NAME = "tend.sqlite3"
DATABASE = "entregent_bench_tend"
TARGET_P95_MS = 100.0
CODE = ("entregent/goals", "entregent/lib/svg.py", "templates/goals")
# Per contact, over the past year: about one outcome for every three contacts.
OUTCOMES_PER_CONTACT = 0.3
OBJECTIVES = 12


@dataclass
class Extras:
    """What was added to the network for these pages, and how long it took."""

    outcomes: int
    objectives: int
    snapshots: int
    backfill_seconds: float


def main(argv: list[str] | None = None) -> int:
    args = pages.page_parser(
        __doc__, "1000,10000", "Contacts per member, comma-separated"
    ).parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    extras: list[Any] = []

    def measured() -> list[pages.SizeResult]:
        results, found = run(sizes, args.requests, args.warmup)
        extras.extend(found)
        return results

    return pages.run_page_benchmark(
        args,
        name="tend",
        sqlite_name=SQLITE_NAME,
        database=DATABASE,
        code=CODE,
        targets={"p95_ms": TARGET_P95_MS, "queries": "the same at every size"},
        run=measured,
        sizes_json=lambda results: [
            {**asdict(result), "extras": asdict(extra)}
            for result, extra in zip(results, extras, strict=True)
        ],
    )


# Set-up ------------------------------------------------------------------------------------


def add_goals(user: Any, contacts: int, today: dt.date, seed: str) -> Extras:
    """Objectives (some open with contacts, some reached), outcomes spread over the past year,
    and a year of daily snapshots, as a member who has tended the network for a year has."""
    from django.db import transaction

    from entregent.goals.models import HealthSnapshot, Objective, Outcome
    from entregent.goals.snapshots import backfill_snapshots
    from entregent.network.models import Contact

    rng = random.Random(seed)
    ids = list(Contact.objects.owned_by(user).values_list("pk", flat=True))
    kinds = [
        (Outcome.Kind.NEW_CONTACT, 30),
        (Outcome.Kind.REACTIVATION, 20),
        (Outcome.Kind.MEETING, 25),
        (Outcome.Kind.PARTNERSHIP, 3),
        (Outcome.Kind.LEAD_JOB, 4),
        (Outcome.Kind.LEAD_CLIENT, 6),
        (Outcome.Kind.LEAD_SUPPLIER, 3),
        (Outcome.Kind.INTRODUCTION, 6),
        (Outcome.Kind.OTHER, 3),
    ]
    with transaction.atomic():
        # The network's writes recorded none (bulk inserts send no signals): these stand in.
        Outcome.objects.filter(owner=user).delete()
        objectives = []
        for n in range(OBJECTIVES):
            reached = n % 3 == 0
            objective = Objective.objects.create(
                owner=user,
                kind=rng.choice(Objective.Kind.values),
                title=f"Objective {n}",
                status=Objective.Status.REACHED if reached else Objective.Status.OPEN,
                closed_on=today - dt.timedelta(days=rng.randrange(365)) if reached else None,
            )
            objective.contacts.set(rng.sample(ids, min(5, len(ids))))
            objectives.append(objective)
        outcomes = Outcome.objects.bulk_create(
            [
                Outcome(
                    owner=user,
                    kind=rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0],
                    occurred_on=today - dt.timedelta(days=rng.randrange(365)),
                    objective=rng.choice(objectives) if rng.random() < 0.2 else None,
                )
                for _ in range(int(contacts * OUTCOMES_PER_CONTACT))
            ],
            batch_size=2000,
        )
        Outcome.contacts.through.objects.bulk_create(
            [
                Outcome.contacts.through(outcome_id=outcome.pk, contact_id=rng.choice(ids))
                for outcome in outcomes
            ],
            batch_size=2000,
        )
    started = time.perf_counter()
    backfill_snapshots(user, today - dt.timedelta(days=365), today)
    seconds = time.perf_counter() - started
    return Extras(
        outcomes=len(outcomes),
        objectives=len(objectives),
        snapshots=HealthSnapshot.objects.filter(owner=user).count(),
        backfill_seconds=round(seconds, 2),
    )


# Measurement -------------------------------------------------------------------------------


def pages_for(today: dt.date) -> list[pages.Page]:
    from django.urls import reverse

    report = reverse("goals:report")
    year_ago = today - dt.timedelta(days=364)
    return [
        pages.Page("bare view", [reverse("bench-bare")]),
        pages.Page("tend page", [reverse("goals:tend")]),
        pages.Page("report, this month", [report]),
        pages.Page("report, this quarter", [f"{report}?period=quarter"]),
        pages.Page(
            "report, last 12 months (custom)",
            [f"{report}?start={year_ago.isoformat()}&end={today.isoformat()}"],
        ),
        pages.Page(
            "report as CSV, this quarter", [f"{reverse('goals:report-csv')}?period=quarter"]
        ),
    ]


def measure(client: Any, page: pages.Page, requests: int, warmup: int) -> None:
    """bench/pages.py's measurement, except that a page that does not answer 200 is recorded
    as failed rather than ending the run."""
    status = client.get(page.paths[0]).status_code
    if status != 200:
        page.status, page.passed = status, False
        page.hint = [f"{page.paths[0]} answered {status}: not measured"]
        return
    pages.measure(client, page, requests, warmup)


def run(
    sizes: list[int], requests: int, warmup: int
) -> tuple[list[pages.SizeResult], list[Extras]]:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from entregent.network.models import Interaction

    where = connection.settings_dict["NAME"]
    print(f"Database: {connection.vendor} ({pages.display_path(Path(str(where)))})")
    print(f"Code: {_corpus.engine_commit(*CODE)}")
    print(f"{requests} timed requests per page after {warmup} warm-up requests.")
    print(f"Target for every page: p95 <= {TARGET_P95_MS:g} ms, queries the same at every size.")
    today = timezone.localdate()
    results, extras = [], []
    for contacts in sizes:
        user, seconds = pages.fill(contacts)
        extra = add_goals(user, contacts, today, seed=f"tend:{contacts}")
        pages.analyse()
        interactions = Interaction.objects.owned_by(user).count()
        client = Client()
        client.force_login(user)
        measured = pages_for(today)
        for page in measured:
            measure(client, page, requests, warmup)
        # A month with no snapshot yet (the 1st before a quarter past midnight, a scheduler
        # that has not run) has its health computed live, from every contact: measured last,
        # once this month's snapshots are gone.
        from entregent.goals.models import HealthSnapshot

        HealthSnapshot.objects.filter(owner=user, taken_on__gte=today.replace(day=1)).delete()
        early = pages.Page("report, this month, health live", [reverse("goals:report")])
        measure(client, early, requests, warmup)
        measured.append(early)
        bare = measured[0]
        for page in measured:
            if page.status != 200:
                continue
            page.ratio_p50 = round(page.p50_ms / bare.p50_ms, 1)
            page.ratio_p95 = round(page.p95_ms / bare.p95_ms, 1)
            page.passed = page.p95_ms <= TARGET_P95_MS
        results.append(pages.SizeResult(contacts, interactions, round(seconds, 1), measured))
        extras.append(extra)
        print_table(results[-1], extra)
    pages.check_constant_queries(results)
    return results, extras


# Report ------------------------------------------------------------------------------------


def print_table(result: pages.SizeResult, extra: Extras) -> None:
    print(
        f"\n{result.contacts:,} contacts, {result.interactions:,} interactions, "
        f"{extra.outcomes:,} outcomes, {extra.objectives} objectives, {extra.snapshots} daily "
        f"snapshots (filled in {result.fill_seconds:.1f} s; a year of snapshots backfilled "
        f"in {extra.backfill_seconds:.1f} s)"
    )
    header = (
        f"{'page':<38} {'p50 ms':>7} {'p95 ms':>7} {'cpu p50':>7} {'x bare':>11} "
        f"{'queries':>7} {'KB':>5}  result"
    )
    print(header)
    print("-" * len(header))
    for page in result.pages:
        if page.status != 200:
            print(f"{page.name:<38} answered {page.status}: not measured  FAIL")
            continue
        ratios = f"{page.ratio_p50:g}/{page.ratio_p95:g}"
        verdict = "PASS" if page.passed else "FAIL"
        print(
            f"{page.name:<38} {page.p50_ms:>7.1f} {page.p95_ms:>7.1f} {page.cpu_p50_ms:>7.1f} "
            f"{ratios:>11} {page.queries:>7} {page.bytes / 1024:>5.0f}  {verdict}"
        )
    for page in result.pages:
        if not page.passed:
            print(f"\n  {page.name} ({page.paths[0]}) misses the target; where the time goes:")
            for line in page.hint:
                print(f"    {line}")


if __name__ == "__main__":
    sys.exit(main())
