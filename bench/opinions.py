"""How long ``manage.py analyze_votes`` takes on canadian-electoral-reform (448 voters, 174
comments, 12,018 vote rows), Python's start included, against a baseline measured in the same
run: the same process start reading the same two files without analysing them.

Also, in one warm process (informational): reading the files, building the matrix, the
analysis itself, and the analysis of a synthetic 500 participants × 200 statements (30% seen),
the size the synthesis workspace is held to. No database: the command reads files.

Run with `.venv/bin/python bench/opinions.py` (``--runs N``, ``--strict`` to exit 1 when the
target is missed). Target: analyze_votes ≤ 5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = ROOT / "entregent" / "method" / "tests" / "data" / "polis" / "canadian-electoral-reform"
TARGET_SECONDS = 5.0
COMMAND = [
    sys.executable,
    str(ROOT / "manage.py"),
    "analyze_votes",
    "--comments",
    str(DATA / "comments.csv"),
    "--votes",
    str(DATA / "votes.csv"),
    "--json",
]
# The baseline: the same start (Python, Django's set-up), the same files read, no analysis.
BASELINE = [
    sys.executable,
    "-c",
    "import django, os, sys;"
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'entregent.settings');"
    "django.setup();"
    "from entregent.method import polis_io;"
    f"d = {str(DATA)!r};"
    "polis_io.read_conversation(open(d + '/comments.csv', encoding='utf-8').read(),"
    " open(d + '/votes.csv', encoding='utf-8').read())",
]


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, env=os.environ)
    return time.perf_counter() - started


def median_of(runs: int, measure: Callable[[], float]) -> tuple[float, list[float]]:
    times = [measure() for _ in range(runs)]
    return statistics.median(times), times


def in_process(runs: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entregent.settings")
    import django

    django.setup()
    import numpy as np

    from entregent.method import opinions, polis_io

    comments = (DATA / "comments.csv").read_text(encoding="utf-8")
    votes = (DATA / "votes.csv").read_text(encoding="utf-8")
    opinions.analyse(polis_io.read_conversation(comments, votes).matrix())  # warm-up

    def timed(step: Callable[[], object]) -> float:
        started = time.perf_counter()
        step()
        return time.perf_counter() - started

    conversation = polis_io.read_conversation(comments, votes)
    matrix = conversation.matrix()
    rng = np.random.default_rng(5)
    values = rng.choice([1.0, 1.0, -1.0, 0.0], size=(500, 200))
    values[rng.random((500, 200)) >= 0.3] = np.nan
    keys = [
        (f"i{p}", s, int(values[p, s]))
        for p, s in zip(*np.nonzero(~np.isnan(values)), strict=True)
    ]
    big = opinions.VoteMatrix.from_votes(keys)
    print(f"In one warm process (median of {runs}):")
    steps: list[tuple[str, Callable[[], object]]] = [
        ("read comments.csv and votes.csv", lambda: polis_io.read_conversation(comments, votes)),
        ("build the vote matrix", conversation.matrix),
        ("analyse (447 × 152)", lambda: opinions.analyse(matrix)),
        ("analyse (500 × 200, synthetic)", lambda: opinions.analyse(big)),
    ]
    for label, step in steps:
        median, _ = median_of(runs, partial(timed, step))
        print(f"  {label:34} {median * 1000:8.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--strict", action="store_true", help="exit 1 when the target is missed")
    options = parser.parse_args()
    runs = max(1, options.runs)

    baseline, baseline_times = median_of(runs, lambda: wall(BASELINE))
    command, command_times = median_of(runs, lambda: wall(COMMAND))
    print("analyze_votes on canadian-electoral-reform, Python's start included")
    print(
        f"  baseline (start, read the files): median {baseline:.2f} s  "
        f"({', '.join(f'{t:.2f}' for t in baseline_times)})"
    )
    print(
        f"  analyze_votes --json:             median {command:.2f} s  "
        f"({', '.join(f'{t:.2f}' for t in command_times)})"
    )
    print(
        f"  ratio to the baseline: {command / baseline:.2f}×; target ≤ {TARGET_SECONDS:.0f} s: "
        f"{'met' if command <= TARGET_SECONDS else 'MISSED'}"
    )
    print()
    in_process(runs)
    return 1 if options.strict and command > TARGET_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
