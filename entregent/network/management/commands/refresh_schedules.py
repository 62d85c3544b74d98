from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from entregent.accounts.models import User
from entregent.network.models import Contact


class Command(BaseCommand):
    help = (
        "Recompute every contact's keep-in-touch dates (due, dormant) from the cadence rules, "
        "for every member or one. A repair: the site keeps them right on every write, so this "
        "changes nothing unless something wrote around it. Safe to run at any time, and again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", help="Only this member (email address)")
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the contacts that would change"
        )
        parser.add_argument("--json", action="store_true", help="Print a JSON summary")

    def handle(self, *args: Any, **options: Any) -> None:
        users = User.objects.order_by("pk")
        if options["user"]:
            users = users.filter(email__iexact=options["user"])
            if not users.exists():
                raise CommandError(f"No member with the email address {options['user']!r}")
        started = time.perf_counter()
        summary = {"members": 0, "contacts": 0, "changed": 0}
        for user_id in users.values_list("pk", flat=True):
            # Pending contacts and those in the bin too: they come back with the right dates.
            contacts = Contact.objects.filter(owner_id=user_id)
            summary["contacts"] += contacts.count()
            summary["changed"] += contacts.refresh_schedule(dry_run=options["dry_run"])
            summary["members"] += 1
        seconds = round(time.perf_counter() - started, 2)
        if options["json"]:
            self.stdout.write(
                json.dumps({**summary, "dry_run": options["dry_run"], "seconds": seconds})
            )
            return
        verb = "would change" if options["dry_run"] else "changed"
        self.stdout.write(
            f"Checked {summary['contacts']} contacts of {summary['members']} members: "
            f"{summary['changed']} {verb}, in {seconds} s."
        )
