"""How fast "Ask my network" answers: p50 and p95 of ``search(user, q, limit=20)`` for one member
with 10,000 and 100,000 contacts (five interactions each), against a naive ``icontains`` search,
and what building the search documents costs.

Run by `make bench-search`; informational (exit code 0) unless --strict. See
docs/benchmarks.md.

Each size gets its own member in a database created for the run (var/bench/search.sqlite3, or
the database entregent_bench_search beside the one DATABASE_URL names). Contacts are written
with ``bulk_create`` (timed), then indexed with ``reindex_contacts`` (timed). Fifty queries of
every kind (words, pairs, typos, prefixes, thesaurus terms, names, no match, filters) are run
after a warm-up, several times; a query that takes longer than --timeout is stopped and counted
at the timeout. The plan of a typical candidate query is printed, to check that the full-text
index drives it.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import pstats
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import _corpus, pages  # noqa: E402

SQLITE_NAME = "search.sqlite3"
DATABASE = "entregent_bench_search"
LIMIT = 20
MILLION_MEMBERS = 100
MILLION_PER_MEMBER = 10_000

# p95 targets in ms, by database and size ("million": one member among 1,000,000 contacts).
TARGETS_P95: dict[str, dict[int | str, float]] = {
    "sqlite": {10_000: 20.0, 100_000: 100.0},
    "postgresql": {10_000: 30.0, 100_000: 150.0, "million": 50.0},
}
TARGET_SPEEDUP = 10.0  # against the naive baseline's p50, at 100,000 contacts
TARGET_INDEX_RATIO = 2.0  # (insert + index) / insert

# Fifty queries, by kind. Occupations come from ESCO labels, in both languages, as the corpus.
QUERIES: tuple[tuple[str, str], ...] = (
    ("word", "technicien"),
    ("word", "ingénieur"),
    ("word", "manager"),
    ("word", "engineer"),
    ("word", "designer"),
    ("word", "conseiller"),
    ("word", "operator"),
    ("word", "responsable"),
    ("two words", "technicien maintenance"),
    ("two words", "chef projet"),
    ("two words", "sales manager"),
    ("two words", "ingénieur logiciel"),
    ("two words", "machine operator"),
    ("two words", "conseiller clientèle"),
    ("typo", "techncien"),
    ("typo", "ingénieru"),
    ("typo", "mangaer"),
    ("typo", "enginer"),
    ("typo", "desginer"),
    ("typo", "conseiler"),
    ("prefix", "tech"),
    ("prefix", "ing"),
    ("prefix", "mana"),
    ("prefix", "dévelop"),
    ("prefix", "cons"),
    ("thesaurus", "graphiste"),
    ("thesaurus", "développeur web"),
    ("thesaurus", "comptable"),
    ("thesaurus", "infirmière"),
    ("thesaurus", "software developer"),
    ("thesaurus", "nurse"),
    ("thesaurus", "avocat"),
    ("name", "Hélène"),
    ("name", "Nguyen"),
    ("name", "Müller"),
    ("interaction", "salon"),
    ("interaction", "newsletter"),
    ("interaction", "funding round"),
    ("no match", "zzyzx"),
    ("no match", "xylophoniste quantique"),
    ("no match", "qwertyuiop asdfgh"),
    ("filter", "tag:clients"),
    ("filter", "tag:clients ingénieur"),
    ("filter", "is:due"),
    ("filter", "is:dormant technicien"),
    ("filter", "org:Acme"),
    ("filter", "strength:5 manager"),
    ("filter", "tag:prospects designer"),
    ("long", "freelance graphic designer based in Lyon"),
    ("long", "responsable marketing chez Acme à Paris"),
)


class QueryTimeout(Exception):
    pass


@dataclass
class Latency:
    name: str
    samples: int = 0
    timeouts: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    cpu_p50_ms: float = 0.0
    passes: int = 0
    by_query_ms: dict[str, float] = field(default_factory=dict)  # median per query
    by_kind_p50_ms: dict[str, float] = field(default_factory=dict)


@dataclass
class SizeResult:
    label: str
    contacts: int  # of the measured member
    interactions: int
    total_contacts: int  # in the database
    generate_s: float
    insert_s: float
    index_s: float
    index_ratio: float  # (insert + index) / insert
    systems: dict[str, Latency] = field(default_factory=dict)
    results: dict[str, int] = field(default_factory=dict)  # hits per query (engine)
    plan: list[str] = field(default_factory=list)
    phases: dict[str, Any] = field(default_factory=dict)
    verdicts: dict[str, str] = field(default_factory=dict)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="10000,100000", help="Contacts of the member (10000,100000)."
    )
    parser.add_argument("--reps", type=int, default=5, help="Timed passes over the queries (5).")
    parser.add_argument(
        "--baseline-reps", type=int, default=2, help="Timed passes for the naive baseline (2)."
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=120.0,
        help="Seconds of timed passes per line and size; at least one pass (120).",
    )
    parser.add_argument(
        "--timeout", type=float, default=5.0, help="Seconds after which a query is stopped (5)."
    )
    parser.add_argument(
        "--pg-million",
        action="store_true",
        help=f"PostgreSQL only: {MILLION_MEMBERS * MILLION_PER_MEMBER:,} contacts over "
        f"{MILLION_MEMBERS} members, one member's queries measured (instead of --sizes).",
    )
    parser.add_argument(
        "--strict", action="store_true", help="Exit with status 1 if a target is missed."
    )
    parser.add_argument(
        "--keep", action="store_true", help="Keep the PostgreSQL benchmark database afterwards."
    )
    parser.add_argument("--output", help="JSON output (var/bench/search-<database>.json).")
    parser.add_argument(
        "--write-occupations",
        action="store_true",
        help="Regenerate bench/data/occupations.txt from --esco and stop.",
    )
    parser.add_argument("--esco", type=Path, default=_corpus.DEFAULT_ESCO, help="ESCO CSV folder.")
    args = parser.parse_args(argv)
    if args.write_occupations:
        _corpus.write_occupations(args.esco)
        print(f"Wrote {pages.display_path(_corpus.OCCUPATIONS_FILE)}")
        return 0
    if args.pg_million and not os.environ.get("DATABASE_URL"):
        print("--pg-million needs PostgreSQL: set DATABASE_URL.", file=sys.stderr)
        return 2
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    load_before = os.getloadavg()[0]
    postgres_url = pages.prepare_database(SQLITE_NAME, DATABASE)
    from django.db import connection

    try:
        results = run(args, sizes)
    finally:
        vendor = connection.vendor
        if postgres_url:
            pages.drop_postgres_database(postgres_url, keep=args.keep, database=DATABASE)

    report = {
        **pages.report_header(vendor, load_before, _corpus.engine_commit()),
        "reps": args.reps,
        "timeout_s": args.timeout,
        "queries": [{"kind": kind, "text": text} for kind, text in QUERIES],
        "targets": {
            "p95_ms": {str(k): v for k, v in TARGETS_P95[vendor].items()},
            "speedup_vs_naive_p50_at_100000": TARGET_SPEEDUP,
            "insert_plus_index_over_insert": TARGET_INDEX_RATIO,
        },
        "sizes": [asdict(r) for r in results],
    }
    suffix = "-million" if args.pg_million else ""
    output = Path(args.output or pages.BENCH_DIR / f"search-{vendor}{suffix}.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nResults written to {pages.display_path(output)}")
    failed = [v for r in results for v in r.verdicts.values() if v.startswith("FAIL")]
    return 1 if failed and args.strict else 0


# Filling -------------------------------------------------------------------------------------


def generate(contacts: int, seed: str) -> list[_corpus.ContactSpec]:
    writer = _corpus.Writer(seed)
    occupations = _corpus.read_occupations()
    rng = writer.rng
    specs = []
    for _ in range(contacts):
        lang = "fr" if rng.random() < 0.5 else "en"
        specs.append(writer.contact(rng.choice(occupations[lang]), lang))
    return specs


def fill(email: str, contacts: int, seed: str) -> tuple[Any, list[int], dict[str, float]]:
    from entregent.accounts.models import User
    from entregent.lib.thesaurus import default_thesaurus
    from entregent.network.search import reindex_contacts

    clock = time.perf_counter()
    specs = generate(contacts, seed)
    generate_s = time.perf_counter() - clock
    user = User.objects.create_user(email, None)
    clock = time.perf_counter()
    ids = _corpus.insert(user, specs)
    insert_s = time.perf_counter() - clock
    # The thesaurus is read once per process (about a second), before the first document is
    # built: a web or worker process has it already. Timed apart, so that the first size's
    # index cost is the cost of keeping the index, not the process's start-up.
    clock = time.perf_counter()
    default_thesaurus()
    thesaurus_s = time.perf_counter() - clock
    clock = time.perf_counter()
    reindex_contacts(ids)
    index_s = time.perf_counter() - clock
    return (
        user,
        ids,
        {"generate": generate_s, "insert": insert_s, "index": index_s, "thesaurus": thesaurus_s},
    )


# Timing --------------------------------------------------------------------------------------


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Stop any SQL statement still running after ``seconds``: SQLite's progress handler, or
    PostgreSQL's statement_timeout. The stopped query raises QueryTimeout."""
    from django.db import OperationalError, connection

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        limit = time.perf_counter() + seconds
        raw = connection.connection
        raw.set_progress_handler(lambda: 1 if time.perf_counter() > limit else 0, 20_000)
        try:
            yield
        except OperationalError as error:
            raise QueryTimeout(str(error)) from error
        finally:
            raw.set_progress_handler(None, 0)
    else:
        # statement_timeout is set once around the timed passes (``statement_timeouts``):
        # setting and resetting it around each query added two round trips to each.
        try:
            yield
        except OperationalError as error:
            if "statement timeout" not in str(error):
                raise
            raise QueryTimeout(str(error)) from error


