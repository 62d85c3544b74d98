"""Feedback on the steps: posting, replying, editing, voting, flagging, and moderating.

The method, step and version come from ``access`` (404 for what the user may not read); a
comment from ``_get_comment``, which answers 404 for a comment the user may not read (held,
hidden or trashed, unless they wrote it or moderate the method). Moderation answers 403 to
members who can read the page but do not moderate. Every action is a POST form that works
without JavaScript and comes back to the comment's place in its thread; ``static/method/
feedback.js`` votes without reloading the page (the vote view answers JSON when asked).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from entregent.lib.http import AuthenticatedHttpRequest, safe_next
from entregent.method import moderation, ratelimit
from entregent.method.access import get_method, get_step, get_version, require_moderator
from entregent.method.feedback import author_name, public_name, rendered
from entregent.method.forms_feedback import (
    CommentForm,
    DecisionForm,
    FlagForm,
    TrashForm,
    VoteForm,
)
from entregent.method.models import (
    Comment,
    CommentRevision,
    Flag,
    Method,
    ModerationAction,
    StepVersion,
    Vote,
)

Status = Comment.Status
LOG_PER_PAGE = 50
# The queue shows what waits in full; of the trash, the latest (the log holds the rest).
RECENT_TRASH = 20


def _get_comment(request: HttpRequest, method: Method, pk: int) -> Comment:
    """Comment ``pk`` of ``method`` if the user may read it, else 404."""
    comment = get_object_or_404(
        Comment.objects.select_related("author", "version", "step"),
        pk=pk,
        step__method=method,
    )
    comment.step.method = method
    comment.version.step = comment.step
    if not comment.version.visible_to(request.user):
        raise Http404
    if not comment.is_readable_by(request.user, method.is_moderator(request.user)):
        raise Http404
    return comment


def _back_to(request: HttpRequest, comment: Comment) -> str:
    """Where an action on ``comment`` comes back to: the page it was done from (``next``),
    else the comment's thread, at the comment."""
    target = safe_next(request, comment.get_absolute_url())
    return target if "#" in target else f"{target}#{comment.anchor}"


# -- Posting ------------------------------------------------------------------------------------


def _form_page(
    request: HttpRequest,
    form: CommentForm,
    *,
    title: str,
    action: str,
    status: int = 200,
    limit_message: str = "",
) -> HttpResponse:
    version = form.version
    return render(
        request,
        "method/comment_form.html",
        {
            "form": form,
            "title": title,
            "action": action,
            "method": version.step.method,
            "step": version.step,
            "version": version,
            "parent": form.parent,
            "parent_html": rendered(form.parent.body) if form.parent else "",
            "parent_author": author_name(form.parent) if form.parent else "",
            "comment": form.comment,
            "limit_message": limit_message,
            "next": safe_next(request, ""),
        },
        status=status,
    )


def _rate_limited(request: AuthenticatedHttpRequest) -> str:
    """The message saying when the member may post again, or '' if they may now."""
    allowed_at = ratelimit.next_post_allowed_at(request.user.pk)
    if allowed_at is None:
        return ""
    minutes = max(1, round((allowed_at - timezone.now()).total_seconds() / 60))
    return ngettext(
        "You have reached the limit of %(limit)d comments in ten minutes. You can post again "
        "at %(time)s, in about %(minutes)d minute. Your text is kept below.",
        "You have reached the limit of %(limit)d comments in ten minutes. You can post again "
        "at %(time)s, in about %(minutes)d minutes. Your text is kept below.",
        minutes,
    ) % {
        "limit": settings.METHOD_COMMENTS_PER_10_MINUTES,
        "time": date_format(timezone.localtime(allowed_at), "H:i"),
        "minutes": minutes,
    }


@transaction.atomic
def _create(
    request: AuthenticatedHttpRequest,
    form: CommentForm,
    version: StepVersion,
    parent: Comment | None,
) -> Comment:
    author = request.user
    held = moderation.should_hold(author)
    comment = Comment.objects.create(
        version=version,
        step=version.step,
        author=author,
        parent=parent,
        depth=parent.depth + 1 if parent else 1,
        kind=form.cleaned_data["kind"],
        body=form.cleaned_data["body"],
        status=Status.HELD if held else Status.PUBLISHED,
    )
    if held:
        moderation.record_hold(comment)
    ratelimit.record_post(author.pk)
    return comment


