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
from html import escape as esc
from html import unescape
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_AP
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from entregent.lib.markdown import render_markdown
from entregent.method.forms_feedback import CommentForm
from entregent.method.models import (
    MAX_DEPTH,
    Comment,
    Disposition,
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
COMMENT_FIELDS = tuple(f.name for f in Comment._meta.concrete_fields)
# What the thread shows of a comment's disposition, read in the comments' own query.
DISPOSITION_FIELDS = (
    *(f"disposition__{f.name}" for f in Disposition._meta.concrete_fields if f.name != "comment"),
    "disposition__decided_by__display_name",
)

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


def author_name(comment: Comment) -> str:
    """How a comment's author is named: a member's public name, "former member" once they
    erased their account, or "imported participant" for a comment imported from a
    Polis-format export (it never had a member behind it)."""
    if comment.is_imported:
        return _("Imported participant")
    return public_name(comment.author)


def disposition_of(comment: Comment) -> Disposition | None:
    """The comment's disposition if it has one (read with it: ``select_related``)."""
    return getattr(comment, "disposition", None)


class Dates:
    """Dates as the templates' "j N Y" writes them, in the reader's time zone, for the pages
    written in Python: Django's date_format took 40 µs a call, most of it finding the time
    zone and the month's name again."""

    def __init__(self) -> None:
        self.zone = timezone.get_current_timezone()
        self.months = {n: esc(str(name)) for n, name in MONTHS_AP.items()}

    def day(self, moment: Any) -> str:
        local = moment.astimezone(self.zone)
        return (
            f'<time datetime="{local.isoformat()}">{local.day} {self.months[local.month]} '
            f"{local.year}</time>"
        )


def excerpt(body: str, chars: int = 160) -> str:
    """A comment's text as one line of plain text, cut at a word: for lists that link to
    the comment in its thread. Read from the rendered Markdown, which is cached."""
    # Unescaped once: the template escapes it again where it goes.
    return Truncator(" ".join(unescape(strip_tags(rendered(body))).split())).chars(chars)


def decision_text(disposition: Disposition, versions: dict[int, StepVersion]) -> str:
    """ "Integrated in version 2", "Integrated in the next version", "Rejected", "Deferred"."""
    target = versions.get(disposition.integrated_in_id or 0)
    if disposition.decision == Disposition.Decision.INTEGRATED and target is not None:
        return _("Integrated in version %(number)d") % {"number": target.number}
    return str(Disposition.Decision(disposition.decision).label)


class CommentLinks:
    """The URLs of the actions on one comment, built from one ``reverse`` per action for the
    whole page (a ``reverse`` per link cost more than the rest of a comment)."""

    NAMES = ("reply", "edit", "history", "vote", "flag", "trash", "restore", "approve", "keep")

    def __init__(self, parts: dict[str, tuple[str, str]], pk: int) -> None:
        self.parts = parts
        self.pk = str(pk)

    def __getitem__(self, name: str) -> str:
        before, after = self.parts[name]
        return before + self.pk + after

    @classmethod
    def parts_for(cls, method: Method) -> dict[str, tuple[str, str]]:
        """Each action's URL, cut where the comment's id goes."""
        parts = {}
        for name in cls.NAMES:
            before, _, after = reverse(
                f"methods:comment-{name}", args=[method.slug, _PK]
            ).partition(str(_PK))
            parts[name] = (before, after)
        return parts


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
    links: CommentLinks
    disposition: Disposition | None = None
    # "Integrated in version 2", and that version's address.
    decision: str = ""
    decision_url: str = ""
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


@dataclass
class Section:
    version: StepVersion
    heading: str
    entries: list[Entry]
    is_shown_version: bool
    # The thread as HTML (``ThreadHTML``).
    html: SafeString = field(default_factory=lambda: mark_safe(""))

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
    grouped: bool
    # What became of the suggestions and criticisms, per version (``outcomes``).
    outcomes: list[Outcomes] = field(default_factory=list)
    # The published syntheses that the page's version follows from (its own, the one of the
    # version it revises), newest first.
    syntheses: list[StepVersion] = field(default_factory=list)


@dataclass
class OutcomeItem:
    anchor: str
    excerpt: str
    kind: str
    decision: str
    decision_value: str
    reason: str
    url: str = ""


@dataclass
class Outcomes:
    """The dispositions of one version's suggestions and criticisms: the public record."""

    version: StepVersion
    items: list[OutcomeItem]
    # How many suggestions and criticisms of the version have no disposition yet.
    undecided: int
    counts: list[tuple[str, str, int]] = field(default_factory=list)


class ThreadHTML:
    """A section's thread as HTML, written here rather than by a template: Django's template
    engine took about a millisecond per comment (25,000 nodes for 500 comments, half a
    second), this takes a few dozen microseconds. What a comment shows is decided in
    ``thread_context`` (``Entry``); this only writes it out, every text escaped.

    The markup is the one ``static/method/feedback.js`` and the stylesheet expect: each
    comment an ``<li id="comment-N">`` holding an ``<article>``, its replies an ``<ol
    class="replies">`` inside it; votes one form per comment, a button per choice with
    ``aria-pressed``.
    """

    def __init__(self, request: HttpRequest, member: User | None, is_moderator: bool) -> None:
        self.is_moderator = is_moderator
        path = esc(request.path)
        self.hidden = f'<input type="hidden" name="next" value="{path}">'
        if member is not None:
            token = esc(get_token(request))
            self.hidden = (
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">{self.hidden}'
            )
        self.next_query = "?" + urlencode({"next": request.path})
        self.kinds = {value: esc(str(label)) for value, label in Comment.Kind.choices}
        self.reasons = {value: str(label) for value, label in Comment.TrashReason.choices}
        self.statuses = {value: esc(str(label)) for value, label in Comment.Status.choices}
        self.choices = [(value, esc(str(label))) for value, label in Vote.Choice.choices]
        self.dates = Dates()
        self.text = {
            "edited": esc(_("edited")),
            "history": esc(_("(see its history)")),
            "trash_note": esc(_("Moderator’s note:")),
            "held": esc(
                _(
                    "Held for review: a moderator will publish it. Until then only you and "
                    "the moderators see it."
                )
            ),
            "your_vote": esc(_("Your vote:")),
            "votes": esc(_("Votes:")),
            "reply": esc(_("Reply")),
            "edit": esc(_("Edit")),
            "flagged": esc(_("You flagged it")),
            "flag": esc(_("Flag")),
            "trash": esc(_("Move to the trash")),
            "restore": esc(_("Restore")),
            "approve": esc(_("Approve")),
            "keep": esc(_("Keep (dismiss flags)")),
            "decision": esc(_("Decision:")),
        }

    def section(self, entries: list[Entry]) -> SafeString:
        parts = ['<ol class="thread">']
        for entry in entries:
            parts.append(self.entry(entry))
            parts.append('<ol class="replies">' if entry.has_replies else "</li>")
            parts.append("</ol></li>" * len(entry.closes))
        parts.append("</ol>")
        return mark_safe("".join(parts))  # every text inside is escaped

    def entry(self, e: Entry) -> str:
        c = e.comment
        t = self.text
        anchor = c.anchor
        classes = f"comment kind-{c.kind} status-{c.status}" + (" mine" if e.is_mine else "")
        local = c.created_at.astimezone(self.dates.zone)
        meta = []
        if e.readable or c.author_erased:
            # A comment in the trash names neither its kind nor its author to other readers.
            meta.append(
                f'<span class="kind-label kind-label-{c.kind}">{self.kinds[c.kind]}</span>'
            )
            meta.append(f'<span class="comment-author">{esc(e.author_name)}</span>')
            if e.author_role:
                meta.append(f'<span class="badge role">{esc(e.author_role)}</span>')
        meta.append(
            f'<a class="comment-time" href="#{anchor}"><time datetime="{local.isoformat()}">'
            f"{local.day} {self.dates.months[local.month]} {local.year}, {local:%H:%M}</time></a>"
        )
        if e.version_label:
            meta.append(f'<span class="badge version-label">{esc(e.version_label)}</span>')
        if c.edited_at and e.readable:
            meta.append(
                f'<a class="edited" href="{e.links["history"]}">{t["edited"]}'
                f'<span class="visually-hidden"> {t["history"]}</span></a>'
            )
        if e.readable and c.status != Status.PUBLISHED:
            label = (
                esc(_("In the trash: %(reason)s") % {"reason": self.reasons[c.trash_reason]})
                if c.status == Status.TRASHED and c.trash_reason
                else self.statuses[c.status]
            )
            meta.append(f'<span class="badge status">{label}</span>')
        if self.is_moderator and c.open_flag_count:
            flags = ngettext("%(count)d flag", "%(count)d flags", c.open_flag_count) % {
                "count": c.open_flag_count
            }
            meta.append(f'<span class="badge flags">{esc(flags)}</span>')
        out = [
            f'<li id="{anchor}" class="{classes}">',
            f'<article class="comment-box" aria-labelledby="{anchor}-meta">',
            f'<p class="comment-meta" id="{anchor}-meta">{" ".join(meta)}</p>',
        ]
        if e.readable:
            out.append(f'<div class="prose comment-body">{rendered(c.body)}</div>')
            if c.status == Status.TRASHED and c.trash_note:
                out.append(
                    f'<p class="trash-note"><strong>{t["trash_note"]}</strong> '
                    f"{esc(c.trash_note)}</p>"
                )
            if c.status == Status.HELD and e.is_mine:
                out.append(f'<p class="help">{t["held"]}</p>')
        else:
            out.append(f'<p class="placeholder">{esc(e.placeholder)}</p>')
        if c.is_votable and (e.readable or c.author_erased):
            out.append(self.votes(e))
        if e.disposition is not None and (e.readable or c.author_erased):
            out.append(self.disposition(e, e.disposition))
        actions = self.actions(e)
        if actions:
            out.append(f'<div class="comment-actions">{actions}</div>')
        out.append("</article>")
        return "".join(out)

    def votes(self, e: Entry) -> str:
        c = e.comment
        counts: dict[str, int] = {
            Vote.Choice.AGREE: c.agree_count,
            Vote.Choice.DISAGREE: c.disagree_count,
            Vote.Choice.PASS: c.pass_count,
        }
        if not e.can_vote:
            spans = "".join(
                f' <span class="vote vote-{value}">{label} '
                f'<span class="vote-count">{counts[value]}</span></span>'
                for value, label in self.choices
            )
            return (
                f'<p class="votes votes-read"><span class="votes-label">'
                f"{self.text['votes']}</span>{spans}</p>"
            )
        label_id = f"{c.anchor}-votes"
        buttons = "".join(
            f'<button type="submit" name="choice" value="{value}" class="vote vote-{value}" '
            f'aria-pressed="{"true" if e.my_vote == value else "false"}" '
            f'aria-describedby="{label_id}">{label} '
            f'<span class="vote-count" data-count="{value}">{counts[value]}</span></button>'
            for value, label in self.choices
        )
        return (
            f'<form method="post" action="{e.links["vote"]}" class="votes" data-vote>'
            f'{self.hidden}<span class="votes-label" id="{label_id}">'
            f"{self.text['your_vote']}</span>{buttons}</form>"
        )

    def disposition(self, e: Entry, d: Disposition) -> str:
        """What the facilitators decided about a suggestion or criticism, in words (never
        by colour alone), with who decided and when."""
        decision = esc(e.decision)
        if e.decision_url:
            decision = f'<a href="{esc(e.decision_url)}">{decision}</a>'
        reason = f" — {esc(d.reason)}" if d.reason else ""
        who = [self.dates.day(d.decided_at)]
        if d.decided_by is not None:
            who.insert(0, esc(public_name(d.decided_by)))
        return (
            f'<p class="disposition disposition-{d.decision}">'
            f'<span class="disposition-label">{self.text["decision"]}</span> '
            f'<strong class="disposition-decision">{decision}</strong>{reason} '
            f'<span class="disposition-by muted">({", ".join(who)})</span></p>'
        )

    def actions(self, e: Entry) -> str:
        t = self.text
        links = e.links
        out = []
        if e.can_reply:
            out.append(
                f'<a href="{links["reply"]}" data-reply aria-expanded="false">{t["reply"]}</a>'
            )
        if e.can_edit:
            out.append(f'<a href="{links["edit"]}">{t["edit"]}</a>')
        if e.flagged_by_me:
            out.append(f'<span class="muted">{t["flagged"]}</span>')
        elif e.can_flag:
            out.append(f'<a href="{links["flag"]}{self.next_query}">{t["flag"]}</a>')
        for action in e.moderation:
            if action == "trash":
                out.append(
                    f'<a class="mod-action" href="{links["trash"]}{self.next_query}">'
                    f"{t['trash']}</a>"
                )
            else:
                out.append(
                    f'<form method="post" action="{links[action]}" class="inline">'
                    f'{self.hidden}<button type="submit" class="link">{t[action]}</button></form>'
                )
        return " ".join(out)


def trash_summary(reasons: Iterable[str]) -> str:
    """ "2 comments moved to the trash: off topic (1), spam (1)", or ''."""
    counts = Counter(reasons)
    total = sum(counts.values())
    if not total:
        return ""
    # "off topic (1)": a label beside its count agrees in every language, where "1 off
    # topic, 2 duplicate" would need each label's plural.
    parts = [
        f"{str(label).lower()} ({counts[reason]})"
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

    # Of the author, only the name shown: a whole user row per comment cost a third of the
    # time of reading 500 comments.
    comments = list(
        Comment.objects.filter(step=step)
        .select_related("author", "disposition__decided_by")
        .only(*COMMENT_FIELDS, "author__display_name", *DISPOSITION_FIELDS)
        .order_by("created_at", "pk")
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

    link_parts = CommentLinks.parts_for(method)
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
        disposition = disposition_of(comment) if comment.is_votable else None
        decision_url = ""
        if disposition is not None and disposition.integrated_in_id in versions:
            target = versions[disposition.integrated_in_id]
            target.step = step
            decision_url = target.get_absolute_url()
        return Entry(
            comment=comment,
            author_name=author_name(comment),
            author_role=str(MethodRole.Role(team[comment.author_id]).label)
            if comment.author_id in team
            else "",
            readable=readable[comment.pk] and not comment.author_erased,
            placeholder=placeholder,
            version_label=label,
            links=CommentLinks(link_parts, comment.pk),
            disposition=disposition,
            decision=decision_text(disposition, versions) if disposition else "",
            decision_url=decision_url,
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

    html = ThreadHTML(request, member, is_moderator)
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
        section = Section(shown_version, heading, items, version_pk == version.pk)
        if items:
            section.html = html.section(items)
        sections.append(section)

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
        grouped=len(published) > 1,
        outcomes=outcomes(comments, versions, version, step),
        syntheses=[
            v
            for v in sorted(versions.values(), key=lambda v: -v.number)
            if v.synthesis_published_at is not None
            and v.synthesis
            and (v.pk == version.pk or v.pk == version.based_on_id)
        ],
    )
    return {"feedback": feedback}


def outcomes(
    comments: list[Comment],
    versions: dict[int, StepVersion],
    version: StepVersion,
    step: Step,
) -> list[Outcomes]:
    """The public record of the dispositions, per version that has any: the version on the
    page first, then the older ones newest first, as the thread is ordered. Only published
    comments are listed (a comment in the trash has no say in the record)."""
    by_version: dict[int, Outcomes] = {}
    parts = None
    for comment in comments:
        if not comment.is_votable or comment.status != Status.PUBLISHED:
            continue
        shown = versions.get(comment.version_id)
        if shown is None or not shown.is_published:
            continue
        group = by_version.get(shown.pk)
        if group is None:
            group = by_version[shown.pk] = Outcomes(version=shown, items=[], undecided=0)
        disposition = disposition_of(comment)
        if disposition is None:
            group.undecided += 1
            continue
        if parts is None:
            parts = step.get_absolute_url() + "#"
        target = versions.get(disposition.integrated_in_id or 0)
        if target is not None:
            target.step = step
        group.items.append(
            OutcomeItem(
                anchor=parts + comment.anchor,
                # An erased author's text is gone from the record too.
                excerpt="" if comment.author_erased else excerpt(comment.body),
                kind=comment.get_kind_display(),
                decision=decision_text(disposition, versions),
                decision_value=disposition.decision,
                reason=disposition.reason,
                url=target.get_absolute_url() if target is not None else "",
            )
        )
    groups = [g for g in by_version.values() if g.items]
    for group in groups:
        tally = Counter(item.decision_value for item in group.items)
        # "Integrated (5)" rather than the decision's label: some are in a validated
        # version by now, others still wait for the next one.
        short: dict[str, str] = {
            Disposition.Decision.INTEGRATED: _("Integrated"),
            Disposition.Decision.REJECTED: _("Rejected"),
            Disposition.Decision.DEFERRED: _("Deferred"),
        }
        group.counts = [
            (value, short[value], tally[value])
            for value in Disposition.Decision.values
            if tally.get(value)
        ]
        order = {value: i for i, (value, _label) in enumerate(Disposition.Decision.choices)}
        group.items.sort(key=lambda item: order[item.decision_value])
    groups.sort(key=lambda g: (g.version.pk != version.pk, -g.version.number))
    return groups
