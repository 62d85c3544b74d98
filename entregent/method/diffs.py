"""Word-level differences between two texts, for the page that compares two versions.

Pure functions: strings in, segments out. Each side keeps its own text, with what the other
side does not have marked, so that the template can show the two versions side by side
(``<del>`` on the older one, ``<ins>`` on the newer one).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# Words, runs of spaces (line breaks included) and single punctuation marks: a changed comma
# marks the comma, not the whole word before it.
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Segment:
    text: str
    # True when this side has the text and the other does not.
    changed: bool


@dataclass(frozen=True)
class FieldDiff:
    label: str
    old: list[Segment]
    new: list[Segment]

    @property
    def changed(self) -> bool:
        return any(s.changed for s in self.old) or any(s.changed for s in self.new)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def _append(segments: list[Segment], text: str, changed: bool) -> None:
    if not text:
        return
    if segments and segments[-1].changed == changed:
        segments[-1] = Segment(segments[-1].text + text, changed)
    else:
        segments.append(Segment(text, changed))


def word_diff(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    """The two texts as segments, the words each has that the other lacks marked changed."""
    a, b = tokens(old), tokens(new)
    # No junk heuristic: on short texts it would treat common words ("the", "a") as noise
    # and match them in the wrong places.
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    left: list[Segment] = []
    right: list[Segment] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            _append(left, "".join(a[i1:i2]), False)
            _append(right, "".join(b[j1:j2]), False)
        else:
            _append(left, "".join(a[i1:i2]), True)
            _append(right, "".join(b[j1:j2]), True)
    return left, right


def compare(label: str, old: str, new: str) -> FieldDiff:
    left, right = word_diff(old, new)
    return FieldDiff(label, left, right)
