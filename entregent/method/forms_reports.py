"""The form of a progress report: its title and text (``reports.py`` publishes it)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from entregent.method.models import ProgressReport

# A report is read in one sitting, on a phone too.
MAX_BODY = 20_000


class ReportForm(forms.ModelForm[ProgressReport]):
    class Meta:
        model = ProgressReport
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14, "maxlength": MAX_BODY})}
        labels = {"title": _("Title"), "body": _("Text")}
        help_texts = {
            "body": _(
                "Markdown: **bold**, *italics*, lists, links. Say plainly what worked and what "
                "did not: the figures of each version are added below your text when you "
                "publish it, and stay as they were that day."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages["required"] = _("Give the report a title.")
        self.fields["body"].error_messages["required"] = _("Write the report’s text.")

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError(_("Give the report a title."), code="required")
        return title

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"].strip()
        if not body:
            raise ValidationError(_("Write the report’s text."), code="required")
        if len(body) > MAX_BODY:
            raise ValidationError(
                _("Keep it under %(limit)d characters (it has %(length)d)."),
                code="max_length",
                params={"limit": MAX_BODY, "length": len(body)},
            )
        return body
