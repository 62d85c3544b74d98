"""Polis' CSV exports, read and written: ``comments.csv``, ``votes.csv`` and
``participants-votes.csv``, as the openData repository of The Computational Democracy Project
publishes them (``method/tests/data/polis/``).

Pure functions, text in and dataclasses out (and back): no database. The site's import and
export (``forms_polis.py``, ``views_polis.py``) and ``manage.py analyze_votes`` use them.

What the real files teach:

- ``comments.csv``: timestamp, datetime, comment-id, author-id, agrees, disagrees, moderated
  (1 in, -1 out, 0 not moderated), comment-body. Bodies run over several lines (quoted CSV).
  Its agrees and disagrees do not always match the votes: counts are derived from votes.csv.
- ``votes.csv``: timestamp, datetime, comment-id, voter-id, vote (1 agree, -1 disagree,
  0 pass). It holds each voter's history: the latest vote per voter and comment counts.
- ``participants-votes.csv``: participant, group-id (Polis' own grouping, blank when not
  grouped), n-comments, n-votes, n-agree, n-disagree, then one column per comment id. Some
  exports add an ``xid`` column after ``participant``.

A file that cannot be read raises ``PolisFormatError``, naming the file, the line and the
column, so that whoever exported it can find the row.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from entregent.lib import csv_safety

if TYPE_CHECKING:
    from entregent.method.opinions import VoteMatrix

COMMENTS_COLUMNS = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)
VOTES_COLUMNS = ("timestamp", "datetime", "comment-id", "voter-id", "vote")
PARTICIPANTS_COLUMNS = (
    "participant",
    "group-id",
    "n-comments",
    "n-votes",
    "n-agree",
    "n-disagree",
)
# The columns without which a file is not the one it claims to be.
COMMENTS_REQUIRED = ("comment-id", "author-id", "comment-body")
VOTES_REQUIRED = ("comment-id", "voter-id", "vote")
PARTICIPANTS_REQUIRED = ("participant",)

MODERATED_IN, UNMODERATED, MODERATED_OUT = 1, 0, -1
VOTE_VALUES = (1, -1, 0)

# Java's Date.toString(), as Polis writes its "datetime" column (always in English).
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class PolisFormatError(ValueError):
    """A Polis file that cannot be read: which file, where, and why."""

    def __init__(
        self, file: str, message: str, line: int | None = None, column: str | None = None
    ) -> None:
        self.file, self.message, self.line, self.column = file, message, line, column
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line is not None and self.column is not None:
            where = _("%(file)s, line %(line)d, column %(column)s") % {
                "file": self.file,
                "line": self.line,
                "column": self.column,
            }
        elif self.line is not None:
            where = _("%(file)s, line %(line)d") % {"file": self.file, "line": self.line}
        else:
            where = self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class PolisComment:
    comment_id: int
    author_id: str
    body: str
    # 1 moderated in, -1 moderated out (left out of every analysis), 0 not moderated.
    moderated: int = UNMODERATED
    # Milliseconds since 1970, as Polis writes them; None when the file has none.
    timestamp: int | None = None
    # The counts the file states; not to be trusted (see the module's docstring).
    agrees: int | None = None
    disagrees: int | None = None

    @property
    def is_moderated_out(self) -> bool:
        return self.moderated == MODERATED_OUT


@dataclass(frozen=True)
class PolisVote:
    comment_id: int
    voter_id: str
    vote: int
    timestamp: int | None = None


@dataclass(frozen=True)
class ParticipantVotes:
    participant: str
    group_id: int | None
    n_comments: int
    n_votes: int
    n_agree: int
    n_disagree: int
    votes: dict[int, int]
    xid: str = ""


# -- Reading -----------------------------------------------------------------------------------


def decode(data: bytes, name: str) -> str:
    """The text of an uploaded file: UTF-8, with or without a byte-order mark."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PolisFormatError(
            name,
            _("this is not UTF-8 text (byte %(position)d). Export the file from Polis again.")
            % {"position": error.start + 1},
        ) from None


@dataclass(frozen=True)
class _Row:
    line: int
    fields: dict[str, str]


