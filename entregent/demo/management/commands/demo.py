from __future__ import annotations

import dataclasses
import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from entregent.accounts.models import User
from entregent.demo.loader import DEFAULT_CONTACTS, DEFAULT_SEED, PASSWORD, load_demo
from entregent.demo.method import load_method_demo


class Command(BaseCommand):
    help = (
        "Create the demo accounts (admin, facilitator, moderation, camille, sam; password "
        f"{PASSWORD!r}) and their networks; camille and sam also get a year of tending "
        "(objectives, outcomes, daily health). Then the method « Développer son réseau », "
        "built with about thirty light members: its step 1 validated, synthesised and "
        "validated again as version 2, both applied by members in small networks of their own "
        "and judged (version 1 failed, version 2 succeeded, a progress report says so), its "
        "step 2 open for feedback, its step 3 scheduled. "
        "Running it again replaces the demo accounts' data with the same data and touches no "
        "other account."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already has users (what `make run` uses).",
        )
        parser.add_argument(
            "--contacts",
            type=int,
            default=DEFAULT_CONTACTS,
            metavar="N",
            help=f"Contacts in each member's network (default {DEFAULT_CONTACTS}).",
        )
        parser.add_argument(
            "--seed",
            default=DEFAULT_SEED,
            help="Another seed gives other (equally deterministic) networks.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Build everything, then roll it back."
        )
        parser.add_argument("--json", action="store_true", help="Print a JSON summary.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["contacts"] < 1:
            raise CommandError("--contacts must be at least 1")
        if options["if_empty"] and User.objects.exists():
            self._report({"skipped": True, "reason": "the database already has users"}, options)
            return
        started = time.perf_counter()
        with transaction.atomic():
            summaries = load_demo(contacts=options["contacts"], seed=options["seed"])
            method = load_method_demo(seed=options["seed"])
            if options["dry_run"]:
                transaction.set_rollback(True)
        result = {
            "skipped": False,
            "dry_run": options["dry_run"],
            "seconds": round(time.perf_counter() - started, 2),
            "password": PASSWORD,
            "members": [dataclasses.asdict(s) for s in summaries],
            "method": dataclasses.asdict(method),
        }
        self._report(result, options)

    def _report(self, result: dict[str, Any], options: dict[str, Any]) -> None:
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        if result["skipped"]:
            self.stdout.write(f"Demo data skipped: {result['reason']}.")
            return
        verb = "Would create" if result["dry_run"] else "Demo data ready"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} in {result['seconds']} s (password: {PASSWORD})")
        )
        for m in result["members"]:
            line = f"  {m['email']:<32} {m['role']:<12}"
            if m["contacts"]:
                line += (
                    f"{m['contacts']} contacts, {m['interactions']} interactions, "
                    f"{m['tags']} tags, {m['due']} due, {m['dormant']} dormant"
                )
            if m["objectives"]:
                line += (
                    f", {m['objectives']} objectives ({m['objectives_reached']} reached), "
                    f"{m['outcomes']} outcomes, {m['snapshots']} days of health"
                )
            self.stdout.write(line.rstrip())
        method = result["method"]
        verdicts = ", ".join(
            f"version {number} {status or 'without results'} ({succeeded} of {counted} "
            "counted members reached the expected count)"
            for number, (status, counted, succeeded) in sorted(
                method["verdicts"].items(), key=lambda item: int(item[0])
            )
        )
        self.stdout.write(
            f"  Method « {method['title']} » ({method['path']}): {method['comments']} "
            f"comments ({method['trashed']} trashed) and {method['votes']} votes from "
            f"{method['voters']} members; step 1 validated, then version 2 after a synthesis "
            f"({method['dispositions']} dispositions); step 2 open, {method['open_voters']} "
            f"voters; step 3 scheduled; {method['light_members']} light members, "
            "firstname.lastname@demo.entregent.org"
        )
        self.stdout.write(
            f"  Step 1 applied by {method['adopters']} members, {method['debriefs']} debriefs, "
            f"{method['releases']} results releases: {verdicts}; {method['reports']} progress "
            f"report published ({method['path']}reports/)"
        )
