"""The methods: the list, a method's page, its settings and team, subscriptions.

Every method is fetched through ``access.get_method`` (404 for what the user may not read);
actions check the role with ``access.require_facilitator`` (403). Steps and versions are in
``views_steps``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entregent.lib.http import AuthenticatedHttpRequest, safe_next
from entregent.method.access import get_method, require_facilitator
from entregent.method.forms import MethodForm, TeamMemberForm
from entregent.method.models import Method, MethodRole, Step, StepVersion, Subscription
from entregent.method.templatetags.methods import plain_text

SITE_NAME = "entregent"


def can_create_methods(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_staff or user.has_perm("method.add_method"))
    )


# -- Link previews and share links, on public pages only ---------------------------------------


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def public_page_context(method: Method, path: str, title: str, text: str) -> dict[str, Any]:
    """Open Graph tags and share links for a page of a public method; nothing for a
    members-only one, whose pages must not be previewed or shared outside."""
    if not method.is_public:
        return {}
    url = absolute(path)
    description = plain_text(text, 200)
    return {
        "og": {
            "title": title,
            "description": description,
            "url": url,
            "type": "article",
            "site_name": SITE_NAME,
            "locale": method.language,
        },
        "share": share_links(url, title),
    }


def share_links(url: str, title: str) -> dict[str, str]:
    """Plain links to each network's own share page: no script, no button, nothing loaded
    from them until the reader clicks."""
    return {
        "url": url,
        "linkedin": "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}),
        "x": "https://twitter.com/intent/tweet?" + urlencode({"url": url, "text": title}),
        # Mastodon has no one site to share to: each reader is on their own instance.
        # mastodonshare.com asks for it and forwards to it, and works without JavaScript.
        # Asking for the instance on our own page would need either JavaScript (to send the
        # form to a host the reader types) or a redirecting view of ours, that is, an open
        # redirect to any host; a plain link has neither problem.
        "mastodon": "https://mastodonshare.com/?" + urlencode({"url": url, "text": title}),
        "email": "mailto:?"
        + urlencode({"subject": title, "body": f"{title}\n\n{url}"}, quote_via=quote),
    }


# /methods/


def method_list(request: HttpRequest) -> HttpResponse:
    published = Q(steps__versions__state__in=StepVersion.PUBLISHED_STATES)
    methods = list(
        Method.objects.visible_to(request.user)
        .annotate(published_steps=Count("steps", filter=published, distinct=True))
        .order_by("title", "pk")
    )
    facilitated: set[int] = set()
    if request.user.is_authenticated:
        facilitated = set(
            MethodRole.objects.filter(
                user=request.user, role=MethodRole.Role.FACILITATOR
            ).values_list("method_id", flat=True)
        )
    context = {
        "methods": methods,
        "facilitated": facilitated,
        "can_create": can_create_methods(request.user),
    }
    return render(request, "method/method_list.html", context)


# /methods/new/


@login_required
def method_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_create_methods(request.user):
        raise PermissionDenied
    form = MethodForm(request.POST or None, instance=Method(created_by=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                method = form.save()
                method.add_role(request.user, MethodRole.Role.FACILITATOR)
        except IntegrityError:
            # Another method took the same short name between the check and the save.
            form.add_error("slug", _("Another method already uses this short name."))
        else:
            messages.success(
                request,
                _("The method “%(title)s” is created. Add its first step.") % {"title": method},
            )
            return redirect(method)
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below."))
    return render(request, "method/method_form.html", {"form": form, "creating": True})


# /methods/<slug>/


def method_detail(request: HttpRequest, slug: str) -> HttpResponse:
    method = get_method(request, slug)
    user = request.user
    is_facilitator = method.is_facilitator(user)
    steps: list[dict[str, Any]] = []
    for step in Step.objects.filter(method=method).prefetch_related(
        Prefetch("versions", queryset=StepVersion.objects.order_by("number"))
    ):
        step.method = method
        current = step.current_version(user)
        # What is coming, for readers who may not see it yet: the date only, never the text
        # (it may still change until it is published).
        coming = next(
            (
                v.publish_at
                for v in step.versions.all()
                if v.state == StepVersion.State.SCHEDULED and not v.visible_to(user)
            ),
            None,
        )
        if current is None:
            if coming is not None:
                steps.append({"step": step, "current": None, "newer": [], "coming": coming})
            continue
        # Versions after the current one that this reader may see: one in discussion while
        # the validated one stays current, and for facilitators the one being prepared.
        newer = [
            v
            for v in step.versions.all()
            if v.number > current.number and v.visible_to(user) and v is not current
        ]
        steps.append({"step": step, "current": current, "newer": newer, "coming": coming})
    roles = list(
        MethodRole.objects.filter(method=method)
        .select_related("user")
        .order_by("user__display_name", "user__email")
    )
    subscribed = (
        user.is_authenticated and Subscription.objects.filter(method=method, user=user).exists()
    )
    context = {
        "method": method,
        "steps": steps,
        "facilitators": [r.user for r in roles if r.role == MethodRole.Role.FACILITATOR],
        "moderators": [r.user for r in roles if r.role == MethodRole.Role.MODERATOR],
        "is_facilitator": is_facilitator,
        "subscribed": subscribed,
        **public_page_context(method, method.get_absolute_url(), method.title, method.description),
    }
    return render(request, "method/method_detail.html", context)


# /methods/<slug>/edit/


@login_required
def method_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    method = get_method(request, slug)
    require_facilitator(method, request.user)
    action = request.POST.get("action", "save")
    form = MethodForm(
        request.POST if request.method == "POST" and action == "save" else None, instance=method
    )
    team_form = TeamMemberForm(
        request.POST if request.method == "POST" and action == "add-member" else None,
        method=method,
        prefix="team",
    )
    if request.method == "POST":
        if action == "save" and form.is_valid():
            form.save()
            messages.success(request, _("The method’s settings are saved."))
            return redirect(method)
        if action == "add-member" and team_form.is_valid():
            member, role = team_form.cleaned_data["email"], team_form.cleaned_data["role"]
            method.add_role(member, role)
            messages.success(
                request,
                _("%(name)s is now %(role)s of this method.")
                % {"name": member.get_full_name(), "role": MethodRole.Role(role).label.lower()},
            )
            return redirect("methods:edit", method.slug)
        if action == "remove-member":
            return _remove_member(request, method)
        messages.error(request, _("Please correct the errors below."))
    roles = list(
        MethodRole.objects.filter(method=method)
        .select_related("user")
        .order_by("role", "user__display_name", "user__email")
    )
    context = {
        "method": method,
        "form": form,
        "team_form": team_form,
        "roles": roles,
        "facilitator_count": sum(r.role == MethodRole.Role.FACILITATOR for r in roles),
        "creating": False,
    }
    return render(request, "method/method_form.html", context)


def _remove_member(request: AuthenticatedHttpRequest, method: Method) -> HttpResponse:
    role_id = request.POST.get("role", "")
    role = get_object_or_404(
        MethodRole.objects.select_related("user"),
        pk=int(role_id) if role_id.isdigit() else 0,
        method=method,
    )
    with transaction.atomic():
        if role.role == MethodRole.Role.FACILITATOR:
            # Locked, so that two facilitators removing each other at once cannot leave the
            # method with none.
            facilitators = list(
                MethodRole.objects.select_for_update()
                .filter(method=method, role=MethodRole.Role.FACILITATOR)
                .values_list("pk", flat=True)
            )
            if facilitators == [role.pk]:
                messages.error(
                    request,
                    _(
                        "A method needs at least one facilitator: add another one before "
                        "removing the last."
                    ),
                )
                return redirect("methods:edit", method.slug)
        role.delete()
    messages.success(
        request,
        _("%(name)s is no longer %(role)s of this method.")
        % {"name": role.user.get_full_name(), "role": role.get_role_display().lower()},
    )
    if role.user == request.user and role.role == MethodRole.Role.FACILITATOR:
        return redirect(method)
    return redirect("methods:edit", method.slug)


# /methods/<slug>/subscribe/


@login_required
@require_POST
def method_subscribe(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    method = get_method(request, slug)
    deleted, _rows = Subscription.objects.filter(method=method, user=request.user).delete()
    if deleted:
        messages.success(
            request,
            _("You will no longer be told when a step of “%(title)s” is published.")
            % {"title": method},
        )
    else:
        try:
            with transaction.atomic():
                Subscription.objects.create(method=method, user=request.user)
        except IntegrityError:
            pass  # a double click: subscribed by the first one
        messages.success(
            request,
            _(
                "Subscribed: you will get an email and a notification when a step of "
                "“%(title)s” is published."
            )
            % {"title": method},
        )
    return redirect(safe_next(request, reverse("methods:detail", args=[method.slug])))
