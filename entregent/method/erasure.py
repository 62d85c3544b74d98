"""What erasing a member does to what they wrote and did in the methods.

The community's record stays whole: a comment stays in its thread as "former member" with its
text removed, a vote stays in the counts without a link to its voter, a flag and a moderation
decision stay without a link to who made them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from entregent.method.models import (
    Comment,
    CommentRevision,
    Disposition,
    Flag,
    Method,
    ModerationAction,
    ProgressReport,
    StepVersion,
    Vote,
)

if TYPE_CHECKING:
    from entregent.accounts.models import User


def anonymise_comments(user: User) -> None:
    CommentRevision.objects.filter(comment__author=user).delete()
    Comment.objects.filter(author=user).update(
        author=None, author_erased=True, body="", edited_at=timezone.now()
    )


def forget_revisions(user: User) -> None:
    CommentRevision.objects.filter(comment__author=user).delete()


def unlink_votes(user: User) -> None:
    Vote.objects.filter(voter=user).update(voter=None)


def unlink_flags(user: User) -> None:
    Flag.objects.filter(flagger=user).update(flagger=None, note="")


def unlink_moderation_actions(user: User) -> None:
    ModerationAction.objects.filter(moderator=user).update(moderator=None)


def forget_method_creator(user: User) -> None:
    Method.objects.filter(created_by=user).update(created_by=None)


def forget_version_author(user: User) -> None:
    StepVersion.objects.filter(created_by=user).update(created_by=None)


def forget_decider(user: User) -> None:
    Disposition.objects.filter(decided_by=user).update(decided_by=None)


def forget_report_author(user: User) -> None:
    ProgressReport.objects.filter(author=user).update(author=None)
