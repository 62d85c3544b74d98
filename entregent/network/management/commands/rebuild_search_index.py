from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from entregent.accounts.models import User
from entregent.network.search import reindex_owner


class Command(BaseCommand):
    help = (
        "Rebuild the search documents and vocabulary of every member (or one) from their "
        "contacts. Safe to run at any time; searches keep working meanwhile."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", help="Only this member (email address)")
        parser.add_argument("--json", action="store_true", help="Print a JSON summary")

    def handle(self, *args: Any, **options: Any) -> None:
        users = User.objects.order_by("pk")
        if options["user"]:
            users = users.filter(email__iexact=options["user"])
            if not users.exists():
                raise CommandError(f"No member with the email address {options['user']!r}")
        started = time.perf_counter()
        summary = {"members": 0, "contacts": 0}
        for user_id in users.values_list("pk", flat=True):
            summary["contacts"] += reindex_owner(user_id)
            summary["members"] += 1
        seconds = round(time.perf_counter() - started, 2)
        if options["json"]:
            self.stdout.write(json.dumps({**summary, "seconds": seconds}))
        else:
            self.stdout.write(
                f"Reindexed {summary['contacts']} contacts of {summary['members']} members "
                f"in {seconds} s."
            )
