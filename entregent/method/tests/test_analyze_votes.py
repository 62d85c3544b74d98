"""``manage.py analyze_votes``: the analysis of any Polis export, as JSON for scripts and as a
summary for people, and a clear one-line error with exit status 2 for files it cannot read."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase

from entregent.method import opinions, polis_io

DATA = Path(__file__).parent / "data" / "polis"
CONVERSATIONS = ("canadian-electoral-reform", "scoop-hivemind.freshwater")


def files(name: str) -> list[str]:
    return [
        "--comments",
        str(DATA / name / "comments.csv"),
        "--votes",
        str(DATA / name / "votes.csv"),
    ]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("analyze_votes", *args, stdout=out)
    return out.getvalue()


class AnalyzeVotesTests(SimpleTestCase):
    def test_json_gives_groups_with_members_consensus_and_representative_statements(
        self,
    ) -> None:
        for name in CONVERSATIONS:
            with self.subTest(name):
                result: dict[str, Any] = json.loads(run(*files(name), "--json"))
                talk = polis_io.read_conversation(
                    (DATA / name / "comments.csv").read_text(encoding="utf-8"),
                    (DATA / name / "votes.csv").read_text(encoding="utf-8"),
                )
                self.assertEqual(result, opinions.analyse(talk.matrix()).to_json())
                self.assertIn(result["k"], range(2, 6))
                voters = {v.voter_id for v in talk.votes}
                members = [m for g in result["groups"] for m in g["members"]]
                self.assertEqual(len(members), len(set(members)))
                self.assertLessEqual(set(members), voters)
                self.assertEqual(len(members), result["clustered"])
                moderated_out = {c.comment_id for c in talk.comments if c.is_moderated_out}
                for group in result["groups"]:
                    self.assertGreaterEqual(group["size"], 2)
                    self.assertTrue(1 <= len(group["representative"]) <= 5)
                    for statement in group["representative"]:
                        self.assertNotIn(statement["statement"], moderated_out)
                self.assertTrue(result["consensus"]["agree"])
                self.assertTrue(result["consensus"]["disagree"])

    def test_without_json_it_prints_a_summary_people_can_read(self) -> None:
        text = run(*files("scoop-hivemind.freshwater"))
        self.assertIn("116 participants, 51 statements (29 moderated out, left out)", text)
        self.assertIn("Opinion groups: 2", text)
        self.assertIn("Group A: 25 participants.", text)
        self.assertIn("Consensus, agreed:", text)
        self.assertIn("Consensus, disagreed:", text)
        self.assertIn("#4 (86 agree, 3 disagree, 2 pass; 94% agree): 3. All NZers", text)
        self.assertIn("Group-informed consensus", text)

    def test_a_missing_file_is_a_clear_error_with_exit_status_2(self) -> None:
        with self.assertRaises(CommandError) as caught:
            run("--comments", "/nowhere/comments.csv", "--votes", "/nowhere/votes.csv")
        self.assertEqual(caught.exception.returncode, 2)
        self.assertIn("/nowhere/comments.csv: cannot be read", str(caught.exception))

    def test_files_swapped_are_a_clear_error_naming_the_file_and_line(self) -> None:
        folder = DATA / "scoop-hivemind.freshwater"
        with self.assertRaises(CommandError) as caught:
            run("--comments", str(folder / "votes.csv"), "--votes", str(folder / "comments.csv"))
        self.assertEqual(caught.exception.returncode, 2)
        self.assertIn(f"{folder / 'votes.csv'}, line 1:", str(caught.exception))
        self.assertIn("comment-body", str(caught.exception))

    def test_from_the_shell_an_error_is_one_line_and_no_traceback(self) -> None:
        folder = DATA / "scoop-hivemind.freshwater"
        process = subprocess.run(
            [
                sys.executable,
                str(Path(settings.BASE_DIR) / "manage.py"),
                "analyze_votes",
                "--comments",
                str(folder / "comments.csv"),
                "--votes",
                str(folder / "summary.csv"),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(process.returncode, 2)
        self.assertEqual(process.stdout, "")
        self.assertNotIn("Traceback", process.stderr)
        self.assertEqual(len(process.stderr.strip().splitlines()), 1)
        self.assertIn(
            "summary.csv, line 1: the columns comment-id, voter-id, vote", process.stderr
        )
