"""Forms of applying a step and debriefing it (``adoptions.py`` does the writing).

The adoption form owns what a date may be (not in the future, not before the version was
validated) and which objectives may be linked (the member's own). The debrief form owns the
numbers (prefilled from the member's log, each correctable, the correction kept beside what
was measured) and the rule that a text naming people of the member's network is shared or
published only once the member has seen which and said so.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from entregent.goals.forms import DATE_INPUT, scope_objective
from entregent.goals.models import Outcome
from entregent.method import adoptions, measure
from entregent.method.models import Adoption, ChecklistItem, Debrief, StepVersion
from entregent.method.network_names import PersonNames, names_in_text

if TYPE_CHECKING:
    from entregent.accounts.models import User

MAX_TEXT = 5000
# A count above this is a typing slip, not a month of networking.
MAX_COUNT = 10_000

# The debrief's numbers, in the plural a debrief reads ("Meetings: 3").
NUMBER_LABELS: dict[str, Promise] = {
    Outcome.Kind.NEW_CONTACT: _("New contacts"),
    Outcome.Kind.REACTIVATION: _("Contacts reactivated"),
    Outcome.Kind.MEETING: _("Meetings"),
    Outcome.Kind.PARTNERSHIP: _("Partnerships"),
    Outcome.Kind.LEAD_JOB: _("Leads for a job"),
    Outcome.Kind.LEAD_CLIENT: _("Leads for a client"),
    Outcome.Kind.LEAD_SUPPLIER: _("Leads for a supplier"),
    Outcome.Kind.INTRODUCTION: _("Introductions or recommendations"),
    Outcome.Kind.OTHER: _("Other outcomes"),
    measure.OBJECTIVES_REACHED: _("Objectives reached"),
}

COUNT_ERRORS = {
    "required": _("Give a number, 0 if there was none."),
    "invalid": _("Give a whole number, such as 0, 1 or 2."),
    "min_value": _("A count cannot be below 0."),
    "max_value": _("That is more than a count can be here (%(limit_value)s at most)."),
}


def number_label(key: str) -> str:
    label = NUMBER_LABELS.get(key)
    return str(label) if label is not None else key


class AdoptionForm(forms.ModelForm):
    """Applying a version (``version`` given, no instance) or changing an adoption's date and
    objective (an instance)."""

    class Meta:
        model = Adoption
        fields = ["adopted_on", "objective"]
        widgets = {"adopted_on": DATE_INPUT}
        labels = {
            "adopted_on": _("Applied since"),
            "objective": _("For which of my objectives (optional)"),
        }
        help_texts = {
            "adopted_on": _(
                "What it brings is measured from this day. Today, unless you started earlier."
            ),
        }

    def __init__(
        self, *args: Any, owner: User, version: StepVersion | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.version = version or self.instance.version
        if self.instance.pk is None:
            self.fields["adopted_on"].initial = timezone.localdate()
        scope_objective(self.fields["objective"], owner)
        self.fields["objective"].error_messages["invalid_choice"] = _(
            "Choose one of your own objectives."
        )
        self.fields["adopted_on"].error_messages.update(
            {"required": _("Give the day you started."), "invalid": _("Give a real date.")}
        )
        widget = self.fields["adopted_on"].widget
        widget.attrs["max"] = timezone.localdate().isoformat()
        first = self.first_day
        if first is not None:
            widget.attrs["min"] = first.isoformat()

    @property
    def first_day(self) -> dt.date | None:
        """The version's validation day, in the member's time zone."""
        validated_at = self.version.validated_at
        return timezone.localdate(validated_at) if validated_at else None

    def clean_adopted_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["adopted_on"]
        if day > timezone.localdate():
            raise ValidationError(
                _("Give today or a day already past: the measurement starts when you start."),
                code="future",
            )
        first = self.first_day
        if first is not None and day < first:
            raise ValidationError(
                _("This version was validated on %(date)s: you cannot have applied it before."),
                code="before_validation",
                params={"date": date_format(first, "DATE_FORMAT")},
            )
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is None:
            reason = adoptions.why_not_applicable(self.version)
            if reason:
                raise ValidationError(reason, code="not_validated")
        return data


class ItemForm(forms.ModelForm):
    """A line the member adds to their own checklist."""

    class Meta:
        model = ChecklistItem
        fields = ["text"]
        labels = {"text": _("Add an item of my own")}

    def __init__(self, *args: Any, adoption: Adoption, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.adoption = adoption
        self.fields["text"].error_messages["required"] = _("Write the item first.")

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("Write the item first."), code="required")
        if self.adoption.items.count() >= adoptions.MAX_ITEMS:
            raise ValidationError(
                _("A checklist holds %(max)d items at most."),
                code="too_many",
                params={"max": adoptions.MAX_ITEMS},
            )
        return text


class TickForm(forms.Form):
    """Done or not done: what the button says it will make the item."""

    done = forms.TypedChoiceField(choices=[("1", _("done")), ("0", _("not done"))], coerce=int)


USEFULNESS_CHOICES = [(n, str(n)) for n in range(1, 6)]


class DebriefForm(forms.ModelForm):
    """A debrief: the numbers (one field per ``measure.KEYS``, and the verdict's number once
    the version's window has ended) and the member's words.

    A new debrief is prefilled from ``prefill``, computed again when the form is sent: a
    number the member left as it was shown follows the log (which may have changed since
    the form was shown), a number they changed is a correction. An edited debrief keeps the
    numbers measured when it was written.
    """

    assessment = forms.ChoiceField(
        label=_("Did it work?"),
        choices=Debrief.Assessment.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether it worked, partly worked or did not.")},
    )
    usefulness = forms.TypedChoiceField(
        label=_("How useful was this step to you?"),
        choices=USEFULNESS_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("From 1, not useful at all, to 5, very useful."),
        error_messages={"required": _("Choose how useful it was, from 1 to 5.")},
    )
    confirm_names = forms.BooleanField(
        label=_("I have checked: share it with these names"), required=False
    )
    # The contacts the member was warned about, so that a name added after the warning is
    # warned about again.
    warned = forms.CharField(required=False, widget=forms.HiddenInput)

    TEXT_FIELDS = ("obtained", "problems", "solutions")

    class Meta:
        model = Debrief
        fields = ["assessment", "usefulness", "obtained", "problems", "solutions", "visibility"]
        widgets = {
            "obtained": forms.Textarea(attrs={"rows": 4, "maxlength": MAX_TEXT}),
            "problems": forms.Textarea(attrs={"rows": 4, "maxlength": MAX_TEXT}),
            "solutions": forms.Textarea(attrs={"rows": 4, "maxlength": MAX_TEXT}),
            "visibility": forms.RadioSelect,
        }
        labels = {
            "obtained": _("What I obtained that I did not have before"),
            "problems": _("The problems I met"),
            "solutions": _("The solutions I adopted"),
            "visibility": _("Who may read my text"),
        }
        help_texts = {
            "visibility": _(
                "Only the text. Your numbers never leave your space, except inside the "
                "results of at least 5 members."
            ),
        }

    def __init__(
        self,
        *args: Any,
        adoption: Adoption,
        prefill: adoptions.Prefill | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.adoption = adoption
        self.named_people: list[PersonNames] = []
        for name in self.TEXT_FIELDS:
            field = cast(forms.CharField, self.fields[name])
            field.max_length = MAX_TEXT
            field.validators.append(_max_length(MAX_TEXT))
        debrief: Debrief = self.instance
        # The numbers as they were, to tell an edit of the figures from one of the words.
        self.figures_before = _figures(debrief)
        if debrief.pk is not None:
            self.measured: dict[str, int] = dict(debrief.measured)
            self.window_measured = debrief.window_measured
            shown = {**self.measured, **debrief.corrected}
            window_shown = (
                debrief.window_corrected
                if debrief.window_corrected is not None
                else debrief.window_measured
            )
            self.window_end = measure.window_end(adoption)
        else:
            assert prefill is not None
            self.measured = dict(prefill.measured)
            self.window_measured = prefill.window_measured
            shown, window_shown = self.measured, self.window_measured
            self.window_end = prefill.window_end
        self.number_keys = [k for k in measure.KEYS if k in self.measured] + [
            k for k in self.measured if k not in measure.KEYS
        ]
        for key in self.number_keys:
            self.fields[f"n_{key}"] = self._count_field(number_label(key), shown.get(key, 0))
            if debrief.pk is None:
                self.fields[f"shown_{key}"] = _shown_field(shown.get(key, 0))
        if self.window_measured is not None:
            kind = str(Outcome.Kind(adoption.version.expected_kind).label)
            self.fields["n_window"] = self._count_field(kind, window_shown or 0)
            if debrief.pk is None:
                self.fields["shown_window"] = _shown_field(window_shown or 0)

    @staticmethod
    def _count_field(label: str, initial: int) -> forms.IntegerField:
        field = forms.IntegerField(
            label=label,
            min_value=0,
            max_value=MAX_COUNT,
            initial=initial,
            error_messages=COUNT_ERRORS,
        )
        field.widget.attrs.update({"inputmode": "numeric", "class": "count"})
        return field

    # What the template lays out.

    def number_fields(self) -> list[tuple[forms.BoundField, int]]:
        """Each number's field with what the log measured."""
        return [(self[f"n_{key}"], self.measured.get(key, 0)) for key in self.number_keys]

    def hidden_shown(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("shown_")]

    @property
    def names_to_confirm(self) -> str:
        return ", ".join(person.display_name for person in self.named_people)

    # Validation.

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for key in self.number_keys:
            data[f"n_{key}"] = self._followed(data, key, self.measured.get(key, 0))
        if self.window_measured is not None:
            data["n_window"] = self._followed(data, "window", self.window_measured)
        data["names_confirmed"] = self._cleared_for_sharing(data)
        return data

    def _followed(self, data: dict[str, Any], key: str, measured: int) -> Any:
        """The number to keep: a new debrief's number left as shown follows the log."""
        value = data.get(f"n_{key}")
        if f"shown_{key}" in self.fields and value is not None:
            shown = data.get(f"shown_{key}")
            if shown is not None and value == shown:
                return measured
        return value

    def _text_unchanged(self, data: dict[str, Any]) -> bool:
        debrief: Debrief = self.instance
        return debrief.pk is not None and all(
            (data.get(name) or "") == getattr(debrief, name) for name in self.TEXT_FIELDS
        )

    def _cleared_for_sharing(self, data: dict[str, Any]) -> bool:
        """``names_confirmed``: whether the text may leave the member's space, because it
        names none of their contacts or because they confirmed the names it holds. A text
        that names some is saved private without a word; shared or published, it waits for
        the member to edit it or confirm (the form answers with the names)."""
        if self._text_unchanged(data) and self.instance.names_confirmed:
            return True
        text = "\n\n".join(data.get(name) or "" for name in self.TEXT_FIELDS)
        named = names_in_text(self.adoption.owner, text)
        if not named:
            return True
        if data.get("visibility") in (None, Debrief.Visibility.PRIVATE):
            return False
        ids = {str(person.contact_id) for person in named}
        warned = set(filter(None, (data.get("warned") or "").split(",")))
        if data.get("confirm_names") and ids <= warned:
            return True
        self.named_people = named
        # Shown again with the warning: the box unticked, the names just found.
        bound = cast(QueryDict, self.data).copy()
        bound["warned"] = ",".join(sorted(ids))
        bound.pop("confirm_names", None)
        self.data = bound
        self.add_error(
            None,
            ValidationError(
                _(
                    "Your text names people from your network: %(names)s. Edit it to leave "
                    "them out, keep it private, or confirm that it may be shared with them."
                ),
                code="names",
                params={"names": self.names_to_confirm},
            ),
        )
        return False

    def save(self, commit: bool = True) -> Debrief:
        debrief: Debrief = super().save(commit=False)
        data = self.cleaned_data
        if debrief.pk is None:
            debrief.adoption = self.adoption
            debrief.owner = self.adoption.owner
            debrief.version = self.adoption.version
            debrief.written_on = timezone.localdate()
            debrief.measured = self.measured
            debrief.window_measured = self.window_measured
        debrief.corrected = {
            key: data[f"n_{key}"]
            for key in self.number_keys
            if data[f"n_{key}"] != self.measured.get(key, 0)
        }
        if self.window_measured is not None:
            window = data["n_window"]
            debrief.window_corrected = window if window != self.window_measured else None
        debrief.names_confirmed = data["names_confirmed"]
        if debrief.pk is not None and _figures(debrief) != self.figures_before:
            # What the results read changed: this member counts towards the next release.
            debrief.figures_changed_at = timezone.now()
        if commit:
            adoptions.save_debrief(debrief)
        return debrief


def _figures(debrief: Debrief) -> tuple[Any, ...]:
    return tuple(getattr(debrief, name) for name in Debrief.FIGURES)


def _shown_field(initial: int) -> forms.IntegerField:
    return forms.IntegerField(required=False, initial=initial, widget=forms.HiddenInput)


def _max_length(limit: int) -> Any:
    from django.core.validators import MaxLengthValidator

    return MaxLengthValidator(
        limit,
        message=_("Keep it under %(limit_value)d characters (it has %(show_value)d)."),
    )
