from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods, require_POST

from entregent.accounts import registry
from entregent.accounts.forms import DigestForm, EraseAccountForm, LanguageForm, ProfileForm
from entregent.accounts.models import Notification, User, new_calendar_secret
from entregent.lib import weekly
from entregent.lib.http import is_local_url

NOTIFICATIONS_PER_PAGE = 30


def _member(request: HttpRequest) -> User:
    # Only reached behind @login_required; the check narrows the type for what follows.
    assert isinstance(request.user, User)
    return request.user


def _remember_language(response: HttpResponse, language: str) -> None:
    """Keep the language cookie in step with the profile, so pages stay in it after log-out.

    "Follow my browser" removes the cookie: otherwise an old choice made in the footer would
    keep overriding what the browser asks for.
    """
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    else:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=user)
    else:
        form = ProfileForm(instance=user)
    if form.is_bound and form.is_valid():
        form.save()
        # Said in the language just chosen, which is the one the next page is in.
        with translation.override(user.language or translation.get_language()):
            messages.success(request, _("Your profile is saved."))
        response = redirect("accounts:profile")
        _remember_language(response, user.language)
        return response
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def reminders(request: HttpRequest) -> HttpResponse:
    """The weekly digest's day and time, and the calendar feed's private address."""
    user = _member(request)
    if request.method == "POST":
        form = DigestForm(request.POST, instance=user)
    else:
        form = DigestForm(instance=user)
    if form.is_bound and form.is_valid():
        form.save()
        messages.success(request, _("Your reminder settings are saved."))
        return redirect("accounts:reminders")
    next_digest = None
    if user.digest_enabled:
        zone = weekly.zone_named(user.time_zone, settings.TIME_ZONE)
        next_digest = weekly.following(user.digest_weekday, user.digest_time, zone, timezone.now())
    site = urlsplit(settings.SITE_URL)
    context = {
        "form": form,
        "next_digest": next_digest,
        "site_url": settings.SITE_URL,
        # Calendar apps subscribe to webcal:// links (the same address, fetched over HTTP(S)).
        "webcal_base": f"webcal://{site.netloc}{site.path}",
    }
    return render(request, "accounts/reminders.html", context)


@login_required
@require_POST
def regenerate_calendar_secret(request: HttpRequest) -> HttpResponse:
    """A new secret for the calendar feed: the old address stops working at once."""
    user = _member(request)
    user.calendar_secret = new_calendar_secret()
    user.save(update_fields=["calendar_secret"])
    messages.success(
        request,
        _(
            "Your calendar feed has a new address; the old one no longer works. "
            "Subscribe to the new one in your calendar app."
        ),
    )
    return redirect("accounts:reminders")


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    inbox = Notification.objects.owned_by(user)
    page = Paginator(inbox, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "notifications": page.object_list}
    return render(request, "accounts/notifications.html", context)


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark every notification as read (the bell goes quiet)."""
    user = _member(request)
    Notification.objects.owned_by(user).unread().update(read_at=timezone.now())
    return redirect("accounts:notifications")


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way."""
    notification = get_object_or_404(Notification.objects.owned_by(_member(request)), pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    # Links are written by the site itself; still, never send a member elsewhere from here.
    if is_local_url(request, notification.url):
        return redirect(notification.url)
    return redirect("accounts:notifications")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, which also saves a member's choice on their profile.

    Without it UserPreferencesMiddleware would apply the profile's language on the next
    request and the footer switch would seem to do nothing.
    """
    response = i18n.set_language(request)
    form = LanguageForm(request.POST)
    if request.user.is_authenticated and form.is_valid():
        user = _member(request)
        user.language = form.cleaned_data["language"]
        user.save(update_fields=["language"])
    return response


@dataclass(frozen=True)
class HoldingSummary:
    """One line of "what we hold about you", as the export and erasure pages show it."""

    name: str
    count: int
    left_out: list[str]
    exported: bool
    # The member's own row: one, always, so it goes without a count.
    is_member: bool


def _summaries(user: User) -> list[HoldingSummary]:
    summaries = []
    for holding in registry.holdings():
        meta = holding.model._meta
        left_out = [
            str(getattr(meta.get_field(name), "verbose_name", name)) for name in holding.exclude
        ]
        if holding.model is User:
            name = _("Your account and its settings")
        else:
            name = capfirst(str(meta.verbose_name_plural))
        summaries.append(
            HoldingSummary(
                name=name,
                count=holding.rows(user).count(),
                left_out=left_out,
                exported=holding.export,
                is_member=holding.model is User,
            )
        )
    return summaries


@login_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    if request.method == "POST":
        now = timezone.now()
        payload = {
            "format": "entregent-export",
            "version": 1,
            "exported_at": now,
            "site": settings.SITE_URL,
            "member": user.email,
            "data": registry.export_user_data(user),
        }
        name = f"entregent-export-{timezone.localdate(now).isoformat()}"
        # One archive: the JSON data, and files other tools read (the contacts as a vCard)
        # that apps register with the registry.
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                f"{name}.json",
                json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            )
            for filename, content in registry.export_user_files(user).items():
                archive.writestr(filename, content)
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}.zip"'
        return response
    context = {"holdings": _summaries(user), "files": registry.export_files()}
    return render(request, "accounts/export.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    if request.method == "POST":
        form = EraseAccountForm(user, request.POST)
    else:
        form = EraseAccountForm(user)
    if form.is_bound and form.is_valid():
        # One transaction: either the member and everything they own are gone and the session
        # with them, or nothing changed at all.
        with transaction.atomic():
            registry.erase_user(user)
            auth.logout(request)
        return redirect("accounts:goodbye")
    context = {"form": form, "holdings": _summaries(user)}
    return render(request, "accounts/erase.html", context)


def goodbye(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/goodbye.html")
