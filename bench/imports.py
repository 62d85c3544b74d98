"""How fast a LinkedIn export imports end to end, and how much memory a big one takes: a
generated 10,000-row Connections.csv (parse, exact duplicates, write, search index) against
the 3 s target, and 100,000 rows against 300 MB of peak memory.

Run with `.venv/bin/python bench/imports.py`; informational (exit code 0) unless --strict. See
docs/benchmarks.md.

The file is LinkedIn's current export (preamble, header on line 4, "22 Nov 2025" dates), with
names from the demo's word lists, ESCO occupations as positions, organisations in several
alphabets, one email in twenty, one member in fifty hidden (a row with only its date) and one
row in a hundred repeated further down (a person exported twice). Each measurement gets a
member of its own in a database created for the run (var/bench/imports.sqlite3, or the
database entregent_bench_imports beside the one DATABASE_URL names).

Lines, at 10,000 rows:

* parse only: the LinkedIn parser over the file, nothing else;
* baseline: parse, normalise the profile URLs, ``bulk_create`` the contacts and their points
  in transactions of 500: the least any import must do;
* import: ``create_job``, ``run_import`` and ``finish`` as the worker runs them (batches of
  500 pending rows with their duplicate look-ups and undo records, then tags, visibility and
  the search index), with the longest batch (an upper bound on the write lock's hold);
* re-import: the same file again into the same network: everything merges, nothing is created;
* preview: the dry run the preview page shows.

At 100,000 rows the import runs in a child process, twice: once plain, for the wall time and
the growth of the process's peak resident size (``ru_maxrss``), once under ``tracemalloc`` for
the peak of Python's own allocations. The file is read from disk by the child, as an upload is.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import _corpus, pages  # noqa: E402

SQLITE_NAME = "imports.sqlite3"
DATABASE = "entregent_bench_imports"
TARGET_SECONDS = 3.0  # 10,000 rows, end to end
TARGET_MEMORY_MB = 300.0  # 100,000 rows, peak
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are '
    'missing."\n\n'
)
MORE_ORGANISATIONS = (
    "Société Générale",
    "Capgemini",
    "株式会社日本語テック",
    "ООО «Кириллица»",
    "Doctolib",
    "Sanofi",
    "Deloitte",
    "Weizmann Institute of Science",
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class SpeedResult:
    rows: int
    file_mb: float
    parse_s: float = 0.0
    baseline_s: float = 0.0
    import_s: float = 0.0
    import_cpu_s: float = 0.0  # this process's CPU time: steadier than wall time on a busy machine
    index_s: float = 0.0
    longest_batch_s: float = 0.0
    batches: int = 0
    queries_per_batch: list[int] = field(default_factory=list)
    reimport_s: float = 0.0
    preview_s: float = 0.0
    created: int = 0
    merged: int = 0
    skipped: int = 0
    reimport_created: int = 0
    reimport_merged: int = 0
    ratio_to_baseline: float = 0.0
    verdict: str = ""


@dataclass
class MemoryResult:
    rows: int
    file_mb: float
    import_s: float = 0.0
    rss_delta_mb: float = 0.0
    rss_peak_mb: float = 0.0
    tracemalloc_peak_mb: float = 0.0
    tracemalloc_import_s: float = 0.0
    created: int = 0
    verdict: str = ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="Rows of the timed file.")
    parser.add_argument(
        "--memory-rows", type=int, default=100_000, help="Rows of the memory file (0: skip)."
    )
    parser.add_argument("--seed", default="imports", help="Seed of the generated files.")
    parser.add_argument(
        "--strict", action="store_true", help="Exit with status 1 if a target is missed."
    )
    parser.add_argument(
        "--keep", action="store_true", help="Keep the PostgreSQL benchmark database afterwards."
    )
    parser.add_argument("--output", help="JSON output (var/bench/imports-<database>.json).")
    parser.add_argument("--child", choices=("plain", "tracemalloc"), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.file)

    load_before = pages.warn_if_busy()
    postgres_url = pages.prepare_database(SQLITE_NAME, DATABASE)
    from django.db import connection

    vendor = connection.vendor
    try:
        speed = measure_speed(args.rows, args.seed)
        memory = measure_memory(args.memory_rows, args.seed) if args.memory_rows else None
    finally:
        if postgres_url:
            pages.drop_postgres_database(postgres_url, keep=args.keep, database=DATABASE)

    report = {
        **pages.report_header(
            vendor, load_before, _corpus.engine_commit("entregent/imports", *_corpus.SEARCH_CODE)
        ),
        "targets": {
            f"import_s_at_{args.rows}": TARGET_SECONDS,
            f"peak_mb_at_{args.memory_rows}": TARGET_MEMORY_MB,
        },
        "speed": asdict(speed),
        "memory": asdict(memory) if memory else None,
    }
    output = Path(args.output or pages.BENCH_DIR / f"imports-{vendor}.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nResults written to {pages.display_path(output)}")
    verdicts = [speed.verdict] + ([memory.verdict] if memory else [])
    return 1 if args.strict and any(v.startswith("FAIL") for v in verdicts) else 0


# The file ------------------------------------------------------------------------------------


def generate(rows: int, seed: str) -> bytes:
    """A LinkedIn Connections.csv of ``rows`` rows (see the module's docstring)."""
    writer = _corpus.Writer(seed)
    rng = writer.rng
    occupations = _corpus.read_occupations()
    out = io.StringIO()
    out.write(PREAMBLE + HEADER + "\n")
    lines = csv.writer(out, lineterminator="\n")
    repeated: list[list[str]] = []
    for index in range(rows):
        if repeated and rng.random() < 0.01:
            lines.writerow(repeated.pop(rng.randrange(len(repeated))))
            continue
        day = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(5800))
        connected = f"{day.day:02d} {MONTHS[day.month - 1]} {day.year}"
        if rng.random() < 0.02:
            lines.writerow(["", "", "", "", "", "", connected])
            continue
        lang = "fr" if rng.random() < 0.5 else "en"
        given, family = writer.person(lang)
        slug = f"{given}-{family}-{index:x}".lower().replace(" ", "-")
        email = f"{slug}@example.org" if rng.random() < 0.05 else ""
        if rng.random() < 0.3:
            organisation = rng.choice(MORE_ORGANISATIONS)
        else:
            organisation = rng.choice(_corpus.ORGANISATIONS[lang])
        position = _corpus.capitalise(rng.choice(occupations[lang]))
        row = [
            given,
            family,
            f"https://www.linkedin.com/in/{slug}",
            email,
            organisation,
            position,
            connected,
        ]
        lines.writerow(row)
        if rng.random() < 0.01:
            repeated.append(row)
    return out.getvalue().encode()