@contextlib.contextmanager
def statement_timeouts(seconds: float) -> Iterator[None]:
    """PostgreSQL: every statement stopped after ``seconds`` for the duration (see deadline)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = %s", [int(seconds * 1000)])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")


Runner = Callable[[Any, str], int]


def engine_runner(user: Any, text: str) -> int:
    from entregent.network.search import search

    return len(search(user, text, limit=LIMIT).hits)


def naive_runner(user: Any, text: str) -> int:
    return len(_corpus.naive_search(user, text, LIMIT))


def measure(
    name: str, user: Any, runner: Runner, reps: int, budget: float, timeout: float
) -> Latency:
    """Warm-up pass, then timed passes until ``reps`` or the budget is spent (at least one)."""
    with statement_timeouts(timeout):
        return _measure(name, user, runner, reps, budget, timeout)


def _measure(
    name: str, user: Any, runner: Runner, reps: int, budget: float, timeout: float
) -> Latency:
    result = Latency(name)
    timeout_ms = timeout * 1000
    started = time.perf_counter()
    for _, text in QUERIES:  # warm-up: the vocabulary, the thesaurus, the page cache
        with contextlib.suppress(QueryTimeout), deadline(timeout):
            runner(user, text)
        if time.perf_counter() - started > budget / 2:
            break  # a slow line: its timed pass will warm the rest
    per_query: dict[str, list[float]] = defaultdict(list)
    wall: list[float] = []
    cpu: list[float] = []
    started = time.perf_counter()
    for _ in range(reps):
        for _, text in QUERIES:
            clock, cpu_clock = time.perf_counter(), time.thread_time()
            try:
                with deadline(timeout):
                    runner(user, text)
                elapsed = (time.perf_counter() - clock) * 1000
            except QueryTimeout:
                result.timeouts += 1
                elapsed = max(timeout_ms, (time.perf_counter() - clock) * 1000)
            wall.append(elapsed)
            cpu.append((time.thread_time() - cpu_clock) * 1000)
            per_query[text].append(elapsed)
        result.passes += 1
        if time.perf_counter() - started > budget:
            break
    result.samples = len(wall)
    result.p50_ms, result.p95_ms = percentiles(wall)
    result.cpu_p50_ms = percentiles(cpu)[0]
    result.by_query_ms = {t: round(statistics.median(v), 2) for t, v in per_query.items()}
    kinds: dict[str, list[float]] = defaultdict(list)
    for kind, text in QUERIES:
        kinds[kind] += per_query[text]
    result.by_kind_p50_ms = {k: round(statistics.median(v), 2) for k, v in kinds.items()}
    return result


def percentiles(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:
        return (round(values[0], 2), round(values[0], 2)) if values else (0.0, 0.0)
    return pages.percentiles(values)


# Where the time goes -------------------------------------------------------------------------


class Phases:
    """Wraps the engine's steps to time them (a separate pass: the wrappers cost a little)."""

    STEPS = (
        ("prepare", "prepare: parse, typos, word parts, thesaurus"),
        ("containing", "  of which word-part SQL (containing)"),
        ("candidates", "candidates: the FTS query"),
        ("score", "documents and scoring in Python (_score)"),
        ("explain", "snippets (_explain)"),
        ("via", "via contacts (_add_via)"),
    )

    def __init__(self) -> None:
        self.current: dict[str, float] = defaultdict(float)
        self._patches: list[tuple[Any, str, Any]] = []

    def _wrap(self, owner: Any, attribute: str, step: str) -> None:
        original = getattr(owner, attribute)
        spent = self.current

        def timed(*args: Any, **kwargs: Any) -> Any:
            clock = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[step] += (time.perf_counter() - clock) * 1000

        self._patches.append((owner, attribute, original))
        setattr(owner, attribute, timed)

    def __enter__(self) -> Phases:
        from entregent.network.search import engine

        backend = type(engine.backend())
        self._wrap(engine, "prepare", "prepare")
        self._wrap(backend, "containing", "containing")
        self._wrap(backend, "candidates", "candidates")
        self._wrap(engine, "_score", "score")
        self._wrap(engine, "_explain", "explain")
        self._wrap(engine, "_add_via", "via")
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, attribute, original in reversed(self._patches):
            setattr(owner, attribute, original)

    def split(self, user: Any, text: str, timeout: float) -> dict[str, float]:
        self.current.clear()
        clock = time.perf_counter()
        try:
            with deadline(timeout):
                engine_runner(user, text)
        except QueryTimeout:
            self.current["timed out"] = 1
        total = (time.perf_counter() - clock) * 1000
        out = {step: round(self.current.get(step, 0.0), 2) for step, _ in self.STEPS}
        named = sum(v for k, v in out.items() if k != "containing")
        out["other"] = round(max(0.0, total - named), 2)  # contacts of the page, sorting
        out["total"] = round(total, 2)
        return out


