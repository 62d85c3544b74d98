"""Moderation of the comments: flags, the trash, held and hidden comments, and the audit log.

Every decision is one transaction: the comment's status changes with a conditional UPDATE
(only from a state that allows it, so two moderators deciding at once, or a moderator and a
flag, make one change), its open flags are resolved, a ``ModerationAction`` records who did
what, when and why, and the author gets a notification saying why; their email is sent by
the worker once the transaction is committed, in their own language.

The site itself acts twice, with no moderator: a new account's first comments are held
(``METHOD_HOLD_FIRST_COMMENTS``), and a comment flagged by ``METHOD_FLAGS_TO_HIDE`` members
is hidden until a moderator decides.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from entregent.accounts.models import Notification
from entregent.method.models import Comment, Flag, ModerationAction

if TYPE_CHECKING:
    from entregent.accounts.models import User

logger = logging.getLogger(__name__)

Action = ModerationAction.Action
Status = Comment.Status


class ModerationError(Exception):
    """A decision the comment's present state does not allow (or someone decided first)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AlreadyFlagged(ModerationError):
    pass


# -- The site's own decisions -------------------------------------------------------------------


def should_hold(author: User, now: dt.datetime | None = None) -> bool:
    """Whether a new comment by ``author`` waits for a moderator: the account is younger than
    ``METHOD_NEW_ACCOUNT_DAYS`` and has written fewer than ``METHOD_HOLD_FIRST_COMMENTS``
    comments (0 holds none)."""
    first = settings.METHOD_HOLD_FIRST_COMMENTS
    if first <= 0:
        return False
    now = now or timezone.now()
    if author.date_joined <= now - dt.timedelta(days=settings.METHOD_NEW_ACCOUNT_DAYS):
        return False
    return Comment.objects.filter(author=author).count() < first


def record_hold(comment: Comment) -> ModerationAction:
    """Log that the site held ``comment`` (created HELD in the caller's transaction)."""
    return ModerationAction.objects.create(
        method_id=comment.step.method_id,
        comment=comment,
        action=Action.HOLD,
        created_at=comment.created_at,
    )


@transaction.atomic
def flag_comment(comment: Comment, flagger: User, reason: str, note: str = "") -> Flag:
    """``flagger`` flags ``comment``; enough open flags hide it until a moderator decides."""
    if comment.author_id == flagger.pk:
        raise ModerationError(_("You cannot flag your own comment: edit it instead."))
    if comment.status != Status.PUBLISHED:
        raise ModerationError(_("This comment is already waiting for a moderator."))
    if Flag.objects.filter(comment=comment, flagger=flagger).exists():
        raise AlreadyFlagged(_("You have already flagged this comment."))
    try:
        with transaction.atomic():
            flag = Flag.objects.create(comment=comment, flagger=flagger, reason=reason, note=note)
    except IntegrityError:  # the same member, twice at once
        raise AlreadyFlagged(_("You have already flagged this comment.")) from None
    Comment.objects.filter(pk=comment.pk).update(open_flag_count=F("open_flag_count") + 1)
    comment.refresh_from_db(fields=["open_flag_count", "status"])
    if comment.open_flag_count >= settings.METHOD_FLAGS_TO_HIDE:
        hidden = Comment.objects.filter(pk=comment.pk, status=Status.PUBLISHED).update(
            status=Status.HIDDEN
        )
        if hidden:
            comment.status = Status.HIDDEN
            action = ModerationAction.objects.create(
                method_id=comment.step.method_id, comment=comment, action=Action.AUTO_HIDE
            )
            notify_author(comment, action)
    return flag


# -- Moderators' decisions ----------------------------------------------------------------------


def _decide(
    comment: Comment,
    moderator: User,
    action: str,
    allowed: tuple[str, ...],
    to: str,
    *,
    reason: str = "",
    note: str = "",
    notify: bool = True,
) -> ModerationAction:
    """Move ``comment`` from one of ``allowed`` to ``to``, resolve its flags, log it and tell
    the author. Runs inside the caller's transaction."""
    now = timezone.now()
    fields: dict[str, object] = {"status": to, "open_flag_count": 0}
    if to == Status.TRASHED:
        fields |= {"trash_reason": reason, "trash_note": note}
    else:
        fields |= {"trash_reason": "", "trash_note": ""}
    changed = Comment.objects.filter(pk=comment.pk, status__in=allowed).update(**fields)
    if not changed:
        comment.refresh_from_db(fields=["status"])
        raise ModerationError(
            _("Nothing done: the comment is now “%(status)s”; someone may have decided first.")
            % {"status": comment.get_status_display()}
        )
    for name, value in fields.items():
        setattr(comment, name, value)
    Flag.objects.filter(comment=comment, resolved_at__isnull=True).update(resolved_at=now)
    entry = ModerationAction.objects.create(
        method_id=comment.step.method_id,
        comment=comment,
        moderator=moderator,
        moderator_name=moderator.get_full_name(),
        action=action,
        reason=reason,
        note=note,
        created_at=now,
    )
    if notify:
        notify_author(comment, entry)
    return entry


