"""Build entregent/lib/data/occupations.tsv.gz from ESCO's CSV exports (a developer's tool).

    .venv/bin/python scripts/build_thesaurus.py ../shared/data/esco

The product never reads ESCO's files: it ships the derived file this writes.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from entregent.lib.thesaurus import DATA_FILE, build, read_esco


def main(source: str) -> None:
    folder = Path(source)
    texts = [(folder / f"occupations_{lang}.csv").read_text("utf-8") for lang in ("fr", "en")]
    text, _ = build(read_esco(*texts))
    DATA_FILE.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the file byte-identical between builds.
    with DATA_FILE.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(text.encode("utf-8"))
    lines = text.count("\n")
    print(f"{DATA_FILE}: {lines} occupations, {DATA_FILE.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/esco")