# Measurements --------------------------------------------------------------------------------


def make_member(email: str) -> Any:
    from entregent.accounts.models import User

    return User.objects.create_user(email, "bench-password", display_name=email.split("@")[0])


def baseline(user: Any, data: bytes) -> float:
    """Parse and bulk_create contacts and points, nothing else."""
    from django.db import transaction

    from entregent.imports.parsers import parse
    from entregent.imports.records import ParsedContact
    from entregent.lib.contact_points import normalise
    from entregent.network.models import Contact, ContactPoint

    started = time.perf_counter()
    batch: list[ParsedContact] = []

    def write(rows: list[ParsedContact]) -> None:
        with transaction.atomic():
            contacts = [
                Contact(
                    owner=user,
                    given_name=r.given_name,
                    family_name=r.family_name,
                    display_name=f"{r.given_name} {r.family_name}".strip() or "?",
                    organisation=r.organisation[:200],
                    headline=r.headline[:300],
                    job_title=r.job_title[:200],
                    connected_on=r.connected_on,
                    source=Contact.Source.IMPORT,
                )
                for r in rows
            ]
            Contact.objects.bulk_create(contacts)
            points = []
            for contact, r in zip(contacts, rows, strict=True):
                for point in r.points:
                    kind, value = normalise(point.kind, point.raw)
                    points.append(
                        ContactPoint(contact=contact, kind=kind, raw=point.raw, value=value)
                    )
            ContactPoint.objects.bulk_create(points)

    for row in parse(data, "linkedin"):
        if isinstance(row, ParsedContact):
            batch.append(row)
            if len(batch) == 500:
                write(batch)
                batch = []
    write(batch)
    return time.perf_counter() - started