def _rows(text: str, name: str, required: Sequence[str]) -> tuple[list[str], Iterator[_Row]]:
    """The header and the rows of a CSV text, each row with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise PolisFormatError(name, _("the file is empty.")) from None
    except csv.Error as error:
        raise PolisFormatError(name, str(error), line=1) from None
    header = [column.strip() for column in header]
    missing = [column for column in required if column not in header]
    if missing:
        raise PolisFormatError(
            name,
            ngettext(
                "the column %(missing)s is missing (the header has: %(found)s).",
                "the columns %(missing)s are missing (the header has: %(found)s).",
                len(missing),
            )
            % {"missing": ", ".join(missing), "found": ", ".join(header) or "—"},
            line=1,
        )

    def rows() -> Iterator[_Row]:
        start = reader.line_num + 1
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise PolisFormatError(name, str(error), line=start) from None
            if fields:
                if len(fields) != len(header):
                    raise PolisFormatError(
                        name,
                        _("%(found)d fields where the header has %(expected)d.")
                        % {"found": len(fields), "expected": len(header)},
                        line=start,
                    )
                yield _Row(start, dict(zip(header, fields, strict=True)))
            start = reader.line_num + 1

    return header, rows()


def _int(row: _Row, column: str, name: str, *, blank: int | None = None) -> int:
    value = row.fields.get(column, "").strip()
    if not value and blank is not None:
        return blank
    try:
        return int(value)
    except ValueError:
        raise PolisFormatError(
            name,
            _("%(value)s is not a whole number.") % {"value": repr(value)},
            line=row.line,
            column=column,
        ) from None


def _optional_int(row: _Row, column: str) -> int | None:
    try:
        return int(row.fields.get(column, "").strip())
    except ValueError:
        return None


def _identifier(row: _Row, column: str, name: str) -> str:
    value = row.fields[column].strip()
    if not value:
        raise PolisFormatError(name, _("this id is empty."), line=row.line, column=column)
    if len(value) > 40:
        raise PolisFormatError(
            name, _("this id is longer than 40 characters."), line=row.line, column=column
        )
    return value


def read_comments(text: str, name: str = "comments.csv") -> list[PolisComment]:
    """The statements of ``comments.csv``, in increasing id."""
    header, rows = _rows(text, name, COMMENTS_REQUIRED)
    comments: dict[int, PolisComment] = {}
    for row in rows:
        comment_id = _int(row, "comment-id", name)
        if comment_id < 0:
            raise PolisFormatError(
                name, _("an id cannot be negative."), line=row.line, column="comment-id"
            )
        if comment_id in comments:
            raise PolisFormatError(
                name,
                _("comment %(id)d is listed twice.") % {"id": comment_id},
                line=row.line,
                column="comment-id",
            )
        moderated = _int(row, "moderated", name, blank=UNMODERATED)
        if moderated not in (MODERATED_IN, UNMODERATED, MODERATED_OUT):
            raise PolisFormatError(
                name,
                _("%(value)d is not 1 (in), 0 (not moderated) or -1 (out).")
                % {"value": moderated},
                line=row.line,
                column="moderated",
            )
        body = unneutralise(row.fields["comment-body"].strip())
        if not body:
            raise PolisFormatError(
                name, _("the comment's text is empty."), line=row.line, column="comment-body"
            )
        comments[comment_id] = PolisComment(
            comment_id=comment_id,
            author_id=_identifier(row, "author-id", name),
            body=body,
            moderated=moderated,
            timestamp=_optional_int(row, "timestamp") if "timestamp" in header else None,
            agrees=_optional_int(row, "agrees"),
            disagrees=_optional_int(row, "disagrees"),
        )
    return [comments[key] for key in sorted(comments)]


def read_votes(text: str, name: str = "votes.csv") -> list[PolisVote]:
    """Every row of ``votes.csv``, history included, in the file's order."""
    return [vote for _, vote in _numbered_votes(text, name)]


def _numbered_votes(text: str, name: str) -> Iterator[tuple[int, PolisVote]]:
    header, rows = _rows(text, name, VOTES_REQUIRED)
    has_timestamp = "timestamp" in header
    for row in rows:
        vote = _int(row, "vote", name)
        if vote not in VOTE_VALUES:
            raise PolisFormatError(
                name,
                _("%(value)d is not 1 (agree), -1 (disagree) or 0 (pass).") % {"value": vote},
                line=row.line,
                column="vote",
            )
        yield (
            row.line,
            PolisVote(
                comment_id=_int(row, "comment-id", name),
                voter_id=_identifier(row, "voter-id", name),
                vote=vote,
                timestamp=_int(row, "timestamp", name) if has_timestamp else None,
            ),
        )


