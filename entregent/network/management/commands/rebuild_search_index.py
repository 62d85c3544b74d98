from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from entregent.accounts.models import User
from entregent.network.search import reindex_owner
from entregent.network.search.documents import index_is_stale, mark_index_current


class Command(BaseCommand):
    help = (
        "Rebuild the search documents and vocabulary of every member (or one) from their "
        "contacts. Safe to run at any time; searches keep working meanwhile."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", help="Only this member (email address)")
        parser.add_argument("--json", action="store_true", help="Print a JSON summary")
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="Only if the documents were built by an older version of the index",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_stale"] and not index_is_stale():
            if not options["json"]:
                self.stdout.write("The search index is up to date.")
            else:
                self.stdout.write(json.dumps({"members": 0, "contacts": 0, "seconds": 0}))
            return
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
        if not options["user"]:
            mark_index_current()
        seconds = round(time.perf_counter() - started, 2)
        if options["json"]:
            self.stdout.write(json.dumps({**summary, "seconds": seconds}))
        else:
            self.stdout.write(
                f"Reindexed {summary['contacts']} contacts of {summary['members']} members "
                f"in {seconds} s."
            )