class BatchClock:
    """Times each batch (from the end of the previous one) and counts its queries."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.durations: list[float] = []
        self.queries: list[int] = []
        self._count = 0

    def __call__(self, execute: Callable[..., Any], *args: Any) -> Any:
        self._count += 1
        return execute(*args)

    def progress(self, rows: int) -> None:
        now = time.perf_counter()
        self.durations.append(now - self.last)
        self.queries.append(self._count)
        self._count = 0
        self.last = now


def timed_import(user: Any, data: bytes, name: str) -> tuple[Any, float, float, float, BatchClock]:
    """(job, seconds end to end, CPU seconds, seconds of search indexing, batches)."""
    from django.db import connection

    import entregent.network.search as search
    from entregent.imports import actions

    clock = BatchClock()
    indexing = [0.0]
    original = search.reindex_contacts

    def reindex(ids: Any, *args: Any, **kwargs: Any) -> int:
        started = time.perf_counter()
        try:
            return original(ids, *args, **kwargs)
        finally:
            indexing[0] += time.perf_counter() - started

    search.reindex_contacts = reindex  # type: ignore[assignment]
    try:
        started, cpu = time.perf_counter(), time.process_time()
        job = actions.create_job(user, data, name)
        actions.confirm_import(job)
        clock.last = time.perf_counter()
        with connection.execute_wrapper(clock):
            job = actions.run_import(job, progress=clock.progress)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        search.reindex_contacts = original
    if job.status != "done":
        raise RuntimeError(f"The import failed: {job.error}")
    return job, seconds, cpu, indexing[0], clock


def measure_speed(rows: int, seed: str) -> SpeedResult:
    from entregent.imports import actions
    from entregent.imports.parsers import parse

    print(f"Generating a LinkedIn file of {rows:,} rows…")
    data = generate(rows, seed)
    result = SpeedResult(rows=rows, file_mb=round(len(data) / 1e6, 2))

    started = time.perf_counter()
    for _row in parse(data, "linkedin"):
        pass
    result.parse_s = time.perf_counter() - started
    result.baseline_s = baseline(make_member("baseline@bench.test"), data)

    member = make_member("speed@bench.test")
    job, result.import_s, result.import_cpu_s, result.index_s, clock = timed_import(
        member, data, "Connections.csv"
    )
    result.created, result.merged = job.result["created"], job.result["merged"]
    result.skipped = job.result["skipped"]
    result.batches = len(clock.durations)
    result.longest_batch_s = max(clock.durations, default=0.0)
    result.queries_per_batch = sorted(set(clock.queries))

    job, result.reimport_s, _cpu, _index, _clock = timed_import(member, data, "Connections.csv")
    result.reimport_created, result.reimport_merged = job.result["created"], job.result["merged"]

    started = time.perf_counter()
    actions.build_preview(member.pk, parse(data, "linkedin"))
    result.preview_s = time.perf_counter() - started

    result.ratio_to_baseline = result.import_s / result.baseline_s
    passed = result.import_s <= TARGET_SECONDS and result.reimport_created == 0
    result.verdict = "PASS" if passed else "FAIL"
    print_speed(result)
    return result


def measure_memory(rows: int, seed: str) -> MemoryResult:
    print(f"\nGenerating a LinkedIn file of {rows:,} rows…")
    path = pages.BENCH_DIR / f"linkedin-{rows}.csv"
    path.write_bytes(generate(rows, seed))
    result = MemoryResult(rows=rows, file_mb=round(path.stat().st_size / 1e6, 2))
    for mode in ("plain", "tracemalloc"):
        print(f"Importing it in a child process ({mode})…")
        completed = subprocess.run(
            [sys.executable, __file__, "--child", mode, "--file", str(path)],
            capture_output=True,
            text=True,
            env=os.environ.copy(),
            check=False,
        )
        if completed.returncode != 0:
            raise RuntimeError(f"The {mode} child failed:\n{completed.stderr}")
        figures = json.loads(completed.stdout.strip().splitlines()[-1])
        if mode == "plain":
            result.import_s = figures["seconds"]
            result.rss_delta_mb = figures["rss_delta_mb"]
            result.rss_peak_mb = figures["rss_peak_mb"]
            result.created = figures["created"]
        else:
            result.tracemalloc_peak_mb = figures["tracemalloc_peak_mb"]
            result.tracemalloc_import_s = figures["seconds"]
    path.unlink()
    peak = max(result.rss_delta_mb, result.tracemalloc_peak_mb)
    result.verdict = "PASS" if peak <= TARGET_MEMORY_MB else "FAIL"
    print_memory(result)
    return result


def child(mode: str, path: Path) -> int:
    """One import of ``path`` by a new member, its figures as JSON on the last line."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from entregent.imports import actions
    from entregent.lib.thesaurus import default_thesaurus

    # Every process that indexes loads the thesaurus once, whatever it imports: before measuring.
    default_thesaurus()
    member = make_member(f"memory-{mode}@bench.test")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if mode == "tracemalloc":
        tracemalloc.start()
    started = time.perf_counter()
    data = path.read_bytes()
    job = actions.create_job(member, data, path.name)
    del data
    actions.confirm_import(job)
    job = actions.run_import(job)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if mode == "tracemalloc" else 0
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if job.status != "done":
        print(job.error, file=sys.stderr)
        return 1
    figures = {
        "seconds": seconds,
        "created": job.result["created"],
        "tracemalloc_peak_mb": peak / 1e6,
        # ru_maxrss is in kilobytes on Linux.
        "rss_delta_mb": (rss_after - rss_before) / 1e3,
        "rss_peak_mb": rss_after / 1e3,
    }
    print(json.dumps(figures))
    return 0