@transaction.atomic
def trash(comment: Comment, moderator: User, reason: str, note: str = "") -> ModerationAction:
    """Move ``comment`` to the trash with a reason (and a note to the author)."""
    if reason not in Comment.TrashReason.values:
        raise ModerationError(_("Choose a reason."))
    return _decide(
        comment,
        moderator,
        Action.TRASH,
        (Status.PUBLISHED, Status.HELD, Status.HIDDEN),
        Status.TRASHED,
        reason=reason,
        note=note,
    )


@transaction.atomic
def restore(comment: Comment, moderator: User, note: str = "") -> ModerationAction:
    """Take ``comment`` out of the trash: published again, its votes as they were."""
    return _decide(
        comment, moderator, Action.RESTORE, (Status.TRASHED,), Status.PUBLISHED, note=note
    )


@transaction.atomic
def approve(comment: Comment, moderator: User, note: str = "") -> ModerationAction:
    """Publish a comment held for review."""
    return _decide(comment, moderator, Action.APPROVE, (Status.HELD,), Status.PUBLISHED, note=note)


@transaction.atomic
def keep(comment: Comment, moderator: User, note: str = "") -> ModerationAction:
    """Dismiss the flags on ``comment``: it stays (or is again) published."""
    if comment.status == Status.PUBLISHED and not comment.open_flag_count:
        raise ModerationError(_("Nothing to review: this comment has no open flags."))
    was_hidden = comment.status == Status.HIDDEN
    # The author of a comment that stayed visible throughout has nothing to be told.
    return _decide(
        comment,
        moderator,
        Action.KEEP,
        (Status.PUBLISHED, Status.HIDDEN),
        Status.PUBLISHED,
        note=note,
        notify=was_hidden,
    )


# -- Telling the author why ---------------------------------------------------------------------

# What the author is told, per action: a title and a first sentence.
NOTICES = {
    Action.TRASH: (
        gettext_lazy("Your comment was moved to the trash"),
        gettext_lazy("A moderator moved your comment on “%(step)s” (%(method)s) to the trash."),
    ),
    Action.RESTORE: (
        gettext_lazy("Your comment was restored"),
        gettext_lazy(
            "A moderator took your comment on “%(step)s” (%(method)s) out of the trash: "
            "everyone can read it again, with its votes."
        ),
    ),
    Action.AUTO_HIDE: (
        gettext_lazy("Your comment is hidden until a moderator reviews it"),
        gettext_lazy(
            "Several members flagged your comment on “%(step)s” (%(method)s), so it is hidden "
            "until a moderator decides to keep it or move it to the trash."
        ),
    ),
    Action.APPROVE: (
        gettext_lazy("Your comment is published"),
        gettext_lazy(
            "A moderator approved your comment on “%(step)s” (%(method)s): everyone can read it."
        ),
    ),
    Action.KEEP: (
        gettext_lazy("Your comment is visible again"),
        gettext_lazy(
            "A moderator reviewed the flags on your comment on “%(step)s” (%(method)s) and "
            "kept it: everyone can read it again."
        ),
    ),
}


def notice_text(comment: Comment, entry: ModerationAction) -> tuple[str, str]:
    """The notification's title and body, in the active language."""
    title, first = NOTICES[Action(entry.action)]
    version = comment.version
    lines = [str(first) % {"step": version.title, "method": comment.step.method.title}]
    if entry.action == Action.TRASH:
        lines.append(
            _("Reason: %(reason)s.") % {"reason": Comment.TrashReason(entry.reason).label}
        )
        lines.append(
            _("Your text stays visible to you and to the moderators; others see only the reason.")
        )
    if entry.note:
        lines.append(_("The moderator’s note: %(note)s") % {"note": entry.note})
    return str(title), "\n".join(lines)


def notify_author(comment: Comment, entry: ModerationAction) -> None:
    """An in-app notification now, an email from the worker once the decision is committed."""
    author = comment.author
    if author is None or entry.action not in NOTICES:
        return
    with translation.override(author.language or settings.LANGUAGE_CODE):
        title, body = notice_text(comment, entry)
    Notification.objects.create(
        recipient=author,
        kind="method.moderation",
        title=title,
        body=body,
        url=comment.get_absolute_url(),
        created_at=entry.created_at,
    )
    transaction.on_commit(partial(send_moderation_email.enqueue, entry.pk))


@task()
def send_moderation_email(action_id: int) -> str:
    """Email the author of the comment that moderation action ``action_id`` was about."""
    entry = (
        ModerationAction.objects.select_related(
            "comment__author", "comment__version", "comment__step__method"
        )
        .filter(pk=action_id)
        .first()
    )
    comment = entry.comment if entry else None
    author = comment.author if comment else None
    if entry is None or comment is None or author is None or not author.is_active:
        return "nobody to tell"
    with translation.override(author.language or settings.LANGUAGE_CODE):
        title, body = notice_text(comment, entry)
        text = render_to_string(
            "method/email/moderation_notice.txt",
            {
                "author": author,
                "body": body,
                "comment": comment,
                "url": settings.SITE_URL + comment.get_absolute_url(),
                "site_url": settings.SITE_URL,
            },
        )
        send_mail(title, text, None, [author.email])
    return "sent"
