"""/network/tend/: the reactivation queue, the pruning review and the forest's health.

Every action is a POST form that works without JavaScript (``static/goals/tend.js`` only adds
one key per action) and comes back to the page where the member was: the entry after the one
dealt with, by its anchor. Contacts are fetched through ``_get_contact``, which answers 404 for
anyone else's.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from entregent.goals.health import network_health
from entregent.goals.tend import pruning_review, reactivation_queue
from entregent.lib.dates import months_before
from entregent.lib.http import AuthenticatedHttpRequest, safe_next
from entregent.network import actions
from entregent.network.models import Contact, Interaction

# The anchors the page gives its sections and entries; anything else is dropped.
_ANCHOR = re.compile(r"(?:queue|prune)(?:-\d{1,12})?")


def _get_contact(request: AuthenticatedHttpRequest, pk: int) -> Contact:
    return get_object_or_404(Contact.objects.owned_by(request.user), pk=pk)


def _back(request: HttpRequest, anchor: str = "") -> HttpResponseRedirect:
    """Where a POST returns: a safe local ``next`` when one was given (a form elsewhere, such
    as the dashboard's), else the tend page at ``anchor`` or at the one the form named."""
    target = safe_next(request, "")
    if target:
        return redirect(target)
    url = reverse("goals:tend")
    anchor = anchor or request.POST.get("anchor", "")
    if _ANCHOR.fullmatch(anchor):
        url += "#" + anchor
    return redirect(url)


def _first_error(form: forms.Form) -> str:
    return str(next(iter(error for errors in form.errors.values() for error in errors)))


# Forms -----------------------------------------------------------------------------------------


class SnoozeForm(forms.Form):
    """ "Not now": for a week, a month, or until a date (the contact is back on that date)."""

    WEEK, MONTH, DATE = "week", "month", "date"

    snooze = forms.ChoiceField(
        choices=[
            (WEEK, gettext_lazy("For a week")),
            (MONTH, gettext_lazy("For a month")),
            (DATE, gettext_lazy("Until a date")),
        ]
    )
    until = forms.DateField(required=False)

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice = data.get("snooze")
        if choice == self.WEEK:
            data["until"] = self.today + dt.timedelta(days=7)
        elif choice == self.MONTH:
            data["until"] = months_before(self.today, -1)
        elif choice == self.DATE:
            until = data.get("until")
            if until is None and "until" not in self.errors:
                self.add_error(
                    "until", forms.ValidationError(_("Choose a date."), code="required")
                )
            elif until is not None and until <= self.today:
                self.add_error(
                    "until",
                    forms.ValidationError(_("Choose a date after today."), code="past"),
                )
        return data


class DoneForm(forms.Form):
    """ "Done": an interaction logged today with the contact, in one click."""

    summary = forms.CharField(max_length=300, required=False)
    kind = forms.ChoiceField(choices=Interaction.Kind.choices, required=False)

    def clean_summary(self) -> str:
        return str(self.cleaned_data.get("summary") or "") or _("Got back in touch")

    def clean_kind(self) -> str:
        return str(self.cleaned_data.get("kind") or Interaction.Kind.MESSAGE)


class KeepForm(forms.Form):
    """ "I still know them", and, in the same breath, what they do."""

    headline = forms.CharField(max_length=300, required=False)


# /network/tend/


@login_required
def tend(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "health": network_health(request.user, today),
        "queue": reactivation_queue(request.user, today),
        "pruning": pruning_review(request.user, today),
        "tomorrow": (today + dt.timedelta(days=1)).isoformat(),
        # Rendered once for the page rather than once per entry.
        "kind_options": format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (value, " selected" if value == Interaction.Kind.MESSAGE else "", label)
                for value, label in Interaction.Kind.choices
            ),
        ),
    }
    return render(request, "goals/tend.html", context)


# /network/tend/<id>/snooze/ and /done/


@login_required
@require_POST
def tend_snooze(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _get_contact(request, pk)
    form = SnoozeForm(request.POST, today=timezone.localdate())
    if not form.is_valid():
        messages.error(
            request,
            _("%(name)s was not snoozed: %(error)s")
            % {"name": contact, "error": _first_error(form)},
        )
        # Back to the entry itself: it is still in the list.
        return _back(request, f"queue-{contact.pk}")
    until: dt.date = form.cleaned_data["until"]
    contact.snoozed_until = until
    contact.save(update_fields=["snoozed_until", "updated_at"])
    messages.success(
        request,
        _("%(name)s is snoozed: back in your queue on %(date)s.")
        % {"name": contact, "date": date_format(until, "DATE_FORMAT")},
    )
    return _back(request)


@login_required
@require_POST
def tend_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _get_contact(request, pk)
    form = DoneForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Nothing was logged with %(name)s: %(error)s")
            % {"name": contact, "error": _first_error(form)},
        )
        return _back(request, f"queue-{contact.pk}")
    # Through the model, not a bulk write: the network's signals move the last interaction and
    # the due dates, and goals records what it produced (a reactivation, a meeting).
    with transaction.atomic():
        interaction = Interaction.objects.create(
            owner=request.user,
            occurred_on=timezone.localdate(),
            kind=form.cleaned_data["kind"],
            summary=form.cleaned_data["summary"],
        )
        interaction.contacts.add(contact)
    messages.success(
        request,
        _("Logged: %(summary)s, with %(name)s.")
        % {
            "summary": interaction.summary,
            "name": contact,
        },
    )
    return _back(request)


# /network/tend/<id>/keep/ /archive/ /delete/


@login_required
@require_POST
def prune_keep(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _get_contact(request, pk)
    form = KeepForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("%(name)s was not kept: %(error)s") % {"name": contact, "error": _first_error(form)},
        )
        return _back(request, f"prune-{contact.pk}")
    contact.reviewed_on = timezone.localdate()
    fields = ["reviewed_on", "updated_at"]
    # Empty keeps what was there: the review never erases what the member wrote.
    headline = form.cleaned_data["headline"]
    if headline and headline != contact.headline:
        contact.headline = headline
        fields.append("headline")
    contact.save(update_fields=fields)
    messages.success(
        request,
        _("%(name)s stays in your network. We will not ask again for a year.") % {"name": contact},
    )
    return _back(request)


@login_required
@require_POST
def prune_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _get_contact(request, pk)
    contact.archive()
    messages.success(
        request, _("%(name)s was archived. You can restore them at any time.") % {"name": contact}
    )
    return _back(request)


@login_required
@require_POST
def prune_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _get_contact(request, pk)
    actions.move_to_bin(contact)
    messages.success(
        request,
        _("%(name)s was moved to the bin. It stays there %(days)s days before it is deleted.")
        % {"name": contact, "days": actions.bin_retention_days()},
    )
    return _back(request)
