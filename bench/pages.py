"""How long the network pages take on the server, and how many queries they run, at 100 and at
10,000 contacts (with five interactions per contact).

Run by `make bench`; informational (exit code 0) unless --strict. See docs/benchmarks.md.

Each size gets its own member in a database created for the run (var/bench/pages.sqlite3, or
the database entregent_bench beside the one DATABASE_URL names), filled with the demo's network
planner and bulk inserts. Pages are requested through django.test.Client, logged in, after a
warm-up; the time measured is the whole request through the middleware, the view and the
template, as a WSGI server would see it minus the network. A bare view answering "ok" through
the same stack is the floor every page is compared with.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
BENCH_DATABASE = "entregent_bench"

TARGET_P95_MS = 30.0
TARGET_QUERIES = 10


@dataclass
class Page:
    name: str
    paths: list[str]
    # What the measurement found.
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    mean_ms: float = 0.0
    # CPU time of the benchmark's thread: steadier than wall time on a busy machine, but it
    # leaves out the PostgreSQL server's own work.
    cpu_p50_ms: float = 0.0
    cpu_p95_ms: float = 0.0
    queries: int = 0
    status: int = 0
    bytes: int = 0
    ratio_p50: float = 0.0
    ratio_p95: float = 0.0
    passed: bool = True
    hint: list[str] = field(default_factory=list)


@dataclass
class SizeResult:
    contacts: int
    interactions: int
    fill_seconds: float
    pages: list[Page]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument(
        "--sizes",
        default="100,10000",
        help="Contacts per member, comma-separated (default 100,10000).",
    )
    parser.add_argument(
        "--requests", type=int, default=200, help="Timed requests per page (default 200)."
    )
    parser.add_argument(
        "--warmup", type=int, default=20, help="Untimed requests per page first (default 20)."
    )
    parser.add_argument(
        "--strict", action="store_true", help="Exit with status 1 if a page misses its target."
    )
    parser.add_argument(
        "--keep", action="store_true", help="Keep the PostgreSQL benchmark database afterwards."
    )
    parser.add_argument(
        "--output", default=str(BENCH_DIR / "pages.json"), help="Where to write the JSON."
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    load_before = os.getloadavg()[0]
    postgres_url = prepare_database()
    try:
        results = run(sizes, args.requests, args.warmup)
    finally:
        if postgres_url:
            drop_postgres_database(postgres_url, keep=args.keep)

    from django.db import connection

    report = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": {"before": load_before, "after": os.getloadavg()[0]},
        "requests": args.requests,
        "warmup": args.warmup,
        "targets": {"p95_ms": TARGET_P95_MS, "queries": TARGET_QUERIES},
        "sizes": [asdict(r) for r in results],
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nResults written to {display_path(output)}")

    failed = [p for r in results for p in r.pages if not p.passed]
    return 1 if failed and args.strict else 0


# Set-up ------------------------------------------------------------------------------------


def prepare_database(
    sqlite_name: str = "pages.sqlite3", database: str = BENCH_DATABASE
) -> str | None:
    """Point the settings at a fresh benchmark database; returns the PostgreSQL server URL.

    Other benchmarks pass their own file and database names, so that they can run beside this one.
    """
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    (BENCH_DIR / "static").mkdir(parents=True, exist_ok=True)
    url = os.environ.get("DATABASE_URL", "")
    if url:
        create_postgres_database(url, database)
        os.environ["DATABASE_URL"] = with_database(url, database)
    else:
        path = BENCH_DIR / sqlite_name
        for stale in (
            path,
            path.with_name(path.name + "-wal"),
            path.with_name(path.name + "-shm"),
        ):
            stale.unlink(missing_ok=True)
        os.environ["SQLITE_PATH"] = str(path)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    return url or None


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def create_postgres_database(url: str, database: str = BENCH_DATABASE) -> None:
    import psycopg

    # The server's maintenance connection: the database DATABASE_URL names may be in use.
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{database}"')


def drop_postgres_database(url: str, keep: bool, database: str = BENCH_DATABASE) -> None:
    from django.db import connections

    connections.close_all()
    if keep:
        print(f"Kept the database {database}.")
        return
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def fill(contacts: int) -> tuple[Any, float]:
    """A member with ``contacts`` contacts and five interactions each, tags and contact points."""
    from django.db import transaction

    from entregent.accounts.models import User
    from entregent.demo import words_fr
    from entregent.demo.loader import write_network
    from entregent.demo.networks import plan_network, resize_interactions

    started = time.perf_counter()
    user = User.objects.create_user(f"bench-{contacts}@bench.entregent.org", None)
    seed = f"bench:{contacts}"
    plan = plan_network(words_fr.VOCABULARY, size=contacts, today=dt.date.today(), seed=seed)
    resize_interactions(plan, words_fr.VOCABULARY, 5 * contacts, seed)
    with transaction.atomic():
        write_network(user, plan, batch_size=2000)
    analyse()
    return user, time.perf_counter() - started


def analyse() -> None:
    """Fresh planner statistics and, on PostgreSQL, a vacuumed heap, as a database that has
    lived a while would have: autovacuum does both after bulk writes. Without the vacuum,
    the rows a benchmark just wrote have no visibility map and every index scan checks the
    heap (a filtered search took 30 ms instead of 7 at 10,000 contacts)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# Measurement -------------------------------------------------------------------------------


