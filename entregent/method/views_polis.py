"""Open formats, for a version's facilitators: its feedback exported in Polis' CSV shapes
(``comments.csv``, ``votes.csv``, ``participants-votes.csv``), and a Polis conversation
imported into it (``forms_polis.py``).

Exports name nobody: every participant, member or imported, is a number given in the order
they first took part (Polis' own habit), the same in the three files of one export. The
statements are the ones the analysis reads (suggestions and criticisms not trashed): a comment
in the trash may hold what a moderator removed for a reason, and an export travels.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from entregent.lib.http import AuthenticatedHttpRequest
from entregent.method import analysis, polis_io
from entregent.method.access import get_method, get_step, get_version, require_facilitator
from entregent.method.forms_polis import (
    IMPORTABLE_STATES,
    AlreadyImported,
    PolisImportForm,
    already_imported_message,
)
from entregent.method.models import Comment, OpinionAnalysis, StepVersion, Vote

TABLES = ("comments", "votes", "participants-votes")


@dataclass(frozen=True)
class Export:
    participants: list[str]
    comments: list[polis_io.CommentRow]
    votes: list[polis_io.VoteRow]
    # Pseudonymous participant -> group index, from the cached analysis (if any).
    groups: dict[str, int]

    def table(self, name: str) -> str:
        if name == "comments":
            return polis_io.write_comments(self.comments)
        if name == "votes":
            return polis_io.write_votes(self.votes)
        return polis_io.write_participants_votes(
            self.participants, self.comments, self.votes, self.groups
        )


def build_export(version: StepVersion) -> Export:
    statements = list(
        analysis.statements(version)
        .order_by("created_at", "pk")
        .values_list("pk", "author_id", "imported_author_id", "body", "status", "created_at")
    )
    votes = list(
        Vote.objects.filter(comment__in=analysis.statements(version))
        .exclude(voter__isnull=True, participant__isnull=True)
        .values_list(
            "comment_id", "voter_id", "participant_id", "choice", "created_at", "updated_at"
        )
    )
    # Who took part, as the analysis names them; an erased author stands alone, per comment.
    first_seen: dict[str, tuple[dt.datetime, int]] = {}

    def seen(key: str, at: dt.datetime, order: int) -> None:
        if key not in first_seen or (at, order) < first_seen[key]:
            first_seen[key] = (at, order)

    def author_key(pk: int, author: int | None, imported: int | None) -> str:
        return f"u{author}" if author else f"i{imported}" if imported else f"c{pk}"

    def voter_key(voter: int | None, participant: int | None) -> str:
        return f"u{voter}" if voter is not None else f"i{participant}"

    for pk, author, imported, _body, _status, created in statements:
        seen(author_key(pk, author, imported), created, 1)
    for _comment, voter, participant, _choice, created, _updated in votes:
        seen(voter_key(voter, participant), created, 0)
    ordered = sorted(first_seen, key=lambda key: (first_seen[key], key))
    pseudonym = {key: str(number) for number, key in enumerate(ordered)}

    vote_rows = [
        polis_io.VoteRow(
            comment_id=comment,
            voter_id=pseudonym[voter_key(voter, participant)],
            vote=analysis.CHOICE_VALUES[choice],
            at=updated,
        )
        for comment, voter, participant, choice, _created, updated in votes
    ]
    agrees: dict[int, int] = {}
    disagrees: dict[int, int] = {}
    for row in vote_rows:
        if row.vote == 1:
            agrees[row.comment_id] = agrees.get(row.comment_id, 0) + 1
        elif row.vote == -1:
            disagrees[row.comment_id] = disagrees.get(row.comment_id, 0) + 1
    comment_rows = [
        polis_io.CommentRow(
            comment_id=pk,
            author_id=pseudonym[author_key(pk, author, imported)],
            body=body,
            # Published: in; held for review or hidden after flags: not (yet) moderated.
            moderated=polis_io.MODERATED_IN
            if status == Comment.Status.PUBLISHED
            else polis_io.UNMODERATED,
            created_at=created,
            agrees=agrees.get(pk, 0),
            disagrees=disagrees.get(pk, 0),
        )
        for pk, author, imported, body, status, created in statements
    ]
    cached = OpinionAnalysis.objects.filter(version=version).values_list("result", flat=True)
    groups: dict[str, int] = {}
    for result in cached:
        for index, group in enumerate(result.get("groups", [])):
            for member in group.get("members", []):
                if member in pseudonym:
                    groups[pseudonym[member]] = index
    return Export(
        participants=[pseudonym[key] for key in ordered],
        comments=comment_rows,
        votes=vote_rows,
        groups=groups,
    )


def _facilitated_version(
    request: AuthenticatedHttpRequest, slug: str, number: int, version: int
) -> StepVersion:
    method = get_method(request, slug)
    step = get_step(request, method, number)
    current = get_version(request, step, version)
    require_facilitator(method, request.user)
    return current


# /methods/<slug>/steps/<n>/v<k>/export/<table>.csv


@login_required
def polis_export(
    request: AuthenticatedHttpRequest, slug: str, number: int, version: int, table: str
) -> HttpResponse:
    current = _facilitated_version(request, slug, number, version)
    if table not in TABLES:
        raise Http404
    response = HttpResponse(
        build_export(current).table(table), content_type="text/csv; charset=utf-8"
    )
    name = f"{current.step.method.slug}-step-{current.step.number}-v{current.number}-{table}.csv"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


# /methods/<slug>/steps/<n>/v<k>/import/polis/


@login_required
@require_http_methods(["GET", "POST"])
def polis_import(
    request: AuthenticatedHttpRequest, slug: str, number: int, version: int
) -> HttpResponse:
    current = _facilitated_version(request, slug, number, version)
    form = PolisImportForm(request.POST or None, request.FILES or None, version=current)
    if request.method == "POST" and form.is_valid():
        try:
            summary = form.save()
        except AlreadyImported:
            form.add_error(None, already_imported_message(current))
        else:
            messages.success(
                request,
                _(
                    "Imported into version %(number)d. Comments: %(comments)d (moderated out, "
                    "in the trash: %(trashed)d). Votes: %(votes)d. Participants: "
                    "%(participants)d. The analysis of the votes follows in a few moments."
                )
                % {
                    "number": current.number,
                    "comments": summary.comments + summary.trashed,
                    "trashed": summary.trashed,
                    "votes": summary.votes,
                    "participants": summary.participants,
                },
            )
            return redirect(reverse("methods:polis-import", args=[slug, number, version]))
    imported = current.imported_participants.count()
    return render(
        request,
        "method/polis_import.html",
        {
            "method": current.step.method,
            "step": current.step,
            "version": current,
            "form": form,
            "can_import": current.state in IMPORTABLE_STATES,
            "imported": imported,
            "exports": [
                (
                    table,
                    reverse("methods:polis-export", args=[slug, number, version, table]),
                )
                for table in TABLES
            ],
        },
    )