def _post(
    request: AuthenticatedHttpRequest,
    version: StepVersion,
    parent: Comment | None,
    *,
    title: str,
    action: str,
) -> HttpResponse:
    form = CommentForm(request.POST, author=request.user, version=version, parent=parent)
    limit_message = _rate_limited(request)
    if limit_message:
        form.is_valid()  # the errors to show beside the limit, if any
        return _form_page(
            request, form, title=title, action=action, status=429, limit_message=limit_message
        )
    if not form.is_valid():
        return _form_page(request, form, title=title, action=action)
    comment = _create(request, form, version, parent)
    if comment.status == Status.HELD:
        messages.info(
            request,
            _(
                "Your comment is held for review, as new members’ first comments are: a "
                "moderator will publish it. Until then only you and the moderators see it."
            ),
        )
    else:
        messages.success(request, _("Your comment is posted."))
    return redirect(_back_to(request, comment))


# /methods/<slug>/steps/<n>/v<k>/comments/new/


@login_required
@require_http_methods(["GET", "POST"])
def comment_create(
    request: AuthenticatedHttpRequest, slug: str, number: int, version: int
) -> HttpResponse:
    method = get_method(request, slug)
    step = get_step(request, method, number)
    shown = get_version(request, step, version)
    action = request.path
    title = _("Comment on step %(step)d, version %(version)d") % {
        "step": step.number,
        "version": shown.number,
    }
    if request.method == "POST":
        return _post(request, shown, None, title=title, action=action)
    form = CommentForm(author=request.user, version=shown)
    return _form_page(request, form, title=title, action=action)


# /methods/<slug>/comments/<pk>/reply/


