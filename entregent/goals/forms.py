"""Forms for objectives and outcomes.

Contacts are chosen without a list of the whole network (10,000 options would make every form
heavy): the form shows the people already chosen, and suggestions, as checkboxes, plus a text
field of names resolved among the member's own contacts. Every id posted is checked against the
member's contacts, so a forged id of someone else's is a validation error.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from entregent.accounts.models import User
from entregent.goals.models import Objective, Outcome
from entregent.lib.dates import months_before
from entregent.network.models import Contact, ContactQuerySet

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Names typed in one go; more is a paste gone wrong, not a form filled in.
MAX_NAMES = 20
# Candidates shown for a name that could be several people.
MAX_CANDIDATES = 10


@dataclass
class PersonOption:
    """One checkbox of the people picker."""

    contact: Contact
    checked: bool


def split_names(text: str) -> list[str]:
    """ "Ann Lee, Dan; Dora" -> ["Ann Lee", "Dan", "Dora"], spaces tidied, duplicates dropped."""
    names: dict[str, str] = {}
    for part in re.split(r"[,;\n]", text or ""):
        name = " ".join(part.split())
        if name and name.casefold() not in names:
            names[name.casefold()] = name
    return list(names.values())


class PeopleFormMixin:
    """The "contacts" field of a model form, chosen among the owner's contacts.

    ``contacts`` holds checked ids (validated against the member's own contacts); ``add_names``
    holds names typed by hand, each resolved to exactly one contact: an unknown name is an
    error, and so is a name several people answer to, unless one of them is ticked (they are
    offered as checkboxes to tick).
    """

    owner: User
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]
    instance: Any

    def setup_people(self, owner: User, suggestions: list[Contact] | None = None) -> None:
        self.owner = owner
        self._suggestions = suggestions or []
        self._candidates: list[Contact] = []
        field = self.fields["contacts"]
        field.queryset = self.owned_contacts().only("pk", "display_name")  # type: ignore[attr-defined]
        field.required = False
        field.error_messages["invalid_choice"] = _(
            "Only people of your own network can be linked."
        )
        field.help_text = ""
        self.fields["add_names"] = forms.CharField(
            label=_("Add people by name"),
            required=False,
            max_length=2000,
            help_text=_("Names as they are in your network, separated by commas."),
        )

    def suggest_from(self, url: str) -> None:
        """Let the picker's script offer names as one types, from ``url?people=...``."""
        self.fields["add_names"].widget.attrs.update(
            {
                "data-people-suggest": url,
                "data-field": self.add_prefix("contacts"),  # type: ignore[attr-defined]
                "aria-controls": "people-suggestions",
                "aria-expanded": "false",
                "aria-autocomplete": "list",
                "role": "combobox",
                "autocomplete": "off",
            }
        )

    def owned_contacts(self) -> ContactQuerySet:
        return Contact.objects.owned_by(self.owner)

    def resolve_names(self, names: list[str], ticked: set[int]) -> list[Contact]:
        """The contact each name stands for; errors on ``add_names`` for the others."""
        found: list[Contact] = []
        errors: list[ValidationError] = []
        if len(names) > MAX_NAMES:
            errors.append(
                ValidationError(
                    _("At most %(count)d names at a time."),
                    code="too_many",
                    params={"count": MAX_NAMES},
                )
            )
            names = names[:MAX_NAMES]
        people = self.owned_contacts().only("pk", "display_name", "headline", "organisation")
        for name in names:
            matches = list(people.filter(display_name__iexact=name)[: MAX_CANDIDATES + 1])
            if not matches:
                loose = people
                for word in name.split():
                    loose = loose.filter(display_name__icontains=word)
                matches = list(loose.order_by("display_name", "pk")[: MAX_CANDIDATES + 1])
            if len(matches) == 1:
                found.append(matches[0])
            elif not matches:
                errors.append(
                    ValidationError(
                        _("No one called “%(name)s” in your network."),
                        code="unknown_name",
                        params={"name": name},
                    )
                )
            elif not ticked & {c.pk for c in matches}:
                self._candidates.extend(matches[:MAX_CANDIDATES])
                errors.append(
                    ValidationError(
                        _("Several people answer to “%(name)s”: tick the one you mean."),
                        code="ambiguous_name",
                        params={"name": name},
                    )
                )
        if errors:
            raise ValidationError(errors)
        return found

    def clean_people(self) -> None:
        chosen = list(self.cleaned_data.get("contacts") or [])
        ticked = {c.pk for c in chosen}
        try:
            added = self.resolve_names(split_names(self.cleaned_data.get("add_names", "")), ticked)
        except ValidationError as error:
            self.add_error("add_names", error)  # type: ignore[attr-defined]
            return
        for contact in added:
            if contact.pk not in ticked:
                chosen.append(contact)
                ticked.add(contact.pk)
        self.cleaned_data["contacts"] = chosen

    def people_options(self) -> list[PersonOption]:
        """The picker's checkboxes: the people chosen (ticked), then suggestions and the
        candidates of an ambiguous name (not ticked)."""
        form: Any = self
        if form.is_bound:
            posted = form.data.getlist(form.add_prefix("contacts"))
            chosen_ids = [int(v) for v in posted if str(v).isdigit()]
            cleaned = getattr(form, "cleaned_data", {}).get("contacts") or []
            chosen_ids += [c.pk for c in cleaned if c.pk not in chosen_ids]
        elif self.instance.pk:
            chosen_ids = [c.pk for c in self.linked_contacts()]
        else:
            chosen_ids = [int(v) for v in form.initial.get("contacts", [])]
        chosen = (
            self.owned_contacts()
            .filter(pk__in=chosen_ids)
            .only("pk", "display_name", "headline", "organisation")
            .in_bulk()
        )
        options = [
            PersonOption(chosen[pk], True) for pk in dict.fromkeys(chosen_ids) if pk in chosen
        ]
        seen = set(chosen)
        for contact in [*self._candidates, *self._suggestions]:
            if contact.pk not in seen:
                seen.add(contact.pk)
                options.append(PersonOption(contact, False))
        return options

    def linked_contacts(self) -> list[Contact]:
        return list(self.owned_contacts().filter(**{self.link_lookup(): self.instance.pk}))

    def link_lookup(self) -> str:
        raise NotImplementedError

    def save_people(self, instance: Any) -> None:
        """Link the chosen people, keeping the links to contacts the form cannot show (in the
        bin, or still being imported): restoring one from the bin brings its links back."""
        hidden = list(
            instance.contacts.exclude(pk__in=self.owned_contacts().values("pk")).values_list(
                "pk", flat=True
            )
        )
        instance.contacts.set([*self.cleaned_data["contacts"], *hidden])


class ObjectiveForm(PeopleFormMixin, forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["kind", "title", "criteria", "status", "target_on", "contacts"]
        widgets = {
            "target_on": DATE_INPUT,
            "criteria": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {"target_on": _("Target date (optional)")}
        help_texts = {
            "title": _("In a few words: “a printer for the new catalogue”."),
            "target_on": _("Only if a date helps you. Nothing happens when it passes."),
        }

    def __init__(
        self,
        *args: Any,
        owner: User,
        suggestions: list[Contact] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.setup_people(owner, suggestions)
        self.was_open = self.instance.pk is None or self.instance.status == Objective.Status.OPEN

    def link_lookup(self) -> str:
        return "objectives"

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise ValidationError(_("Give the objective a title."), code="required")
        return title

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.clean_people()
        return data

    def save(self, commit: bool = True) -> Objective:
        objective: Objective = super().save(commit=False)
        objective.owner = self.owner
        # Reached or dropped: closed today (the report counts it in this period); reopened:
        # open again. Going from reached to dropped keeps the day it left "open".
        if objective.status == Objective.Status.OPEN:
            objective.closed_on = None
        elif self.was_open or objective.closed_on is None:
            objective.closed_on = timezone.localdate()
        if commit:
            objective.save()
            self.save_people(objective)
        return objective


class OutcomeForm(PeopleFormMixin, forms.ModelForm):
    """An outcome recorded by hand: every field is the member's."""

    class Meta:
        model = Outcome
        fields = ["kind", "occurred_on", "contacts", "objective", "note"]
        widgets = {"occurred_on": DATE_INPUT, "note": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_people(owner)
        scope_objective(self.fields["objective"], owner)
        kind: Any = self.fields["kind"]
        kind.choices = [("", _("Choose what came of it")), *Outcome.Kind.choices]

    def link_lookup(self) -> str:
        return "outcomes"

    def clean_occurred_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["occurred_on"]
        # Tomorrow is allowed: it may already be tomorrow where the member is.
        if day > timezone.localdate() + dt.timedelta(days=1):
            raise ValidationError(_("An outcome is recorded once it has happened."), code="future")
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.clean_people()
        return data

    def save(self, commit: bool = True) -> Outcome:
        outcome: Outcome = super().save(commit=False)
        outcome.owner = self.owner
        if commit:
            outcome.save()
            self.save_people(outcome)
        return outcome


class DerivedOutcomeForm(forms.ModelForm):
    """An outcome recorded for the member: its kind, date, people and source follow the
    interaction or contact that produced it (edit that instead); the note and the objective
    are the member's and survive every recomputation."""

    class Meta:
        model = Outcome
        fields = ["objective", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        scope_objective(self.fields["objective"], owner)


def scope_objective(field: forms.Field, owner: User) -> None:
    """The member's objectives, open ones first: a forged id of someone else's is invalid."""
    choice: Any = field
    choice.queryset = (
        Objective.objects.owned_by(owner)
        .only("pk", "title", "status")
        .order_by("status", "title", "pk")
    )
    choice.empty_label = _("None")
    choice.label_from_instance = _objective_label


def _objective_label(objective: Objective) -> str:
    if objective.status == Objective.Status.OPEN:
        return objective.title
    return f"{objective.title} ({objective.get_status_display()})"


# --- the outcome list's filters -------------------------------------------------------------

PERIODS = [
    ("", _("Any time")),
    ("week", _("This week")),
    ("month", _("This month")),
    ("quarter", _("This quarter")),
    ("year", _("This year")),
    ("12months", _("The last 12 months")),
]


def period_bounds(period: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of a named period that ends today (both included)."""
    if period == "week":
        return today - dt.timedelta(days=today.weekday()), today
    if period == "month":
        return today.replace(day=1), today
    if period == "quarter":
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    if period == "year":
        return today.replace(month=1, day=1), today
    if period == "12months":
        return months_before(today, 12) + dt.timedelta(days=1), today
    return None, None


class OutcomeFilterForm(forms.Form):
    """The outcome list's filters; every field optional. Dates given win over the period."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any kind")), *Outcome.Kind.choices], required=False
    )
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error(
                "end", ValidationError(_("The end comes before the start."), code="order")
            )
        return data

    def bounds(self, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
        data = self.cleaned_data if self.is_valid() else {}
        start, end = period_bounds(data.get("period") or "", today)
        return data.get("start") or start, data.get("end") or end
