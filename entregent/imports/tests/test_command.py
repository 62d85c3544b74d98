"""manage.py import_contacts: the same import as the pages, for operators and scripts."""

from __future__ import annotations

import json
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path
from unittest import mock

from django.core.management import CommandError, ManagementUtility, call_command

from entregent.imports.models import ImportJob
from entregent.network.models import Contact
from entregent.test import BaseTestCase

DATA = Path(__file__).parent / "data"


class ImportContactsTests(BaseTestCase):
    def run_command(self, *args: str) -> str:
        out = StringIO()
        call_command("import_contacts", *args, stdout=out, stderr=StringIO())
        return out.getvalue()

    def names(self) -> list[str]:
        return sorted(Contact.objects.owned_by(self.alice).values_list("display_name", flat=True))

    def test_it_imports_a_file_and_prints_json_a_script_can_read(self) -> None:
        output = self.run_command(
            "--user", "alice@example.org", "--json", str(DATA / "linkedin_connections.csv")
        )
        report = json.loads(output)
        self.assertEqual(set(report), {"created", "merged", "skipped", "errors"})
        self.assertEqual((report["created"], report["merged"], report["skipped"]), (11, 0, 2))
        self.assertEqual(report["errors"], [])
        self.assertEqual(len(self.names()), 11)
        # An import like the page's: its result page and its undo work.
        job = ImportJob.objects.get(owner=self.alice)
        self.assertEqual(job.status, ImportJob.Status.DONE)

    def test_errors_come_with_their_lines(self) -> None:
        report = json.loads(
            self.run_command("--user", "alice@example.org", "--json", str(DATA / "broken.vcf"))
        )
        self.assertEqual([e["line"] for e in report["errors"]], [6, 14, 26])
        self.assertIn("Bruno Sansfin", report["errors"][0]["message"])
        self.assertGreater(report["created"], 0)

    def test_the_same_file_twice_creates_nothing_the_second_time(self) -> None:
        path = str(DATA / "google_contacts.csv")
        self.run_command("--user", "alice@example.org", path)
        before = self.names()
        report = json.loads(self.run_command("--user", "alice@example.org", "--json", path))
        self.assertEqual((report["created"], report["merged"]), (0, 3))
        self.assertEqual(self.names(), before)

    def test_a_dry_run_says_what_would_happen_and_writes_nothing(self) -> None:
        output = self.run_command(
            "--user", "alice@example.org", "--dry-run", str(DATA / "outlook_desktop.csv")
        )
        self.assertIn("Would import", output)
        self.assertIn("2 new", output)
        self.assertEqual(self.names(), [])
        self.assertFalse(ImportJob.objects.exists())

    def test_the_columns_of_a_generic_csv_can_be_given(self) -> None:
        report = json.loads(
            self.run_command(
                "--user",
                "alice@example.org",
                "--json",
                "--map",
                "display_name=Code",
                str(DATA / "generic_no_name.csv"),
            )
        )
        self.assertEqual(report["created"], 1)

    def test_the_format_can_be_forced(self) -> None:
        with self.assertRaises(CommandError) as raised:
            self.run_command(
                "--user",
                "alice@example.org",
                "--format",
                "vcard",
                str(DATA / "google_contacts.csv"),
            )
        self.assertEqual(raised.exception.returncode, 2)


class ExitCodeTests(BaseTestCase):
    """Run as manage.py runs it: the exit status, one line on stderr and no traceback."""

    def manage(self, *args: str) -> tuple[int, str, str]:
        out, err = StringIO(), StringIO()
        code = 0
        # run_from_argv closes every connection when done, the test's transaction with it on
        # PostgreSQL: keep it open.
        closing = mock.patch("django.core.management.base.connections.close_all")
        with redirect_stdout(out), redirect_stderr(err), closing:
            try:
                ManagementUtility(["manage.py", "import_contacts", *args]).execute()
            except SystemExit as exit:
                code = int(exit.code or 0)
        return code, out.getvalue(), err.getvalue()

    def assertCannotRead(self, args: list[str], words: str) -> None:
        code, out, err = self.manage(*args)
        self.assertEqual(code, 2, err)
        self.assertEqual(out, "")
        self.assertNotIn("Traceback", err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertIn(words, err)

    def test_an_unknown_member_exits_with_2(self) -> None:
        self.assertCannotRead(
            ["--user", "nobody@example.org", str(DATA / "linkedin_connections.csv")],
            "No member with the email address 'nobody@example.org'.",
        )

    def test_a_missing_file_exits_with_2(self) -> None:
        self.assertCannotRead(
            ["--user", "alice@example.org", "/nonexistent/contacts.csv"],
            "Cannot read /nonexistent/contacts.csv: No such file or directory.",
        )

    def test_a_file_that_is_not_in_its_format_exits_with_2_naming_the_line(self) -> None:
        self.assertCannotRead(
            ["--user", "alice@example.org", str(DATA / "generic_no_name.csv")],
            "generic_no_name.csv: Line 1: No column for a name or an email address",
        )
        self.assertFalse(ImportJob.objects.exists())

    def test_a_bad_column_mapping_exits_with_2(self) -> None:
        self.assertCannotRead(
            ["--user", "alice@example.org", "--map", "shoe=Size", str(DATA / "generic_fr.csv")],
            "--map takes field=column pairs",
        )

    def test_an_unknown_format_is_refused_by_the_options(self) -> None:
        code, _out, err = self.manage(
            "--user", "alice@example.org", "--format", "excel", str(DATA / "generic_fr.csv")
        )
        self.assertEqual(code, 2)
        self.assertIn("invalid choice: 'excel'", err)

    def test_a_file_imported_with_rows_skipped_exits_with_0(self) -> None:
        code, out, err = self.manage(
            "--user", "alice@example.org", "--json", str(DATA / "linkedin_connections.csv")
        )
        self.assertEqual((code, err), (0, ""))
        self.assertEqual(json.loads(out)["skipped"], 2)
