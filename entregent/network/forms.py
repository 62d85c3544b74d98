from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from entregent.accounts.models import User
from entregent.lib.contact_points import DEFAULT_PHONE_REGION, clean, normalise_url
from entregent.network.models import (
    Cadence,
    Contact,
    ContactPoint,
    Interaction,
    Relationship,
    Tag,
)

STRENGTH_CHOICES = [("", _("Not set"))] + [(str(i), str(i)) for i in range(1, 6)]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def split_tag_names(text: str) -> list[str]:
    """Tag names typed as "clients, mentors; old colleagues": trimmed, de-duplicated."""
    seen: dict[str, str] = {}
    for part in text.replace(";", ",").split(","):
        name = " ".join(part.split())[:60]
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return list(seen.values())


def tags_for(owner: User, names: list[str]) -> list[Tag]:
    """The member's tags with these names (any case), creating the missing ones."""
    if not names:
        return []
    wanted = {n.lower() for n in names}
    existing: dict[str, Tag] = {
        t.name.lower(): t for t in Tag.objects.filter(owner=owner) if t.name.lower() in wanted
    }
    tags: list[Tag] = []
    for name in names:
        tag = existing.get(name.lower())
        if tag is None:
            tag = Tag.objects.create(owner=owner, name=name)
            existing[name.lower()] = tag
        tags.append(tag)
    return tags


class OwnedFormMixin:
    """Forms whose choices must come from the member's own rows only."""

    owner: User

    def scope(self, field: str, queryset: Any) -> None:
        self.fields[field].queryset = queryset  # type: ignore[attr-defined]


