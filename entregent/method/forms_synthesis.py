"""Forms of the synthesis workspace: a disposition of a suggestion or criticism, the
synthesis text of a version, and how the workspace's table is sorted and filtered."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from entregent.method.models import Disposition, StepVersion

MAX_REASON_LENGTH = 2_000
MAX_SYNTHESIS_LENGTH = 50_000


class DispositionForm(forms.Form):
    """What becomes of one suggestion or criticism. A rejection needs its reason: the author,
    and every reader, is owed it (the database refuses one without it too)."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=Disposition.Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to reject; public, beside the comment."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["reason"] = (data.get("reason") or "").strip()
        if data.get("decision") == Disposition.Decision.REJECTED and not data["reason"]:
            self.add_error(
                "reason",
                ValidationError(
                    _("Say why it is rejected: the reason is shown beside the comment."),
                    code="reason_required",
                ),
            )
        return data


class SynthesisForm(forms.ModelForm[StepVersion]):
    synthesis = forms.CharField(
        label=_("Text of the synthesis"),
        required=False,
        max_length=MAX_SYNTHESIS_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Markdown: what the feedback said, where members agreed and where they split, "
            "and what you made of it. Public once this version, or a revision of it, is "
            "validated."
        ),
    )

    class Meta:
        model = StepVersion
        fields = ["synthesis"]


class TableForm(forms.Form):
    """How the table of suggestions and criticisms is sorted and which rows it shows: a GET
    form, so that it works without JavaScript and the view can be linked to."""

    SORTS = (
        ("undecided", _("Undecided first, then most voted")),
        ("agreement", _("Most agreed first")),
        ("disagreement", _("Most disagreed first")),
        ("votes", _("Most voted first")),
        ("oldest", _("Oldest first")),
    )
    SHOWS = (
        ("all", _("All")),
        ("undecided", _("Without a decision")),
        *Disposition.Decision.choices,
    )

    sort = forms.ChoiceField(label=_("Sort"), choices=SORTS, required=False)
    show = forms.ChoiceField(label=_("Show"), choices=SHOWS, required=False)

    def choices(self) -> tuple[str, str]:
        """The sort and filter asked for, or the defaults for anything else."""
        if not self.is_valid():
            return "undecided", "all"
        return self.cleaned_data["sort"] or "undecided", self.cleaned_data["show"] or "all"
