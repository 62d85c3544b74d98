"""The upload form and the preview's "read it as" form (format, and columns for a generic CSV)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from entregent.imports.actions import max_bytes
from entregent.imports.models import ImportJob
from entregent.imports.parsers.csv import FIELDS

AUTO = "auto"
FORMAT_CHOICES = [(AUTO, _("Recognise it for me")), *ImportJob.Format.choices]

# The generic CSV parser's fields (csv.FIELDS), as the mapping form names them.
FIELD_LABELS: dict[str, Any] = {
    "display_name": _("Full name"),
    "given_name": _("Given name"),
    "family_name": _("Family name"),
    "email": _("Email"),
    "phone": _("Phone"),
    "linkedin": _("LinkedIn profile"),
    "url": _("Web page"),
    "organisation": _("Organisation"),
    "department": _("Department"),
    "job_title": _("Job title"),
    "birthday": _("Birthday"),
    "tags": _("Tags"),
    "notes": _("Notes"),
    "location": _("Location"),
    "address": _("Postal address"),
}


def too_big_message(size: int | None) -> str:
    limit = filesizeformat(max_bytes())
    if size:
        return str(
            _("This file is %(size)s: files up to %(limit)s can be imported.")
            % {"size": filesizeformat(size), "limit": limit}
        )
    return str(
        _("This file is too big: files up to %(limit)s can be imported.") % {"limit": limit}
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Contact file"),
        help_text=_(
            "LinkedIn’s Connections.csv, a Google, Outlook or Thunderbird export, vCards (.vcf), "
            "or any spreadsheet saved as CSV."
        ),
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial=AUTO)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("%(formats)s Up to %(limit)s.") % {
            "formats": self.fields["file"].help_text,
            "limit": filesizeformat(max_bytes()),
        }
        # The browser can refuse a file that is too big before sending it (see upload.html).
        self.fields["file"].widget.attrs["data-max-bytes"] = str(max_bytes())

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        if file.size > max_bytes():
            raise forms.ValidationError(too_big_message(file.size), code="too_big")
        if not file.size:
            raise forms.ValidationError(_("This file is empty."), code="empty")
        return file


class ReadAsForm(forms.Form):
    """How to read an uploaded file: its format and, for a generic CSV, which column is which."""

    format = forms.ChoiceField(label=_("Read the file as"), choices=FORMAT_CHOICES)

    def __init__(self, *args: Any, job: ImportJob, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.job = job
        self.fields["format"].initial = job.format if job.format_chosen else AUTO
        header: list[str] = list(job.preview.get("header") or [])
        mapping: dict[str, str] = dict(job.preview.get("mapping") or {})
        self.column_fields: list[str] = []
        if job.is_generic_csv and header:
            columns = [("", _("— not imported —")), *((name, name) for name in header if name)]
            # In the order a person reads a contact, not the parser's.
            ordered = [name for name in FIELD_LABELS if name in FIELDS]
            for name in ordered + [name for name in FIELDS if name not in FIELD_LABELS]:
                field_name = f"map_{name}"
                self.fields[field_name] = forms.ChoiceField(
                    label=FIELD_LABELS.get(name, name),
                    choices=columns,
                    required=False,
                    initial=mapping.get(name, ""),
                )
                self.column_fields.append(field_name)

    def columns(self) -> list[forms.BoundField]:
        return [self[name] for name in self.column_fields]

    def mapping(self) -> dict[str, str] | None:
        """Our field -> column, every field named ("" for none), or None for a non-CSV."""
        if not self.column_fields or self.cleaned_data["format"] not in (AUTO, "csv"):
            return None
        return {name[4:]: self.cleaned_data.get(name) or "" for name in self.column_fields}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = [v for k, v in cleaned.items() if k.startswith("map_") and v]
        if self.column_fields and len(chosen) != len(set(chosen)):
            raise forms.ValidationError(
                _("A column can hold only one field: choose each column once."), code="twice"
            )
        return cleaned