# Printing ------------------------------------------------------------------------------------


def print_speed(r: SpeedResult) -> None:
    print(f"\n{r.rows:,} rows, {r.file_mb} MB")
    print(f"{'line':<44}{'seconds':>9}{'x baseline':>12}")
    print("-" * 65)
    for label, seconds in (
        ("parse only", r.parse_s),
        ("baseline: parse + bulk_create", r.baseline_s),
        ("import, end to end", r.import_s),
        ("  its CPU time (this process)", r.import_cpu_s),
        ("  of which the search index", r.index_s),
        ("re-import (everything merges)", r.reimport_s),
        ("preview (dry run)", r.preview_s),
    ):
        print(f"{label:<44}{seconds:>9.2f}{seconds / r.baseline_s:>12.2f}")
    print(
        f"created {r.created:,}, merged {r.merged:,}, skipped {r.skipped:,}; re-import: "
        f"created {r.reimport_created:,}, merged {r.reimport_merged:,}"
    )
    print(
        f"{r.batches} batches, longest {r.longest_batch_s * 1000:.0f} ms; queries per batch: "
        f"{', '.join(map(str, r.queries_per_batch))}"
    )
    print(f"target: import <= {TARGET_SECONDS:.0f} s and a re-import creates nothing: {r.verdict}")


def print_memory(r: MemoryResult) -> None:
    print(f"\n{r.rows:,} rows, {r.file_mb} MB: imported in {r.import_s:.1f} s ({r.created:,} new)")
    print(f"peak resident size grew by {r.rss_delta_mb:.0f} MB (to {r.rss_peak_mb:.0f} MB)")
    print(
        f"tracemalloc peak {r.tracemalloc_peak_mb:.0f} MB "
        f"(import {r.tracemalloc_import_s:.1f} s under tracemalloc)"
    )
    print(f"target: peak <= {TARGET_MEMORY_MB:.0f} MB: {r.verdict}")


if __name__ == "__main__":
    random.seed(0)
    sys.exit(main())