def read_participants_votes(
    text: str, name: str = "participants-votes.csv"
) -> list[ParticipantVotes]:
    """The rows of ``participants-votes.csv``: each participant's counts and votes."""
    header, rows = _rows(text, name, PARTICIPANTS_REQUIRED)
    comment_columns: list[tuple[str, int]] = []
    for column in header:
        if column.isdigit():
            comment_columns.append((column, int(column)))
        elif column not in (*PARTICIPANTS_COLUMNS, "xid"):
            raise PolisFormatError(
                name,
                _("%(column)s is neither a known column nor a comment id.")
                % {"column": repr(column)},
                line=1,
            )
    participants: list[ParticipantVotes] = []
    for row in rows:
        votes: dict[int, int] = {}
        for column, comment_id in comment_columns:
            if row.fields[column].strip():
                vote = _int(row, column, name)
                if vote not in VOTE_VALUES:
                    raise PolisFormatError(
                        name,
                        _("%(value)d is not 1 (agree), -1 (disagree) or 0 (pass).")
                        % {"value": vote},
                        line=row.line,
                        column=column,
                    )
                votes[comment_id] = vote
        group = row.fields.get("group-id", "").strip()
        participants.append(
            ParticipantVotes(
                participant=_identifier(row, "participant", name),
                xid=row.fields.get("xid", "").strip(),
                group_id=_int(row, "group-id", name) if group else None,
                n_comments=_int(row, "n-comments", name, blank=0),
                n_votes=_int(row, "n-votes", name, blank=0),
                n_agree=_int(row, "n-agree", name, blank=0),
                n_disagree=_int(row, "n-disagree", name, blank=0),
                votes=votes,
            )
        )
    return participants


def latest_votes(votes: Iterable[PolisVote]) -> list[PolisVote]:
    """Each voter's latest vote on each comment: the greatest timestamp, and of two at the
    same moment (or without timestamps) the later in the file."""
    latest: dict[tuple[str, int], PolisVote] = {}
    for vote in votes:
        key = (vote.voter_id, vote.comment_id)
        kept = latest.get(key)
        if kept is None or (vote.timestamp or 0) >= (kept.timestamp or 0):
            latest[key] = vote
    return list(latest.values())


@dataclass(frozen=True)
class Conversation:
    """A Polis conversation read from its comments.csv and votes.csv: every statement, and
    the latest vote of each voter on each statement."""

    comments: list[PolisComment]
    votes: list[PolisVote]

    @property
    def statement_ids(self) -> list[int]:
        """The statements analysed: every comment but those moderated out."""
        return [c.comment_id for c in self.comments if not c.is_moderated_out]

    def matrix(self) -> VoteMatrix:
        from entregent.method.opinions import VoteMatrix

        return VoteMatrix.from_votes(
            ((v.voter_id, v.comment_id, v.vote) for v in self.votes), self.statement_ids
        )

    def counts(self) -> dict[int, tuple[int, int, int]]:
        """(agrees, disagrees, passes) per comment id, from the votes."""
        counts = {c.comment_id: [0, 0, 0] for c in self.comments}
        for vote in self.votes:
            counts[vote.comment_id][VOTE_VALUES.index(vote.vote)] += 1
        return {key: (a, d, p) for key, (a, d, p) in counts.items()}

    def participant_ids(self) -> list[str]:
        """Everyone who voted or wrote a comment, voters first as they first voted."""
        seen: dict[str, None] = {}
        for vote in sorted(self.votes, key=lambda v: v.timestamp or 0):
            seen.setdefault(vote.voter_id)
        for comment in self.comments:
            seen.setdefault(comment.author_id)
        return list(seen)

    @property
    def fingerprint(self) -> str:
        """What identifies the conversation across exports of it: its first statement (its
        id, time, author and text), which a later export of the same conversation keeps."""
        first = self.comments[0]
        data = f"{first.comment_id}\n{first.timestamp}\n{first.author_id}\n{first.body}"
        return hashlib.sha256(data.encode()).hexdigest()[:12]