def pages_for(user: Any, contacts: int) -> list[Page]:
    from django.db.models import Count
    from django.urls import reverse

    from entregent.network import views
    from entregent.network.models import Contact

    listing = reverse("network:contact-list")
    per_page = getattr(views, "CONTACTS_PER_PAGE", 50)
    active = Contact.objects.owned_by(user).active().count()
    middle = max(1, math.ceil(active / per_page) // 2)
    busiest = (
        Contact.objects.owned_by(user)
        .annotate(n=Count("interactions"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)[:10]
    )
    details = [reverse("network:contact-detail", args=[pk]) for pk in busiest]
    return [
        Page("bare view", [reverse("bench-bare")]),
        Page("contact list", [listing]),
        Page("contact list, longest unseen first", [f"{listing}?sort=last"]),
        Page("contact list, due", [f"{listing}?status=due"]),
        Page(f"contact list, page {middle}", [f"{listing}?page={middle}"]),
        Page("contact detail, busiest contacts", details),
    ]


def measure(client: Any, page: Page, requests: int, warmup: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    paths = page.paths
    for n in range(warmup):
        response = client.get(paths[n % len(paths)])
        if response.status_code != 200:
            raise SystemExit(f"{paths[n % len(paths)]} answered {response.status_code}")
    timings, cpu_timings = [], []
    for n in range(requests):
        path = paths[n % len(paths)]
        started, cpu_started = time.perf_counter(), time.thread_time()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        cpu_timings.append((time.thread_time() - cpu_started) * 1000)
    page.p50_ms, page.p95_ms = percentiles(timings)
    page.cpu_p50_ms, page.cpu_p95_ms = percentiles(cpu_timings)
    page.mean_ms = round(statistics.fmean(timings), 2)

    # One more request, counted: CaptureQueriesContext for the queries, and a wrapper of our
    # own for their durations (the captured ones are rounded to the millisecond).
    timer = QueryTimer()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
        started = time.perf_counter()
        response = client.get(paths[0])
        total_ms = (time.perf_counter() - started) * 1000
    page.queries = len(captured.captured_queries)
    page.status = response.status_code
    page.bytes = len(response.content)
    page.hint = timer.hint(total_ms) + profile(client, paths)


def percentiles(timings: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return round(cuts[49], 2), round(cuts[94], 2)


class QueryTimer:
    def __init__(self) -> None:
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - started) * 1000, sql))

    def hint(self, total_ms: float) -> list[str]:
        """Where SQL time goes: its share, repeated query shapes (an N+1), the slowest ones."""
        sql_ms = sum(ms for ms, _ in self.queries)
        lines = [f"SQL: {sql_ms:.1f} ms in {len(self.queries)} queries, of {total_ms:.1f} ms"]
        shapes = Counter(re.sub(r"\b\d+\b|'[^']*'|%s", "?", sql) for _, sql in self.queries)
        lines += [f"repeated {n}x: {shape[:150]}" for shape, n in shapes.most_common(3) if n > 1]
        for ms, sql in sorted(self.queries, reverse=True)[:3]:
            lines.append(f"{ms:.2f} ms: {sql[:150]}")
        return lines


# Where Python time goes, by the package that spends it. Time spent in builtins and the
# standard library is charged to the package that called them.
AREAS = (
    ("django/template", "templates"),
    ("templatetags", "templates"),
    ("django/utils/dateformat", "templates"),
    ("django/utils/formats", "templates"),
    ("django/db", "ORM"),
    ("sqlite3", "database driver"),
    ("psycopg", "database driver"),
    ("django/utils/translation", "translation"),
    ("django/contrib/sessions", "sessions and auth"),
    ("django/contrib/auth", "sessions and auth"),
    ("allauth", "sessions and auth"),
    ("django/forms", "forms"),
    ("markdown", "markdown"),
    ("entregent", "entregent code"),
    ("django", "other Django"),
)
# Cumulative time of a few functions that every page goes through.
STAGES = (
    ("django/template/backends/django.py", "render", "template rendering"),
    ("django/db/models/sql/compiler.py", "execute_sql", "queries (ORM and SQL)"),
)
Entry = tuple[str, int, str]


def area_of(filename: str) -> str | None:
    return next((name for marker, name in AREAS if marker in filename), None)


def profile(client: Any, paths: list[str], requests: int = 10) -> list[str]:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for n in range(requests):
        client.get(paths[n % len(paths)])
    profiler.disable()
    entries: dict[Entry, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    by_area: Counter[str] = Counter()
    by_function: Counter[str] = Counter()
    total = 0.0
    for (filename, line, function), (_cc, _nc, own, _cum, callers) in entries.items():
        total += own
        area = area_of(filename)
        if area is None:
            for (caller_file, _line, _function), edge in callers.items():
                by_area[area_of(caller_file) or "standard library"] += edge[2]
            continue
        by_area[area] += own
        by_function[f"{function} ({short(filename)}:{line})"] += own
    total = total or 1.0
    stages = []
    for suffix, function, name in STAGES:
        cumulative = sum(
            stats[3]
            for (filename, _line, func), stats in entries.items()
            if filename.endswith(suffix) and func == function
        )
        stages.append(f"{name} {cumulative / total:.0%}")
    shares = ", ".join(f"{area} {t / total:.0%}" for area, t in by_area.most_common(5))
    top = "; ".join(f"{name} {t / total:.0%}" for name, t in by_function.most_common(4))
    return [
        f"Python time: {', '.join(stages)}",
        f"by package: {shares}",
        f"busiest functions (own time): {top}",
    ]


def short(filename: str) -> str:
    for marker in ("site-packages/", "/work/", str(ROOT) + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def run(sizes: list[int], requests: int, warmup: int) -> list[SizeResult]:
    from django.db import connection
    from django.test import Client

    where = connection.settings_dict["NAME"]
    print(f"Database: {connection.vendor} ({display_path(Path(str(where)))})")
    warn_if_busy()
    print(f"{requests} timed requests per page after {warmup} warm-up requests.")
    print(
        f"Target for every page: p95 <= {TARGET_P95_MS:g} ms and <= {TARGET_QUERIES} queries, "
        "the same at every size."
    )
    results = []
    for contacts in sizes:
        user, seconds = fill(contacts)
        from entregent.network.models import Interaction

        interactions = Interaction.objects.owned_by(user).count()
        client = Client()
        client.force_login(user)
        pages = pages_for(user, contacts)
        for page in pages:
            measure(client, page, requests, warmup)
        bare = pages[0]
        for page in pages:
            page.ratio_p50 = round(page.p50_ms / bare.p50_ms, 1)
            page.ratio_p95 = round(page.p95_ms / bare.p95_ms, 1)
            page.passed = page.p95_ms <= TARGET_P95_MS and page.queries <= TARGET_QUERIES
        results.append(SizeResult(contacts, interactions, round(seconds, 1), pages))
        print_table(results[-1])
    check_constant_queries(results)
    return results


# Report ------------------------------------------------------------------------------------


def warn_if_busy() -> float:
    """Other processes competing for the CPU inflate wall times, the p95 most of all."""
    load = os.getloadavg()[0]
    cpus = os.cpu_count() or 1
    print(f"Load average {load:.1f} on {cpus} CPUs.")
    if load > cpus * 0.75:
        print(
            "WARNING: the machine is busy; wall times (p50, p95) are inflated. "
            "The CPU column is steadier; rerun on a quiet machine for figures to quote."
        )
    return load


def print_table(result: SizeResult) -> None:
    print(
        f"\n{result.contacts:,} contacts, {result.interactions:,} interactions "
        f"(filled in {result.fill_seconds:.1f} s)"
    )
    header = (
        f"{'page':<38} {'p50 ms':>7} {'p95 ms':>7} {'cpu p50':>7} {'x bare':>11} "
        f"{'queries':>7} {'target':>18}  result"
    )
    print(header)
    print("-" * len(header))
    target = f"p95<={TARGET_P95_MS:g}ms, <={TARGET_QUERIES}q"
    for page in result.pages:
        ratios = f"{page.ratio_p50:g}/{page.ratio_p95:g}"
        verdict = "PASS" if page.passed else "FAIL"
        print(
            f"{page.name:<38} {page.p50_ms:>7.1f} {page.p95_ms:>7.1f} {page.cpu_p50_ms:>7.1f} "
            f"{ratios:>11} {page.queries:>7} {target:>18}  {verdict}"
        )
    for page in result.pages:
        if not page.passed:
            print(f"\n  {page.name} ({page.paths[0]}) misses the target; where the time goes:")
            for line in page.hint:
                print(f"    {line}")


def check_constant_queries(results: list[SizeResult]) -> None:
    """A page whose query count grows with the network has an N+1 somewhere."""
    if len(results) < 2:
        return
    print()
    for position, page in enumerate(results[0].pages):
        counts = [r.pages[position].queries for r in results]
        if len(set(counts)) > 1:
            for r in results:
                r.pages[position].passed = False
            sizes = ", ".join(
                f"{c} at {r.contacts:,}" for c, r in zip(counts, results, strict=True)
            )
            print(f"FAIL {page.name}: query count changes with the network size ({sizes})")
    if all(len({r.pages[i].queries for r in results}) == 1 for i in range(len(results[0].pages))):
        print("Query counts are the same at every size.")


def report_header(vendor: str, load_before: float, commit: str) -> dict[str, Any]:
    """What every benchmark's JSON report starts with: when, where, on what code and machine."""
    return {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": vendor,
        "engine_commit": commit,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": {"before": load_before, "after": os.getloadavg()[0]},
    }


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())


# The page benchmarks of the other modules (tend, method, synthesis, results) share their
# command line and their run: a database made for the run, pages timed at each size, a JSON
# report, exit status 1 under --strict when a page misses its target.


def page_parser(
    doc: str | None, sizes: str, sizes_help: str, requests: int = 100, warmup: int = 10
) -> argparse.ArgumentParser:
    """The command line every page benchmark takes; ``sizes`` is the default of --sizes."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("--sizes", default=sizes, help=f"{sizes_help} (default {sizes}).")
    parser.add_argument(
        "--requests",
        type=int,
        default=requests,
        help=f"Timed requests per page (default {requests}).",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=warmup,
        help=f"Untimed requests per page first (default {warmup}).",
    )
    parser.add_argument(
        "--strict", action="store_true", help="Exit with status 1 if a page misses its target."
    )
    parser.add_argument(
        "--keep", action="store_true", help="Keep the PostgreSQL benchmark database afterwards."
    )
    parser.add_argument("--output", help="JSON output (default var/bench/<name>-<database>.json).")
    return parser


def run_page_benchmark(
    args: argparse.Namespace,
    *,
    name: str,
    sqlite_name: str,
    database: str,
    code: tuple[str, ...],
    targets: dict[str, Any],
    run: Any,
    sizes_json: Any = None,
) -> int:
    """Run ``run()`` (answering results that each have ``pages``) in a database made for
    it, write the report to var/bench/<name>-<database>.json, and answer the exit status."""
    from bench import _corpus

    load_before = warn_if_busy()
    postgres_url = prepare_database(sqlite_name, database)
    from django.db import connection

    vendor = connection.vendor
    try:
        results = run()
    finally:
        if postgres_url:
            drop_postgres_database(postgres_url, keep=args.keep, database=database)
    report = {
        **report_header(vendor, load_before, _corpus.engine_commit(*code)),
        "requests": args.requests,
        "warmup": args.warmup,
        "targets": targets,
        "sizes": sizes_json(results) if sizes_json else [asdict(r) for r in results],
    }
    output = Path(args.output or BENCH_DIR / f"{name}-{vendor}.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nResults written to {display_path(output)}")
    failed = [p for r in results for p in r.pages if not p.passed]
    return 1 if failed and args.strict else 0


def passed_or_failed(page: Page) -> str:
    return "PASS" if page.passed else "FAIL"


def print_pages(
    rows: list[Page],
    *,
    shown: dict[str, int] | None = None,
    verdict: Any = passed_or_failed,
    width: int = 38,
) -> None:
    """The timed pages of one size as a table (with a "shown" column when given: how many
    items each page showed), then where the time goes for each page that misses its target."""
    shown_header = "" if shown is None else f" {'shown':>5}"
    header = (
        f"{'page':<{width}} {'p50 ms':>7} {'p95 ms':>7} {'cpu p50':>7} {'cpu p95':>7} "
        f"{'x bare':>11} {'queries':>7} {'KB':>5}{shown_header}  result"
    )
    print(header)
    print("-" * len(header))
    for page in rows:
        if page.status != 200:
            print(f"{page.name:<{width}} answered {page.status}: not measured  FAIL")
            continue
        ratios = f"{page.ratio_p50:g}/{page.ratio_p95:g}"
        column = "" if shown is None else f" {shown.get(page.name, '')!s:>5}"
        print(
            f"{page.name:<{width}} {page.p50_ms:>7.1f} {page.p95_ms:>7.1f} "
            f"{page.cpu_p50_ms:>7.1f} {page.cpu_p95_ms:>7.1f} {ratios:>11} {page.queries:>7} "
            f"{page.bytes / 1024:>5.0f}{column}  {verdict(page)}"
        )
    for page in rows:
        if not page.passed:
            print(f"\n  {page.name} ({page.paths[0]}) misses the target; where the time goes:")
            for line in page.hint:
                print(f"    {line}")


def compare_sizes(
    sizes: list[list[Page]],
    *,
    verdict: Any = passed_or_failed,
    held: Any = lambda page: True,
    width: int = 38,
) -> None:
    """Each page of the largest size against the baseline (the first): how its time grows,
    and whether its query count does (a count that grows with the data is a query per item
    somewhere). A page ``held`` to constant queries fails at every size when its count grows."""
    base, largest = sizes[0], sizes[-1]
    for position, page in enumerate(largest):
        counts = [rows[position].queries for rows in sizes]
        if {rows[position].status for rows in sizes} != {200}:
            print(f"  {page.name:<{width}} not measured at every size")
            continue
        first = base[position]
        same = len(set(counts)) == 1
        if not same and held(page):
            for rows in sizes:
                rows[position].passed = False
        times = f"p50 {page.p50_ms / first.p50_ms:.1f}x, p95 {page.p95_ms / first.p95_ms:.1f}x"
        queries = "same queries" if same else "QUERIES GROW " + " -> ".join(map(str, counts))
        print(f"  {page.name:<{width}} {times:<24} {queries:<18} {verdict(page)}")
