from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from entregent.accounts.models import User
from entregent.network.search import search


class Command(BaseCommand):
    help = "Ask a member's network, as the search page does: best matches first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", nargs="+", help="What to look for, e.g. graphiste")
        parser.add_argument("--user", required=True, help="The member's email address")
        parser.add_argument("--limit", type=int, default=20, help="Results to print (20)")
        parser.add_argument("--json", action="store_true", help="Print a JSON list")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(email__iexact=options["user"])
        except User.DoesNotExist:
            raise CommandError(f"No member with the email address {options['user']!r}") from None
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        text = " ".join(options["query"])
        results = search(user, text, limit=options["limit"])
        rows: list[dict[str, Any]] = [
            {
                "id": hit.contact.pk,
                "display_name": hit.contact.display_name,
                "headline": hit.contact.headline,
                "score": hit.score,
                "matched_fields": hit.matched_fields,
            }
            for hit in results.hits
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write(f"Nobody in {user.email}'s network matches {text!r}.")
            return
        if results.partial:
            self.stdout.write("No contact matches every word; best partial matches:")
        width = max(len(r["display_name"]) for r in rows)
        for row, hit in zip(rows, results.hits, strict=True):
            fields = ", ".join(row["matched_fields"])
            what = hit.contact.headline or hit.contact.job_title
            self.stdout.write(
                f"{row['score']:7.3f}  {row['id']:>7}  {row['display_name']:<{width}}  "
                f"{what[:50]:<50}  [{fields}]"
            )
