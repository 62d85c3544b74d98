from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.adapter import get_adapter
from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from entregent.accounts.models import User


def _language_choices() -> list[tuple[str, str]]:
    """Each language named in itself, so that a member lost in the wrong one still finds theirs."""
    named = [
        (code, capfirst(get_language_info(code)["name_local"]))
        for code, _name in settings.LANGUAGES
    ]
    return [("", _("Follow my browser")), *named]


class ProfileForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["display_name", "language", "time_zone"]
        help_texts = {
            "display_name": _("How entregent greets you. Leave empty to use your email address."),
            "language": _("“Follow my browser” uses the language your browser asks for."),
            "time_zone": _("Dates and reminders follow this time zone."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = _language_choices()  # type: ignore[attr-defined]
        self.fields["display_name"].widget.attrs["autocomplete"] = "nickname"

    def clean_display_name(self) -> str:
        name: str = self.cleaned_data["display_name"]
        # Names are shown in the header and in emails: a line break would break both.
        if any(ch in name for ch in "\r\n\t"):
            raise forms.ValidationError(
                _("A display name fits on one line."), code="multiline_display_name"
            )
        return name


class DigestForm(forms.ModelForm[User]):
    """The weekly digest: on or off, its day and its time (in the member's time zone)."""

    class Meta:
        model = User
        fields = ["digest_enabled", "digest_weekday", "digest_time"]
        widgets = {
            # A native time picker in quarter hours: the digests leave on the quarter hours.
            "digest_time": forms.TimeInput(format="%H:%M", attrs={"type": "time", "step": 900}),
        }
        help_texts = {
            "digest_enabled": _(
                "Who is due for a word and what your networking produced this week, by email."
            ),
            "digest_time": _("It leaves within a quarter of an hour after this time."),
        }

    def clean_digest_time(self) -> dt.time:
        time: dt.time = self.cleaned_data["digest_time"]
        # Seconds mean nothing to a weekly email; the dashboard shows hours and minutes.
        return time.replace(second=0, microsecond=0)


class LanguageForm(forms.Form):
    """The footer's language switch; the same field name as Django's set_language view."""

    language = forms.ChoiceField(choices=settings.LANGUAGES)


class EraseAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Type it to confirm that you, and not someone at your keyboard, erase it."),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        # allauth's check counts failures against the login rate limit, so this form cannot be
        # used to guess a password that the login page would stop guessing.
        if not get_adapter().reauthenticate(self.user, password):
            raise forms.ValidationError(_("This is not your password."), code="incorrect_password")
        return password