@login_required
@require_http_methods(["GET", "POST"])
def comment_reply(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    method = get_method(request, slug)
    parent = _get_comment(request, method, pk)
    title = _("Reply to %(author)s") % {"author": author_name(parent)}
    if request.method == "POST":
        return _post(request, parent.version, parent, title=title, action=request.path)
    form = CommentForm(author=request.user, version=parent.version, parent=parent)
    return _form_page(request, form, title=title, action=request.path)


# /methods/<slug>/comments/<pk>/edit/


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    method = get_method(request, slug)
    comment = _get_comment(request, method, pk)
    if comment.author_id != request.user.pk:
        raise PermissionDenied
    if comment.status not in (Status.PUBLISHED, Status.HELD):
        messages.error(request, _("A comment waiting for a moderator cannot be edited."))
        return redirect(_back_to(request, comment))
    title = _("Edit your comment")
    if request.method == "GET":
        form = CommentForm(author=request.user, version=comment.version, comment=comment)
        return _form_page(request, form, title=title, action=request.path)
    form = CommentForm(request.POST, author=request.user, version=comment.version, comment=comment)
    if not form.is_valid():
        return _form_page(request, form, title=title, action=request.path)
    kind, body = form.cleaned_data["kind"], form.cleaned_data["body"]
    with transaction.atomic():
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        if (current.kind, current.body) == (kind, body):
            messages.info(request, _("Nothing changed."))
            return redirect(_back_to(request, comment))
        now = timezone.now()
        CommentRevision.objects.create(
            comment=current, kind=current.kind, body=current.body, replaced_at=now
        )
        Comment.objects.filter(pk=comment.pk).update(kind=kind, body=body, edited_at=now)
    messages.success(request, _("Your comment is updated; its earlier text is in its history."))
    return redirect(_back_to(request, comment))


# /methods/<slug>/comments/<pk>/history/


@require_http_methods(["GET"])
def comment_history(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A comment's text and every earlier text, newest first. Public for published comments
    of a readable method, as the comment itself is."""
    method = get_method(request, slug)
    comment = _get_comment(request, method, pk)
    if comment.author_erased:
        raise Http404
    revisions = list(CommentRevision.objects.filter(comment=comment).order_by("-replaced_at"))
    texts = [
        {
            "kind": comment.get_kind_display(),
            "kind_value": comment.kind,
            "html": rendered(comment.body),
            "since": comment.edited_at or comment.created_at,
            "current": True,
        }
    ]
    for i, revision in enumerate(revisions):
        since = revisions[i + 1].replaced_at if i + 1 < len(revisions) else comment.created_at
        texts.append(
            {
                "kind": revision.get_kind_display(),
                "kind_value": revision.kind,
                "html": rendered(revision.body),
                "since": since,
                "until": revision.replaced_at,
                "current": False,
            }
        )
    return render(
        request,
        "method/comment_history.html",
        {
            "method": method,
            "step": comment.step,
            "comment": comment,
            "author_name": author_name(comment),
            "texts": texts,
            "edits": len(revisions),
        },
    )


# -- Votes and flags ----------------------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# /methods/<slug>/comments/<pk>/vote/


@login_required
@require_POST
def comment_vote(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    method = get_method(request, slug)
    comment = _get_comment(request, method, pk)
    form = VoteForm(request.POST)
    problem = ""
    if not form.is_valid():
        problem = _("Choose agree, disagree or pass.")
    elif not comment.is_votable:
        problem = _("Votes are taken on suggestions and criticisms only.")
    elif comment.status != Status.PUBLISHED or comment.author_erased:
        problem = _("This comment takes no votes.")
    elif not comment.version.takes_comments:
        problem = _("Votes on version %(number)d are closed.") % {"number": comment.version.number}
    if problem:
        if _wants_json(request):
            return JsonResponse({"error": problem}, status=400)
        messages.error(request, problem)
        return redirect(_back_to(request, comment))
    choice = form.cleaned_data["choice"]
    Vote.cast(comment, request.user, choice)
    if _wants_json(request):
        return JsonResponse(
            {
                "choice": choice,
                "counts": {
                    Vote.Choice.AGREE: comment.agree_count,
                    Vote.Choice.DISAGREE: comment.disagree_count,
                    Vote.Choice.PASS: comment.pass_count,
                },
                "message": _("Your vote is recorded: %(choice)s.")
                % {"choice": Vote.Choice(choice).label},
            }
        )
    messages.success(
        request, _("Your vote is recorded: %(choice)s.") % {"choice": Vote.Choice(choice).label}
    )
    return redirect(_back_to(request, comment))


# /methods/<slug>/comments/<pk>/flag/


@login_required
@require_http_methods(["GET", "POST"])
def comment_flag(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    method = get_method(request, slug)
    comment = _get_comment(request, method, pk)
    already = Flag.objects.filter(comment=comment, flagger=request.user).first()
    form = FlagForm(request.POST or None)
    if request.method == "POST" and already is None and form.is_valid():
        try:
            moderation.flag_comment(
                comment, request.user, form.cleaned_data["reason"], form.cleaned_data["note"]
            )
        except moderation.ModerationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you: the moderators will look at this comment."))
        return redirect(_back_to(request, comment))
    return render(
        request,
        "method/comment_flag.html",
        {
            "method": method,
            "step": comment.step,
            "comment": comment,
            "comment_html": rendered(comment.body),
            "author_name": author_name(comment),
            "form": form,
            "already": already,
            "own": comment.author_id == request.user.pk,
            "next": safe_next(request, ""),
        },
    )


# -- Moderation ---------------------------------------------------------------------------------


def _moderated_comment(request: AuthenticatedHttpRequest, slug: str, pk: int) -> Comment:
    method = get_method(request, slug)
    comment = _get_comment(request, method, pk)
    require_moderator(method, request.user)
    return comment


# /methods/<slug>/comments/<pk>/trash/


@login_required
@require_http_methods(["GET", "POST"])
def comment_trash(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    comment = _moderated_comment(request, slug, pk)
    form = TrashForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.trash(
                comment, request.user, form.cleaned_data["reason"], form.cleaned_data["note"]
            )
        except moderation.ModerationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The comment is in the trash; its author is told why. You can restore it."),
            )
        return redirect(_back_to(request, comment))
    return render(
        request,
        "method/comment_trash.html",
        {
            "method": comment.step.method,
            "step": comment.step,
            "comment": comment,
            "comment_html": rendered(comment.body),
            "author_name": author_name(comment),
            "flags": list(
                Flag.objects.filter(comment=comment, resolved_at__isnull=True).select_related(
                    "flagger"
                )
            ),
            "form": form,
            "next": safe_next(request, ""),
        },
    )


def _decision(
    request: AuthenticatedHttpRequest, slug: str, pk: int, decide: Any, done: str
) -> HttpResponse:
    comment = _moderated_comment(request, slug, pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        decide(comment, request.user, note=note)
    except moderation.ModerationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(_back_to(request, comment))


# /methods/<slug>/comments/<pk>/restore/


@login_required
@require_POST
def comment_restore(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _decision(
        request,
        slug,
        pk,
        moderation.restore,
        _("The comment is restored, with its votes; its author is told."),
    )


# /methods/<slug>/comments/<pk>/approve/


@login_required
@require_POST
def comment_approve(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _decision(
        request,
        slug,
        pk,
        moderation.approve,
        _("The comment is published; its author is told."),
    )


# /methods/<slug>/comments/<pk>/keep/


@login_required
@require_POST
def comment_keep(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _decision(
        request,
        slug,
        pk,
        moderation.keep,
        _("The flags are dismissed: the comment stays."),
    )


# /methods/<slug>/moderation/


@login_required
@require_http_methods(["GET"])
def moderation_queue(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """What waits for a moderator (held, hidden and flagged comments, with their flags), and
    the latest comments moved to the trash."""
    method = get_method(request, slug)
    require_moderator(method, request.user)
    base = Comment.objects.filter(step__method=method).select_related("author", "version", "step")
    waiting = list(
        base.filter(status__in=(Status.HELD, Status.HIDDEN)).order_by("created_at", "pk")
    )
    flagged = list(
        base.filter(status=Status.PUBLISHED, open_flag_count__gt=0).order_by(
            "-open_flag_count", "created_at", "pk"
        )
    )
    trashed = list(base.filter(status=Status.TRASHED).order_by("-pk")[:RECENT_TRASH])
    flags: dict[int, list[Flag]] = {}
    for flag in (
        Flag.objects.filter(comment__in=[c.pk for c in waiting + flagged], resolved_at=None)
        .select_related("flagger")
        .order_by("created_at", "pk")
    ):
        flags.setdefault(flag.comment_id, []).append(flag)

    def item(comment: Comment) -> dict[str, Any]:
        comment.step.method = method
        return {
            "comment": comment,
            "html": rendered(comment.body),
            "author_name": author_name(comment),
            "flags": [
                {
                    "reason": flag.get_reason_display(),
                    "note": flag.note,
                    "by": public_name(flag.flagger),
                    "at": flag.created_at,
                }
                for flag in flags.get(comment.pk, [])
            ],
        }

    return render(
        request,
        "method/moderation_queue.html",
        {
            "method": method,
            "held": [item(c) for c in waiting if c.status == Status.HELD],
            "hidden": [item(c) for c in waiting if c.status == Status.HIDDEN],
            "flagged": [item(c) for c in flagged],
            "trashed": [item(c) for c in trashed],
            "trash_form": TrashForm(),
        },
    )


# /methods/<slug>/moderation/log/


@login_required
@require_http_methods(["GET"])
def moderation_log(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Every moderation decision on the method, newest first: who, what, when, why."""
    method = get_method(request, slug)
    require_moderator(method, request.user)
    actions = ModerationAction.objects.filter(method=method).select_related(
        "comment__step", "comment__author"
    )
    page = Paginator(actions, LOG_PER_PAGE).get_page(request.GET.get("page"))
    for entry in page:
        if entry.comment is not None:
            entry.comment.step.method = method
    return render(
        request,
        "method/moderation_log.html",
        {"method": method, "page": page, "actions": page.object_list},
    )