def read_conversation(
    comments_text: str,
    votes_text: str,
    comments_name: str = "comments.csv",
    votes_name: str = "votes.csv",
) -> Conversation:
    comments = read_comments(comments_text, comments_name)
    if not comments:
        raise PolisFormatError(comments_name, _("the file has no comments."))
    known = {c.comment_id for c in comments}
    votes: list[PolisVote] = []
    for line, vote in _numbered_votes(votes_text, votes_name):
        if vote.comment_id not in known:
            raise PolisFormatError(
                votes_name,
                _("comment %(id)d is not in %(file)s.")
                % {"id": vote.comment_id, "file": comments_name},
                line=line,
                column="comment-id",
            )
        votes.append(vote)
    return Conversation(comments=comments, votes=latest_votes(votes))


# -- Writing -----------------------------------------------------------------------------------


def polis_datetime(moment: dt.datetime) -> str:
    """``Mon Jan 09 03:43:41 UTC 2017``: Polis' datetime column, in UTC."""
    utc = moment.astimezone(dt.UTC)
    return (
        f"{_DAYS[utc.weekday()]} {_MONTHS[utc.month - 1]} {utc.day:02d} "
        f"{utc:%H:%M:%S} UTC {utc.year}"
    )


def milliseconds(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


@dataclass(frozen=True)
class CommentRow:
    comment_id: int
    author_id: str
    body: str
    moderated: int
    created_at: dt.datetime
    agrees: int
    disagrees: int


@dataclass(frozen=True)
class VoteRow:
    comment_id: int
    voter_id: str
    vote: int
    at: dt.datetime


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def unneutralise(body: str) -> str:
    """A comment's text as written, without the apostrophe ``write_comments`` put before a
    text a spreadsheet would have run as a formula (so that an export imports back as it was)."""
    if body.startswith("'") and body[1:].startswith(csv_safety.FORMULA_STARTS):
        return body[1:]
    return body


def write_comments(rows: Iterable[CommentRow]) -> str:
    """``comments.csv``, newest first as Polis writes it."""
    ordered = sorted(rows, key=lambda r: (r.created_at, r.comment_id), reverse=True)
    return _csv(
        COMMENTS_COLUMNS,
        (
            (
                milliseconds(r.created_at),
                polis_datetime(r.created_at),
                r.comment_id,
                r.author_id,
                r.agrees,
                r.disagrees,
                r.moderated,
                # Members wrote it: a spreadsheet must not run "=HYPERLINK(...)" as a formula.
                csv_safety.neutralise(r.body),
            )
            for r in ordered
        ),
    )


def write_votes(rows: Iterable[VoteRow]) -> str:
    """``votes.csv``, by comment then time, as Polis writes it (one vote per voter and
    comment: the site keeps no history)."""
    ordered = sorted(rows, key=lambda r: (r.comment_id, r.at, r.voter_id))
    return _csv(
        VOTES_COLUMNS,
        (
            (milliseconds(r.at), polis_datetime(r.at), r.comment_id, r.voter_id, r.vote)
            for r in ordered
        ),
    )


def write_participants_votes(
    participants: Sequence[str],
    comments: Sequence[CommentRow],
    votes: Iterable[VoteRow],
    groups: dict[str, int] | None = None,
) -> str:
    """``participants-votes.csv``: one row per participant (in the order given), with their
    group (blank when not grouped), their counts and their vote on each comment."""
    groups = groups or {}
    comment_ids = sorted(c.comment_id for c in comments)
    column = {cid: i for i, cid in enumerate(comment_ids)}
    authored: dict[str, int] = {}
    for comment in comments:
        authored[comment.author_id] = authored.get(comment.author_id, 0) + 1
    cells: dict[str, list[str]] = {p: [""] * len(comment_ids) for p in participants}
    for vote in votes:
        cells[vote.voter_id][column[vote.comment_id]] = str(vote.vote)

    def row(participant: str) -> list[object]:
        mine = cells[participant]
        group = groups.get(participant)
        return [
            participant,
            "" if group is None else group,
            authored.get(participant, 0),
            sum(1 for v in mine if v),
            mine.count("1"),
            mine.count("-1"),
            *mine,
        ]

    return _csv((*PARTICIPANTS_COLUMNS, *map(str, comment_ids)), map(row, participants))
