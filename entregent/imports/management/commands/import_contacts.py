from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from entregent.accounts.models import User
from entregent.imports import actions
from entregent.imports.models import ImportJob
from entregent.imports.parsers import FORMATS
from entregent.imports.parsers.csv import FIELDS

# Exit codes: 0 imported (rows skipped or in error included), 1 the import failed, 2 nothing
# could be read (no such member or file, a file that is not in its format, bad options).
CANNOT_READ = 2
FAILED = 1


def parse_mapping(text: str) -> dict[str, str]:
    """``email=Courriel,given_name=Prénom`` -> {"email": "Courriel", "given_name": "Prénom"}."""
    mapping: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        field, sep, column = item.partition("=")
        field = field.strip()
        if not sep or field not in FIELDS:
            raise CommandError(
                f"--map takes field=column pairs, the fields being {', '.join(FIELDS)}; "
                f"not {item!r}.",
                returncode=CANNOT_READ,
            )
        mapping[field] = column.strip()
    return mapping


def one_line(message: str) -> str:
    return " ".join(message.split())


class Command(BaseCommand):
    help = (
        "Import a contact file into a member's network, as the import page does: exact "
        "duplicates merge, rows that cannot be read are reported with their line and skipped. "
        "Exit status 0 when the file was imported, 2 when it could not be read."
    )
    # Scripts read stderr: a failure is one line, not a line after the system checks' warnings
    # (the site's checks say nothing about importing a file).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The contact file (CSV or vCard)")
        parser.add_argument("--user", required=True, help="The member's email address")
        parser.add_argument(
            "--format",
            choices=("auto", *FORMATS),
            default="auto",
            help="The file's format (default: recognised from its content)",
        )
        parser.add_argument(
            "--map",
            default="",
            help="Generic CSV: the columns, as field=column,... (fields: "
            f"{', '.join(FIELDS)}); the others are guessed from the header",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Read the file and say what would happen"
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help='Print {"created", "merged", "skipped", "errors": [{"line", "message"}]} '
            "(at most the first 1,000 errors)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["user"]).first()
        if user is None:
            raise CommandError(
                f"No member with the email address {options['user']!r}.", returncode=CANNOT_READ
            )
        mapping = parse_mapping(options["map"]) if options["map"] else None
        if mapping is not None and options["format"] not in ("auto", "csv"):
            raise CommandError(
                "--map applies to generic CSV files (--format csv).", returncode=CANNOT_READ
            )
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                f"Cannot read {path}: {error.strerror or error}.", returncode=CANNOT_READ
            ) from None
        # A worker killed mid-import left it pending: roll it back before adding to the network.
        actions.recover_interrupted()

        job = actions.create_job(user, data, path.name, options["format"], mapping)
        del data
        actions.preview_import(job, fuzzy_limit=0)
        if job.status == ImportJob.Status.FAILED:
            job.delete()
            raise CommandError(f"{path}: {one_line(job.error)}", returncode=CANNOT_READ)
        if options["dry_run"]:
            counts = job.preview["counts"]
            job.delete()
            self.report(counts, options, dry_run=True)
            return
        if not actions.confirm_import(job):
            job.delete()
            raise CommandError(
                f"Another import of {user.email} is running: try again when it has finished.",
                returncode=FAILED,
            )
        job = actions.run_import(job)
        if job.status != ImportJob.Status.DONE:
            raise CommandError(f"{path}: {one_line(job.error)}", returncode=FAILED)
        self.report(job.result, options, dry_run=False)

    def report(self, counts: dict[str, Any], options: dict[str, Any], *, dry_run: bool) -> None:
        if options["json"]:
            summary = {
                "created": counts["created"],
                "merged": counts["merged"],
                "skipped": counts["skipped"],
                "errors": counts["errors"],
            }
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {options['file']} for {options['user']}: {counts['created']} new, "
            f"{counts['merged']} merged into existing contacts, {counts['skipped']} skipped, "
            f"{counts['error_count']} error(s)."
        )
        for problem in counts["errors"]:
            self.stdout.write(f"  line {problem['line']}: {problem['message']}")
        for problem in counts["warnings"]:
            self.stdout.write(f"  warning, line {problem['line']}: {problem['message']}")
