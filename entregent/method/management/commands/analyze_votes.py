"""``manage.py analyze_votes --comments comments.csv --votes votes.csv [--json]``: the opinion
analysis of any Polis-format export, as the synthesis workspace shows a version's."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from entregent.method import opinions, polis_io

# Exit status when the files cannot be read (missing, not Polis' format).
CANNOT_READ = 2


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(
            f"{path}: cannot be read ({error.strerror or error}).", returncode=CANNOT_READ
        ) from None
    return polis_io.decode(data, path.name)


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


class Command(BaseCommand):
    help = (
        "Print the opinion groups (with their members), the consensus statements (agreed and "
        "disagreed), the representative statements of each group and the group-informed "
        "consensus of a Polis export (comments.csv and votes.csv), using each participant's "
        "latest vote on each statement and leaving out the statements moderated out. "
        "Exit status 2 when a file cannot be read."
    )
    # The site's checks say nothing about reading two files; scripts read one line on error.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--comments", required=True, type=Path, help="Polis' comments.csv")
        parser.add_argument("--votes", required=True, type=Path, help="Polis' votes.csv")
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print the analysis as JSON (participants, statements, clustered, "
            "groups_shown, k, silhouette, groups with members and representative statements, "
            "consensus agree and disagree, group_consensus), statements by Polis comment-id "
            "and participants by Polis voter-id",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        comments_path: Path = options["comments"]
        votes_path: Path = options["votes"]
        try:
            conversation = polis_io.read_conversation(
                _read(comments_path),
                _read(votes_path),
                comments_name=str(comments_path),
                votes_name=str(votes_path),
            )
        except polis_io.PolisFormatError as error:
            raise CommandError(str(error), returncode=CANNOT_READ) from None
        result = opinions.analyse(conversation.matrix()).to_json()
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(self.summary(conversation, result))

    def summary(self, conversation: polis_io.Conversation, result: dict[str, Any]) -> str:
        texts = {c.comment_id: " ".join(c.body.split()) for c in conversation.comments}
        moderated_out = len(conversation.comments) - len(conversation.statement_ids)

        def statement(number: int, figures: str) -> list[str]:
            return textwrap.wrap(
                f"#{number} ({figures}): {texts[number]}",
                width=96,
                initial_indent="    ",
                subsequent_indent="      ",
            )

        lines = [
            f"{result['participants']} participants, {result['statements']} statements "
            f"({moderated_out} moderated out, left out), {result['clustered']} participants "
            f"with at least {opinions.MIN_VOTES_TO_CLUSTER} votes.",
            "",
        ]
        if result["groups_shown"]:
            lines.append(f"Opinion groups: {result['k']} (silhouette {result['silhouette']:.2f}).")
            for group in result["groups"]:
                lines.append(f"  Group {group['label']}: {group['size']} participants.")
                members = ", ".join(group["members"])
                lines += textwrap.wrap(
                    f"Members: {members}",
                    width=96,
                    initial_indent="    ",
                    subsequent_indent="      ",
                )
                lines.append("    Representative statements:")
                for r in group["representative"]:
                    figures = (
                        f"{r['direction']}s: {_percent(r['probability'])} of the group, "
                        f"{_percent(r['other_probability'])} of the others"
                    )
                    lines += ["  " + line for line in statement(r["statement"], figures)]
        else:
            lines.append(
                f"No opinion groups: fewer than {opinions.MIN_CLUSTERED_FOR_GROUPS} "
                f"participants with {opinions.MIN_VOTES_TO_CLUSTER} votes or more, or no "
                "grouping without a group of one."
            )
        for direction, title in (("agree", "agreed"), ("disagree", "disagreed")):
            lines += ["", f"Consensus, {title}:"]
            for s in result["consensus"][direction]:
                figures = (
                    f"{s['agree']} agree, {s['disagree']} disagree, {s['pass']} pass; "
                    f"{_percent(s['probability'])} {direction}"
                )
                lines += statement(s["statement"], figures)
            if not result["consensus"][direction]:
                lines.append("    None.")
        if result["group_consensus"]:
            lines += ["", "Group-informed consensus (every group agrees):"]
            for s in result["group_consensus"]:
                lines += statement(s["statement"], _percent(s["probability"]))
        return "\n".join(lines)