def where_time_goes(user: Any, latency: Latency, timeout: float) -> dict[str, Any]:
    """The phase split of every query, the five slowest in detail, and a cProfile of them."""
    with Phases() as phases:
        splits = {text: phases.split(user, text, timeout) for _, text in QUERIES}
    slowest = sorted(latency.by_query_ms, key=lambda t: -latency.by_query_ms[t])[:5]
    totals: dict[str, float] = defaultdict(float)
    for split in splits.values():
        for step, value in split.items():
            if step != "total":
                totals[step] += value
    whole = sum(v for k, v in totals.items() if k != "containing") or 1.0
    print("\n  Where the time goes (one more pass over the 50 queries, steps timed):")
    for step, title in (*Phases.STEPS, ("other", "the page's contacts, the rest")):
        print(f"    {title:<48} {totals[step] / whole:>5.0%}  ({totals[step]:.0f} ms)")
    print("  The five slowest queries (median ms; split of one run):")
    for text in slowest:
        split = splits[text]
        parts = ", ".join(
            f"{step} {split[step]:.0f}" for step, _ in Phases.STEPS if split[step] >= 0.5
        )
        print(
            f"    {latency.by_query_ms[text]:>8.1f}  {text!r}: {parts}, other {split['other']:.0f}"
        )
    profile = profile_queries(user, slowest, timeout)
    for line in profile:
        print(f"    {line}")
    return {"splits": splits, "totals_ms": dict(totals), "slowest": slowest, "profile": profile}


