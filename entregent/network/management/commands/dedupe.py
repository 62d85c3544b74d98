from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from entregent.accounts.models import User
from entregent.network import duplicates
from entregent.network.models import Contact


def _threshold(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 < number <= 1:
        raise CommandError(f"--threshold must be a number above 0 and at most 1, not {value!r}.")
    return number


class Command(BaseCommand):
    help = (
        "Print a member's possible duplicate contacts, best first, with their scores and the "
        "reasons, as the duplicates page lists them. Reads only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="The member's email address")
        parser.add_argument(
            "--threshold",
            help="Lowest score printed, above 0 and at most 1 (default: the review threshold, "
            f"{duplicates.finder().REVIEW_THRESHOLD})",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help='Print a JSON list of {"first": {"id", "name"}, "second", "score", "reasons"}',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["user"]).first()
        if user is None:
            raise CommandError(
                f"No member with the email address {options['user']!r}.", returncode=2
            )
        threshold = _threshold(options["threshold"]) if options["threshold"] else None
        pairs = duplicates.compute_pairs(user, threshold)
        ids = {pk for pair in pairs for pk in (pair.first, pair.second)}
        names = dict(
            Contact.objects.filter(owner=user, pk__in=ids).values_list("pk", "display_name")
        )
        if options["json"]:
            rows = [
                {
                    "first": {"id": pair.first, "name": names.get(pair.first, "")},
                    "second": {"id": pair.second, "name": names.get(pair.second, "")},
                    "score": round(pair.score, 4),
                    "reasons": list(pair.reasons),
                }
                for pair in pairs
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for pair in pairs:
            first = f"{names.get(pair.first, '')} (#{pair.first})"
            second = f"{names.get(pair.second, '')} (#{pair.second})"
            reasons = ", ".join(pair.reason_labels())
            self.stdout.write(f"{pair.score:.2f}  {first}  ~  {second}  {reasons}")
        total = Contact.objects.owned_by(user).count()
        self.stdout.write(f"{len(pairs)} possible duplicates among {total} contacts.")
