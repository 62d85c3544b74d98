from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from entregent.accounts.models import User
from entregent.imports import exports


class Command(BaseCommand):
    help = (
        "Write a member's contacts (bin excluded) as vCard 4.0, CSV or JSON, to standard "
        "output or a file. Reads only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="The member's email address")
        parser.add_argument(
            "--format", required=True, choices=exports.FORMATS, help="vcard, csv or json"
        )
        parser.add_argument("--output", help="A file to write (standard output by default)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["user"]).first()
        if user is None:
            raise CommandError(
                f"No member with the email address {options['user']!r}.", returncode=2
            )
        contacts = exports.member_contacts(user)
        if options["format"] == "json":
            chunks = iter([json.dumps(exports.json(contacts), ensure_ascii=False, indent=2)])
        elif options["format"] == "csv":
            chunks = exports.iter_csv(contacts)
        else:
            chunks = exports.iter_vcards(contacts)
        if not options["output"]:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            return
        path = Path(options["output"])
        try:
            # newline="": the formats' own CRLF line ends are written as they are.
            with path.open("w", encoding="utf-8", newline="") as out:
                for chunk in chunks:
                    out.write(chunk)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}.", returncode=2) from None
        count = contacts.count()
        self.stderr.write(f"{count} contacts written to {path}.")