def profile_queries(user: Any, texts: list[str], timeout: float) -> list[str]:
    profiler = cProfile.Profile()
    profiler.enable()
    for text in texts:
        with contextlib.suppress(QueryTimeout), deadline(timeout):
            engine_runner(user, text)
    profiler.disable()
    entries = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    own: Counter[str] = Counter()
    for (filename, line, function), (_cc, _nc, tottime, _cum, _callers) in entries.items():
        name = re.sub(r" at 0x[0-9a-f]+", "", function)
        own[f"{name} ({pages.short(filename)}:{line})"] += tottime
    total = sum(own.values()) or 1.0
    top = "; ".join(f"{name} {t / total:.0%}" for name, t in own.most_common(5))
    return [f"cProfile of the five slowest, own time: {top}"]


def explain(user: Any, text: str) -> list[str]:
    """The query plans of the engine's candidate queries for ``text`` (one per tier run)."""
    from django.db import connection

    from entregent.network.search import search

    captured: list[tuple[str, Any]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        # Either tier, either engine (not the vocabulary's trigram query).
        if "network_search_fts" in sql or "network_search_main" in sql or "to_tsquery" in sql:
            captured.append((sql, params))
        return execute(sql, params, many, context)

    # The statement is captured before it runs: a stopped query still has its plan.
    with connection.execute_wrapper(capture), contextlib.suppress(QueryTimeout), deadline(10.0):
        search(user, text, limit=LIMIT)
    if not captured:
        return ["(no candidate query captured)"]
    lines = []
    with connection.cursor() as cursor:
        for n, (sql, params) in enumerate(captured, 1):
            lines.append(f"candidate query {n} of {len(captured)}:")
            if connection.vendor == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                lines += [str(row[-1]) for row in cursor.fetchall()]
            else:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                lines += [str(row[0]) for row in cursor.fetchall()]
    return lines


# The run -------------------------------------------------------------------------------------


def run(args: argparse.Namespace, sizes: list[int]) -> list[SizeResult]:
    from django.db import connection

    vendor = connection.vendor
    print(
        f"Database: {vendor} ({connection.settings_dict['NAME']}); search code at "
        f"{_corpus.engine_commit()}"
    )
    pages.warn_if_busy()
    print(
        f"{len(QUERIES)} queries, search(user, q, limit={LIMIT}); {args.reps} timed passes after "
        f"a warm-up pass (naive baseline: {args.baseline_reps}); at most {args.budget:g} s of "
        f"passes per line; a query is stopped after {args.timeout:g} s and counted at that time."
    )
    results = []
    if args.pg_million:
        results.append(run_million(args))
    else:
        for size in sizes:
            results.append(run_size(args, size))
    print_summary(results, vendor)
    return results


def run_size(args: argparse.Namespace, size: int) -> SizeResult:
    user, ids, seconds = fill(f"search-{size}@bench.entregent.org", size, f"search:{size}")
    pages.analyse()
    return measure_member(args, user, len(ids), seconds, f"{size:,} contacts", size)


def run_million(args: argparse.Namespace) -> SizeResult:
    """One member measured among MILLION_MEMBERS members of MILLION_PER_MEMBER contacts each."""
    measured = None
    totals = {"generate": 0.0, "insert": 0.0, "index": 0.0}
    started = time.perf_counter()
    for n in range(MILLION_MEMBERS):
        user, _, seconds = fill(
            f"million-{n}@bench.entregent.org", MILLION_PER_MEMBER, f"million:{n}"
        )
        for key in totals:
            totals[key] += seconds[key]
        if measured is None:
            measured = user
        if n % 10 == 9:
            # Fresh statistics as the tables grow, as autovacuum would give a live database:
            # without them the planner keeps the plans of empty tables.
            pages.analyse()
            print(
                f"  {(n + 1) * MILLION_PER_MEMBER:,} contacts written and indexed "
                f"({time.perf_counter() - started:.0f} s; so far insert {totals['insert']:.0f} s, "
                f"index {totals['index']:.0f} s)"
            )
    pages.analyse()
    return measure_member(
        args, measured, MILLION_PER_MEMBER, totals, "one member among 1,000,000", "million"
    )


def measure_member(
    args: argparse.Namespace,
    user: Any,
    contacts: int,
    seconds: dict[str, float],
    label: str,
    target_key: int | str,
) -> SizeResult:
    from django.db import connection

    from entregent.network.models import Contact, Interaction

    vendor = connection.vendor
    result = SizeResult(
        label=label,
        contacts=contacts,
        interactions=Interaction.objects.filter(owner=user).count(),
        total_contacts=Contact.objects.count(),
        generate_s=round(seconds["generate"], 1),
        insert_s=round(seconds["insert"], 1),
        index_s=round(seconds["index"], 1),
        index_ratio=round((seconds["insert"] + seconds["index"]) / seconds["insert"], 2),
    )
    print(
        f"\n{label}: {result.interactions:,} interactions; {result.total_contacts:,} contacts "
        f"in the database. Generated in {result.generate_s:.1f} s, inserted (bulk_create) in "
        f"{result.insert_s:.1f} s, indexed (reindex_contacts) in {result.index_s:.1f} s: "
        f"insert + index = {result.index_ratio:.2f}x the insert alone "
        f"(index / insert = {seconds['index'] / seconds['insert']:.2f})."
        + (
            f" The thesaurus was read beforehand, once for the process, in "
            f"{seconds['thesaurus']:.1f} s."
            if seconds.get("thesaurus", 0) >= 0.05
            else ""
        )
    )
    lines: list[tuple[str, Runner, int]] = [
        ("entregent", engine_runner, args.reps),
        ("naive icontains", naive_runner, args.baseline_reps),
    ]
    for name, runner, reps in lines:
        latency = measure(name, user, runner, reps, args.budget, args.timeout)
        result.systems[name] = latency
        print(
            f"  {name:<32} p50 {latency.p50_ms:>9.1f} ms  p95 {latency.p95_ms:>9.1f} ms  "
            f"cpu p50 {latency.cpu_p50_ms:>8.1f} ms  ({latency.samples} queries, "
            f"{latency.timeouts} stopped at {args.timeout:g} s)"
        )
    with statement_timeouts(args.timeout):
        result.results = {
            text: engine_runner_hits(user, text, args.timeout) for _, text in QUERIES
        }
    print_kinds(result)

    typical = "machine operator"
    with statement_timeouts(10.0):
        result.plan = explain(user, typical)
    print(f"\n  Plan of the candidate query for {typical!r}:")
    for line in result.plan:
        print(f"    {line}")
    if any("VIRTUAL TABLE INDEX 0:=" in line for line in result.plan):
        # FTS5 was handed "rowid IN (...)": it evaluates the MATCH once per contact of the
        # scope. Writing "+rowid IN (...)" keeps the constraint outside FTS5.
        print("  WARNING: FTS5 gets the scope as a rowid constraint and looks every contact up.")
    with statement_timeouts(args.timeout):
        result.phases = where_time_goes(user, result.systems["entregent"], args.timeout)
    verdicts(result, vendor, target_key)
    return result


def engine_runner_hits(user: Any, text: str, timeout: float) -> int:
    try:
        with deadline(timeout):
            return engine_runner(user, text)
    except QueryTimeout:
        return -1


def print_kinds(result: SizeResult) -> None:
    names = list(result.systems)
    header = f"  {'p50 ms by kind of query':<26}" + "".join(f"{n:>29}" for n in names)
    print(header)
    kinds = list(dict.fromkeys(kind for kind, _ in QUERIES))
    for kind in kinds:
        cells = "".join(f"{result.systems[n].by_kind_p50_ms.get(kind, 0):>29.1f}" for n in names)
        print(f"  {kind:<26}{cells}")


def verdicts(result: SizeResult, vendor: str, target_key: int | str) -> None:
    engine = result.systems["entregent"]
    naive = result.systems["naive icontains"]
    target = TARGETS_P95[vendor].get(target_key)
    if target is not None:
        ok = engine.p95_ms <= target
        result.verdicts["p95"] = (
            f"{'PASS' if ok else 'FAIL'} p95 {engine.p95_ms:.1f} ms (target <= {target:g} ms)"
        )
    speedup = naive.p50_ms / engine.p50_ms if engine.p50_ms else 0.0
    speedup95 = naive.p95_ms / engine.p95_ms if engine.p95_ms else 0.0
    line = f"{speedup:.3g}x faster than naive at p50 ({speedup95:.3g}x at p95)"
    if target_key == 100_000:
        ok = speedup >= TARGET_SPEEDUP
        line = f"{'PASS' if ok else 'FAIL'} {line} (target >= {TARGET_SPEEDUP:g}x)"
    result.verdicts["speedup"] = line
    if target_key != "million":
        ok = result.index_ratio <= TARGET_INDEX_RATIO
        result.verdicts["indexing"] = (
            f"{'PASS' if ok else 'FAIL'} insert + index = {result.index_ratio:.2f}x the insert "
            f"(target <= {TARGET_INDEX_RATIO:g}x)"
        )
    print()
    for verdict in result.verdicts.values():
        print(f"  {verdict}")


def print_summary(results: list[SizeResult], vendor: str) -> None:
    print(f"\nSummary ({vendor})")
    header = f"{'size':<28} {'line':<32} {'p50 ms':>9} {'p95 ms':>9} {'cpu p50':>8} {'stopped':>7}"
    print(header + "\n" + "-" * len(header))
    for r in results:
        for name, latency in r.systems.items():
            print(
                f"{r.label:<28} {name:<32} {latency.p50_ms:>9.1f} {latency.p95_ms:>9.1f} "
                f"{latency.cpu_p50_ms:>8.1f} {latency.timeouts:>7}"
            )
    for r in results:
        for verdict in r.verdicts.values():
            print(f"{r.label}: {verdict}")


if __name__ == "__main__":
    sys.exit(main())
