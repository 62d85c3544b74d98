"""The feedback on a step: its threaded comments, votes and flags, for the step's page.

The step's page shows the comments of every version of the step, grouped by the version they
were written on: the version on the page first (where the form posts), then the older
ones, newest first. A step is discussed across its versions (a criticism of version 1 is
often what version 2 answers), so hiding version 1's comments from version 2's page would
lose that; and grouping, rather than one mixed list, keeps each version's discussion whole for
the facilitator who synthesises it. Each comment on an older version also says "on version 1"
beside its date, so that a link to one comment reads right on its own.

``thread_context`` runs a fixed number of queries whatever the number of comments and votes:
the comments with their authors, the method's team (for the "facilitator" badges), and for a
member their own votes and flags (one query each); counts are denormalised on the comments.
Rendering is the other half of the cost: Markdown is rendered once per distinct text per
process (``rendered``), URLs are built from one ``reverse`` per kind of link, and the template
walks a flat list (``Entry.closes`` says where the nested lists end) rather than including
itself once per comment.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from entregent.lib.markdown import render_markdown
from entregent.method.forms_feedback import CommentForm
from entregent.method.models import (
    MAX_DEPTH,
    Comment,
    Flag,
    Method,
    MethodRole,
    Step,
    StepVersion,
    Vote,
)

if TYPE_CHECKING:
    from entregent.accounts.models import User

Status = Comment.Status

# Any number that no real comment has, replaced in the reversed URL by each comment's id.
_PK = 987654321


@lru_cache(maxsize=4096)
def rendered(body: str) -> SafeString:
    """A comment's Markdown as HTML. Rendering a page of 500 comments took 100 to 200 ms,
    over the page's whole budget; texts repeat from one view of the page to the next, so each
    process keeps the latest 4,096 (a few MB: comments are short)."""
    # render_markdown sanitises with nh3.
    return mark_safe(render_markdown(body))


def public_name(user: Any) -> str:
    """How a member is named to other readers: their display name, never their address."""
    if user is None:
        return _("Former member")
    return (user.display_name or "").strip() or _("A member")


class CommentLinks:
    """The URLs of the actions on comments of one method, built from one ``reverse`` each."""

    NAMES = (
        "reply",
        "edit",
        "history",
        "vote",
        "flag",
        "trash",
        "restore",
        "approve",
        "keep",
    )

    def __init__(self, method: Method) -> None:
        self.templates = {
            name: reverse(f"methods:comment-{name}", args=[method.slug, _PK]).replace(
                str(_PK), "{}"
            )
            for name in self.NAMES
        }

    def for_comment(self, pk: int) -> dict[str, str]:
        return {name: template.format(pk) for name, template in self.templates.items()}


@dataclass
class Entry:
    """One comment as this reader sees it in the thread."""

    comment: Comment
    author_name: str
    author_role: str
    # Whether the reader sees the text, or a placeholder keeping the thread's shape.
    readable: bool
    placeholder: str
    version_label: str
    links: dict[str, str]
    my_vote: str = ""
    flagged_by_me: bool = False
    can_reply: bool = False
    can_vote: bool = False
    can_flag: bool = False
    can_edit: bool = False
    is_mine: bool = False
    moderation: list[str] = field(default_factory=list)
    # The nested list of replies opens after this entry; ``closes`` nested lists end after it.
    has_replies: bool = False
    closes: range = range(0)

    @property
    def html(self) -> SafeString:
        return rendered(self.comment.body) if self.readable else mark_safe("")

    @property
    def status_label(self) -> str:
        comment = self.comment
        if comment.status == Status.TRASHED:
            return _("In the trash: %(reason)s") % {"reason": comment.get_trash_reason_display()}
        if comment.status == Status.PUBLISHED:
            return ""
        return str(comment.get_status_display())

    def votes(self) -> list[tuple[str, str, int, bool]]:
        """(choice, label, count, pressed) for each vote choice."""
        comment = self.comment
        counts: dict[str, int] = {
            Vote.Choice.AGREE: comment.agree_count,
            Vote.Choice.DISAGREE: comment.disagree_count,
            Vote.Choice.PASS: comment.pass_count,
        }
        return [
            (choice, str(label), counts[choice], self.my_vote == choice)
            for choice, label in Vote.Choice.choices
        ]


@dataclass
class Section:
    version: StepVersion
    heading: str
    entries: list[Entry]
    is_shown_version: bool

    @property
    def count(self) -> int:
        return sum(1 for e in self.entries if e.readable)


@dataclass
class Feedback:
    version: StepVersion
    sections: list[Section]
    form: CommentForm | None
    form_action: str
    # Why the form is not there, when it is not (closed, not published, not logged in).
    closed_message: str
    commentable: StepVersion | None
    login_url: str
    trash_summary: str
    is_moderator: bool
    moderation_url: str
    waiting_for_moderators: int
    total: int
    # The reply form's action with "{}" for the comment id, for feedback.js.
    reply_action: str
    grouped: bool


def trash_summary(reasons: Iterable[str]) -> str:
    """ "2 comments moved to the trash: 1 off topic, 1 spam", or ''."""
    counts = Counter(reasons)
    total = sum(counts.values())
    if not total:
        return ""
    parts = [
        f"{counts[reason]} {str(label).lower()}"
        for reason, label in Comment.TrashReason.choices
        if counts.get(reason)
    ]
    return ngettext(
        "%(count)d comment moved to the trash: %(reasons)s",
        "%(count)d comments moved to the trash: %(reasons)s",
        total,
    ) % {"count": total, "reasons": ", ".join(parts)}


def thread_context(
    request: HttpRequest, method: Method, step: Step, version: StepVersion
) -> dict[str, Any]:
    """What ``method/_feedback.html`` needs to show the discussion of ``step`` on the page of
    ``version``, in a number of queries that does not grow with the comments."""
    user = request.user
    member = cast("User", user) if user.is_authenticated else None
    is_moderator = method.is_moderator(user)
    # The versions come prefetched with the step (access.get_step).
    versions = {v.pk: v for v in step.versions.all()}
    published = [v for v in versions.values() if v.is_published]
    latest = max((v.number for v in published), default=version.number)

    comments = list(
        Comment.objects.filter(step=step).select_related("author").order_by("created_at", "pk")
    )
    # A facilitator who also moderates is named a facilitator: read last, it wins.
    team = dict(
        MethodRole.objects.filter(method=method).order_by("-role").values_list("user_id", "role")
    )
    my_votes: dict[int, str] = {}
    my_flags: set[int] = set()
    if member is not None and comments:
        my_votes = dict(
            Vote.objects.filter(voter=member, comment__step=step).values_list(
                "comment_id", "choice"
            )
        )
        my_flags = set(
            Flag.objects.filter(flagger=member, comment__step=step).values_list(
                "comment_id", flat=True
            )
        )

    links = CommentLinks(method)
    children: dict[int | None, list[Comment]] = {}
    for comment in comments:
        children.setdefault(comment.parent_id, []).append(comment)

    # Who sees what: text for readers of the comment (``is_readable_by``); a placeholder for
    # a comment they may not read that has replies they may, so the thread keeps its shape;
    # nothing for the rest.
    readable = {c.pk: c.is_readable_by(user, is_moderator) for c in comments}
    shown: dict[int, bool] = {}
    for comment in reversed(comments):  # replies come after their parents
        shown[comment.pk] = readable[comment.pk] or any(
            shown[c.pk] for c in children.get(comment.pk, ())
        )

    def entry(comment: Comment) -> Entry:
        comment_version = versions.get(comment.version_id)
        comment.version = comment_version or comment.version
        takes = comment_version is not None and comment_version.takes_comments
        published_ = comment.status == Status.PUBLISHED
        mine = member is not None and comment.author_id == member.pk
        # A comment a member can still answer and vote on (not one whose text was erased).
        open_ = member is not None and published_ and takes and not comment.author_erased
        placeholder = ""
        if not readable[comment.pk]:
            if comment.status == Status.TRASHED:
                placeholder = _("Comment moved to the trash (%(reason)s).") % {
                    "reason": comment.get_trash_reason_display().lower()
                }
            else:
                placeholder = _("Comment hidden until a moderator reviews it.")
        elif comment.author_erased:
            placeholder = _("Text removed: its author left the site.")
        label = ""
        if comment.depth == 1 and comment_version and comment_version.number < latest:
            label = _("on version %(number)d") % {"number": comment_version.number}
        actions = []
        if is_moderator:
            if comment.status != Status.TRASHED:
                actions.append("trash")
            if comment.status == Status.TRASHED:
                actions.append("restore")
            if comment.status == Status.HELD:
                actions.append("approve")
            if comment.status == Status.HIDDEN or (published_ and comment.open_flag_count):
                actions.append("keep")
        return Entry(
            comment=comment,
            author_name=public_name(comment.author),
            author_role=str(MethodRole.Role(team[comment.author_id]).label)
            if comment.author_id in team
            else "",
            readable=readable[comment.pk] and not comment.author_erased,
            placeholder=placeholder,
            version_label=label,
            links=links.for_comment(comment.pk),
            my_vote=my_votes.get(comment.pk, ""),
            flagged_by_me=comment.pk in my_flags,
            can_reply=open_ and comment.depth < MAX_DEPTH,
            can_vote=open_ and comment.is_votable,
            can_flag=bool(member) and published_ and not mine and not comment.author_erased,
            can_edit=mine and takes and comment.status in (Status.PUBLISHED, Status.HELD),
            is_mine=mine,
            moderation=actions,
        )

    def walk(parent_id: int | None, version_id: int | None, out: list[Entry]) -> None:
        kids = [
            c
            for c in children.get(parent_id, ())
            if shown[c.pk] and (version_id is None or c.version_id == version_id)
        ]
        for comment in kids:
            item = entry(comment)
            out.append(item)
            before = len(out)
            walk(comment.pk, None, out)
            item.has_replies = len(out) > before
            if item.has_replies:
                # The deepest last reply closes its own list and each one above it.
                last = out[-1]
                last.closes = range(len(last.closes) + 1)

    sections = []
    order = sorted(
        {c.version_id for c in comments if c.depth == 1 and shown[c.pk]} | {version.pk},
        key=lambda pk: (pk != version.pk, -(versions[pk].number if pk in versions else 0)),
    )
    for version_pk in order:
        shown_version = versions.get(version_pk, version)
        items: list[Entry] = []
        walk(None, version_pk, items)
        if version_pk == version.pk:
            heading = _("On version %(number)d, this version") % {"number": shown_version.number}
        else:
            heading = _("On version %(number)d") % {"number": shown_version.number}
        sections.append(Section(shown_version, heading, items, version_pk == version.pk))

    commentable = version if version.takes_comments else None
    if commentable is None:
        commentable = next(
            (v for v in sorted(published, key=lambda v: -v.number) if v.takes_comments),
            None,
        )
    closed_message = ""
    form = None
    form_action = ""
    if version.takes_comments:
        form_action = reverse(
            "methods:comment-create", args=[method.slug, step.number, version.number]
        )
        if member is not None:
            form = CommentForm(author=member, version=version)
    elif not version.is_published:
        closed_message = _("Comments open when this version is published.")
    elif commentable is not None:
        closed_message = _(
            "Version %(number)d no longer takes comments: the discussion goes on on version "
            "%(current)d."
        ) % {"number": version.number, "current": commentable.number}
    else:
        closed_message = _("Feedback on this step is closed for now.")

    waiting = 0
    if is_moderator:
        waiting = sum(
            1
            for c in comments
            if c.status in (Status.HELD, Status.HIDDEN)
            or (c.status == Status.PUBLISHED and c.open_flag_count)
        )
    feedback = Feedback(
        version=version,
        sections=sections,
        form=form,
        form_action=form_action,
        closed_message=closed_message,
        commentable=commentable,
        login_url=reverse("account_login") + "?" + urlencode({"next": request.get_full_path()}),
        trash_summary=trash_summary(
            c.trash_reason for c in comments if c.status == Status.TRASHED
        ),
        is_moderator=is_moderator,
        moderation_url=reverse("methods:moderation", args=[method.slug]),
        waiting_for_moderators=waiting,
        total=sum(1 for c in comments if c.status == Status.PUBLISHED),
        reply_action=links.templates["reply"],
        grouped=len(published) > 1,
    )
    return {"feedback": feedback}