class ContactForm(OwnedFormMixin, forms.ModelForm):
    new_tags = forms.CharField(
        label=_("New tags"),
        required=False,
        help_text=_("Separated by commas: “clients, mentors”."),
    )
    tie_strength = forms.TypedChoiceField(
        label=_("Tie strength"),
        choices=STRENGTH_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("1: barely know them, 5: very close."),
    )
    trust_rating = forms.TypedChoiceField(
        label=_("Trust"),
        choices=STRENGTH_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("1: would not rely on them, 5: fully reliable."),
    )

    class Meta:
        model = Contact
        fields = [
            "given_name",
            "family_name",
            "display_name",
            "headline",
            "organisation",
            "job_title",
            "location",
            "tags",
            "birthday_day",
            "birthday_month",
            "birthday_year",
            "met_story",
            "met_on",
            "introduced_by",
            "tie_strength",
            "trust_rating",
            "trust_note",
            "trust_noted_on",
            "cadence",
            "notes",
        ]
        widgets = {
            "tags": forms.CheckboxSelectMultiple,
            "met_on": DATE_INPUT,
            "trust_noted_on": DATE_INPUT,
            "met_story": forms.Textarea(attrs={"rows": 3}),
            "trust_note": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["display_name"].required = False
        self.scope("tags", Tag.objects.filter(owner=owner))
        others = Contact.objects.owned_by(owner).only("pk", "display_name")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.scope("introduced_by", others)
        cadence = self.fields["cadence"]
        cadence.choices = [("", _("From its tags or tie strength")), *Cadence.choices]  # type: ignore[attr-defined]

    def clean_birthday_year(self) -> int | None:
        year = self.cleaned_data.get("birthday_year")
        if year is not None and not 1900 <= year <= timezone.localdate().year:
            raise ValidationError(
                _("Enter a year between 1900 and this year."), code="birthday_year"
            )
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(
            (data.get(f) or "").strip()
            for f in ("display_name", "given_name", "family_name", "organisation")
        ):
            self.add_error(
                "display_name",
                ValidationError(
                    _("Give at least a name or an organisation."), code="name_required"
                ),
            )
        day, month, year = (data.get(f"birthday_{p}") for p in ("day", "month", "year"))
        if (day is None) != (month is None):
            self.add_error(
                "birthday_day",
                ValidationError(
                    _("A birthday needs both a day and a month."), code="birthday_partial"
                ),
            )
        elif day is not None and month is not None:
            try:
                dt.date(year or 2000, month, day)
            except ValueError:
                self.add_error(
                    "birthday_day",
                    ValidationError(_("This day does not exist in that month."), code="birthday"),
                )
        elif year is not None:
            self.add_error(
                "birthday_day",
                ValidationError(
                    _("A birthday needs a day and a month; the year is optional."),
                    code="birthday_partial",
                ),
            )
        for field in ("met_on", "trust_noted_on"):
            value = data.get(field)
            if value and value > timezone.localdate():
                self.add_error(
                    field, ValidationError(_("This date is in the future."), code="future")
                )
        if data.get("trust_note") and not data.get("trust_noted_on"):
            data["trust_noted_on"] = timezone.localdate()
        return data

    def save(self, commit: bool = True) -> Contact:
        contact: Contact = super().save(commit=False)
        contact.owner = self.owner
        if commit:
            contact.save()
            self.save_m2m()
            extra = tags_for(self.owner, split_tag_names(self.cleaned_data.get("new_tags", "")))
            if extra:
                contact.tags.add(*extra)
        return contact


class ContactPointForm(forms.ModelForm):
    class Meta:
        model = ContactPoint
        fields = ["kind", "label", "raw"]
        widgets = {"raw": forms.TextInput()}
        labels = {"raw": _("Value")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, raw = data.get("kind"), clean(data.get("raw") or "")
        if not kind or not raw:
            return data
        if kind == ContactPoint.Kind.EMAIL:
            try:
                EmailValidator()(raw)
            except ValidationError:
                self.add_error(
                    "raw",
                    ValidationError(
                        _("“%(value)s” is not an email address."),
                        code="email",
                        params={"value": raw},
                    ),
                )
        elif kind == ContactPoint.Kind.PHONE:
            try:
                number = phonenumbers.parse(raw, DEFAULT_PHONE_REGION)
                valid = phonenumbers.is_possible_number(number)
            except phonenumbers.NumberParseException:
                valid = False
            if not valid:
                self.add_error(
                    "raw",
                    ValidationError(
                        _(
                            "“%(value)s” is not a phone number we recognise. "
                            "Numbers outside France need their country code (+44…)."
                        ),
                        code="phone",
                        params={"value": raw},
                    ),
                )
        elif kind in (ContactPoint.Kind.URL, ContactPoint.Kind.LINKEDIN):
            try:
                URLValidator()(normalise_url(raw))
            except ValidationError:
                self.add_error(
                    "raw",
                    ValidationError(
                        _("“%(value)s” is not a web address."),
                        code="url",
                        params={"value": raw},
                    ),
                )
        return data


class BaseContactPointFormSet(BaseInlineFormSet):
    def save_new(self, form: forms.ModelForm, commit: bool = True) -> Any:
        point = super().save_new(form, commit=False)
        point.position = self.forms.index(form)
        if commit:
            point.save()
        return point


ContactPointFormSet = inlineformset_factory(
    Contact,
    ContactPoint,
    form=ContactPointForm,
    formset=BaseContactPointFormSet,
    extra=2,
    can_delete=True,
)


class QuickAddForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=300)
    headline = forms.CharField(label=_("What they do"), max_length=300, required=False)

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise ValidationError(_("Give a name."), code="required")
        return name


class InteractionForm(OwnedFormMixin, forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ["occurred_on", "kind", "summary", "contacts", "notes"]
        widgets = {
            "occurred_on": DATE_INPUT,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "contacts": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "occurred_on": _("Back-date it if it happened earlier."),
            "contacts": _("Everyone who took part; hold Ctrl or ⌘ to pick several."),
        }

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.scope(
            "contacts", Contact.objects.owned_by(owner).only("pk", "display_name", "organisation")
        )

    def clean_occurred_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["occurred_on"]
        if day > timezone.localdate() + dt.timedelta(days=1):
            raise ValidationError(
                _("An interaction cannot be in the future: log it once it has happened."),
                code="future",
            )
        return day

    def save(self, commit: bool = True) -> Interaction:
        interaction: Interaction = super().save(commit=False)
        interaction.owner = self.owner
        if commit:
            interaction.save()
            self.save_m2m()
        return interaction


class RelationshipForm(OwnedFormMixin, forms.ModelForm):
    class Meta:
        model = Relationship
        fields = ["kind", "to_contact", "note"]
        labels = {"to_contact": _("Other contact")}

    def __init__(self, *args: Any, owner: User, contact: Contact, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.contact = contact
        self.scope(
            "to_contact",
            Contact.objects.owned_by(owner).exclude(pk=contact.pk).only("pk", "display_name"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        other, kind = data.get("to_contact"), data.get("kind")
        if other and kind:
            exists = Relationship.objects.filter(
                from_contact=self.contact, to_contact=other, kind=kind
            ).exists()
            if exists:
                raise ValidationError(_("This link is already recorded."), code="duplicate")
        return data

    def save(self, commit: bool = True) -> Relationship:
        relationship: Relationship = super().save(commit=False)
        relationship.owner = self.owner
        relationship.from_contact = self.contact
        if commit:
            relationship.save()
        return relationship


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name", "cadence"]
        help_texts = {
            "cadence": _(
                "Contacts with this tag are due at least this often, unless they have a cadence "
                "of their own. With several tags, the shortest applies."
            )
        }

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        cadence = self.fields["cadence"]
        cadence.choices = [("", _("No cadence")), *Cadence.choices]  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Give the tag a name."), code="required")
        clash = Tag.objects.filter(owner=self.owner, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(
                _("You already have a tag called “%(name)s”."),
                code="duplicate",
                params={"name": name},
            )
        return name

    def save(self, commit: bool = True) -> Tag:
        tag: Tag = super().save(commit=False)
        tag.owner = self.owner
        if commit:
            tag.save()
        return tag


@dataclass
class Control:
    name: str
    id: str
    label: str
    value: str
    options: list[tuple[str, str, bool]] | None


class ContactFilterForm(forms.Form):
    """The contact list's filters; every field optional, bad values ignored with a message."""

    SORTS = [
        ("name", _("Name")),
        ("-last", _("Most recent interaction")),
        ("last", _("Longest without interaction")),
        ("-created", _("Recently added")),
    ]
    STATUSES = [
        ("", _("Active")),
        ("due", _("Due")),
        ("dormant", _("Dormant")),
        ("archived", _("Archived")),
        ("all", _("All")),
    ]

    q = forms.CharField(label=_("Name"), required=False, max_length=200)
    tag = forms.ModelChoiceField(
        label=_("Tag"), queryset=Tag.objects.none(), required=False, empty_label=_("Any")
    )
    strength = forms.TypedChoiceField(
        label=_("Tie strength"),
        choices=[("", _("Any")), *STRENGTH_CHOICES[1:]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    organisation = forms.CharField(label=_("Organisation"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), choices=STATUSES, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORTS, required=False)

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = Tag.objects.filter(owner=owner)  # type: ignore[attr-defined]

    def controls(self) -> list[Control]:
        """The filters as plain data for a hand-written bar.

        Rendering six widgets through Django's form templates cost the busiest page of the site
        a quarter of its time; the list page renders these instead.
        """
        controls = []
        for name, field in self.fields.items():
            bound = self[name]
            value = "" if bound.value() is None else str(bound.value())
            options = None
            if isinstance(field, forms.ChoiceField):
                choices: Iterable[tuple[Any, Any]] = field.choices  # type: ignore[assignment]
                options = [(str(v), str(label), str(v) == value) for v, label in choices]
            controls.append(Control(name, bound.id_for_label, str(field.label), value, options))
        return controls


class SearchForm(forms.Form):
    """Ask my network: free text (with optional filters written in it) and the same filters
    as controls, for those who prefer them."""

    q = forms.CharField(label=_("Search my network"), required=False, max_length=1000)
    tag = forms.ModelChoiceField(
        label=_("Tag"), queryset=Tag.objects.none(), required=False, empty_label=_("Any")
    )
    organisation = forms.CharField(label=_("Organisation"), required=False, max_length=200)
    strength = forms.TypedChoiceField(
        label=_("Tie strength"),
        choices=[("", _("Any")), *STRENGTH_CHOICES[1:]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=ContactFilterForm.STATUSES, required=False
    )

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = Tag.objects.filter(owner=owner)  # type: ignore[attr-defined]
