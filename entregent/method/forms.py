"""Forms for the facilitator's half of the method: the method, its team, versions and their
publication dates.

Dates and times are typed in the facilitator's own time zone (``User.time_zone``): the forms
that take one are given the zone and read and show their values in it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from entregent.accounts.models import User
from entregent.lib import weekly
from entregent.method.models import Method, MethodRole, StepVersion

# Slugs the URLs use for themselves: /methods/new/ is the form, not a method called "new";
# /methods/applied/ lists the steps a member applies.
RESERVED_SLUGS = frozenset({"new", "applied"})
# A checklist is a handful of concrete actions, not a document.
MAX_CHECKLIST_ITEMS = 30
MAX_CHECKLIST_ITEM_CHARS = 300
MAX_WINDOW_DAYS = 3650

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MethodForm(forms.ModelForm[Method]):
    """A new method (its short name in links chosen once) or a method's settings."""

    class Meta:
        model = Method
        fields = ["title", "slug", "description", "language", "visibility"]
        widgets = {"visibility": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Links to the method are out in the world (shared, in feed readers): its
            # address does not change.
            del self.fields["slug"]
        else:
            slug = self.fields["slug"]
            slug.required = False
            slug.help_text = _(
                "Letters, digits and hyphens, as in /methods/grow-your-network/. "
                "Left empty, it is made from the title. It cannot be changed later."
            )

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data.get("slug") or slugify(self.data.get("title", ""))[:80]
        if not slug:
            raise ValidationError(
                _("Give the method a short name for its links."), code="slug_required"
            )
        if slug in RESERVED_SLUGS:
            raise ValidationError(
                _("“%(slug)s” is reserved; choose another short name."),
                code="slug_reserved",
                params={"slug": slug},
            )
        if Method.objects.filter(slug=slug).exists():
            raise ValidationError(
                _("Another method already uses “%(slug)s”."),
                code="slug_taken",
                params={"slug": slug},
            )
        return slug


class TeamMemberForm(forms.Form):
    """Add a member to the method's team, by the email address they log in with."""

    email = forms.EmailField(label=_("Their email address"))
    role = forms.ChoiceField(label=_("Role"), choices=MethodRole.Role.choices)

    def __init__(self, *args: Any, method: Method, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.method = method

    def clean_email(self) -> User:
        email = self.cleaned_data["email"]
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise ValidationError(
                _("No member has this address: they need an account first."), code="unknown"
            )
        return user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        user, role = data.get("email"), data.get("role")
        if user is not None and role and role in self.method.roles_of(user):
            raise ValidationError(
                _("%(name)s is already on the team in this role."),
                code="already",
                params={"name": user.get_full_name()},
            )
        return data


def split_checklist(text: str) -> list[str]:
    """One action per line; blank lines and list markers ("- ", "* ", "1. ") dropped."""
    items = []
    for line in (text or "").splitlines():
        item = line.strip()
        for marker in ("- ", "* ", "• "):
            if item.startswith(marker):
                item = item[len(marker) :].strip()
        head, dot, rest = item.partition(". ")
        if dot and head.isdigit():
            item = rest.strip()
        if item:
            items.append(item)
    return items


class VersionForm(forms.ModelForm[StepVersion]):
    """The text of a version and the expectation it will be judged against."""

    checklist_text = forms.CharField(
        label=_("Checklist"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The concrete actions, one per line, in order."),
    )

    class Meta:
        model = StepVersion
        fields = [
            "title",
            "reasoning",
            "recommendation",
            "expected_kind",
            "expected_count",
            "expected_share",
            "expected_window_days",
            "expectation_text",
        ]
        widgets = {
            "reasoning": forms.Textarea(attrs={"rows": 8}),
            "recommendation": forms.Textarea(attrs={"rows": 8}),
            "expectation_text": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "expected_kind": _("What members should obtain by applying the step."),
            "expected_count": _("How many of them, at least, for each member."),
            "expected_share": _("For what share of the members who apply it, 1 to 100."),
            "expected_window_days": _("Within how many days of applying it."),
            "expectation_text": _("Anything the figures do not say; Markdown."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expected_kind"].required = False
        self.fields["expected_count"].validators.append(MinValueValidator(1))
        self.fields["expected_share"].validators += [
            MinValueValidator(1),
            MaxValueValidator(100),
        ]
        self.fields["expected_window_days"].validators += [
            MinValueValidator(1),
            MaxValueValidator(MAX_WINDOW_DAYS),
        ]
        for name in ("expected_count", "expected_share", "expected_window_days"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        if not self.is_bound and self.instance.checklist:
            self.initial["checklist_text"] = "\n".join(self.instance.checklist)

    def clean_checklist_text(self) -> list[str]:
        items = split_checklist(self.cleaned_data.get("checklist_text", ""))
        if len(items) > MAX_CHECKLIST_ITEMS:
            raise ValidationError(
                _("At most %(max)d actions: a step asks for a few concrete things."),
                code="too_many",
                params={"max": MAX_CHECKLIST_ITEMS},
            )
        for item in items:
            if len(item) > MAX_CHECKLIST_ITEM_CHARS:
                raise ValidationError(
                    _("Each action fits on one line of %(max)d characters at most: “%(start)s…”"),
                    code="too_long",
                    params={"max": MAX_CHECKLIST_ITEM_CHARS, "start": item[:40]},
                )
        return items

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, count = data.get("expected_kind"), data.get("expected_count")
        if kind and count is None and "expected_count" not in self.errors:
            self.add_error(
                "expected_count",
                ValidationError(
                    _("Say how many of this outcome are expected."), code="count_required"
                ),
            )
        if count is not None and not kind:
            self.add_error(
                "expected_kind",
                ValidationError(_("Say which outcome this count is of."), code="kind_required"),
            )
        if not kind and (data.get("expected_share") or data.get("expected_window_days")):
            self.add_error(
                "expected_kind",
                ValidationError(
                    _("A share and a time window are of an expected outcome: choose it."),
                    code="kind_required",
                ),
            )
        return data

    def save(self, commit: bool = True) -> StepVersion:
        self.instance.checklist = self.cleaned_data.get("checklist_text", [])
        return super().save(commit)


def _zone(user: Any) -> dt.tzinfo:
    return weekly.zone_named(getattr(user, "time_zone", ""), settings.TIME_ZONE)


class _ZonedForm(forms.Form):
    """A form whose dates and times are read and shown in ``zone`` (the facilitator's)."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.zone = _zone(user)
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        with timezone.override(self.zone):
            super().full_clean()

    def _check_future(self, name: str, moment: dt.datetime | None) -> None:
        if moment is not None and moment <= timezone.now():
            self.add_error(name, ValidationError(_("Choose a moment in the future."), code="past"))


class ScheduleForm(_ZonedForm):
    """When the version is published, and (optionally) when its feedback closes."""

    publish_at = forms.DateTimeField(label=_("Publish on"), widget=DATETIME_INPUT)
    feedback_closes_at = forms.DateTimeField(
        label=_("Close the feedback on (optional)"),
        required=False,
        widget=DATETIME_INPUT,
        help_text=_("Left empty, the feedback stays open until you close it."),
    )

    def __init__(self, *args: Any, version: StepVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("publish_at", "feedback_closes_at"):
            value = getattr(version, name)
            if value is not None and not self.is_bound:
                self.initial[name] = value.astimezone(self.zone).replace(tzinfo=None)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        publish_at, closes_at = data.get("publish_at"), data.get("feedback_closes_at")
        self._check_future("publish_at", publish_at)
        if publish_at and closes_at and closes_at <= publish_at:
            self.add_error(
                "feedback_closes_at",
                ValidationError(
                    _("The feedback can only close after the version is published."),
                    code="before_publication",
                ),
            )
        return data


class PublishForm(_ZonedForm):
    """Publish now, with an optional closing date for the feedback."""

    feedback_closes_at = forms.DateTimeField(
        label=_("Close the feedback on (optional)"),
        required=False,
        widget=DATETIME_INPUT,
        help_text=_("Left empty, the feedback stays open until you close it."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._check_future("feedback_closes_at", data.get("feedback_closes_at"))
        return data
