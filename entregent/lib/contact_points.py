"""Normalising the ways to reach someone, so that the same email or phone compares equal."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import phonenumbers

DEFAULT_PHONE_REGION = "FR"

_LINKEDIN = re.compile(
    r"^(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/(?P<kind>in|pub|company)/(?P<slug>[^/?#\s]+)",
    re.IGNORECASE,
)
# Direction marks and other invisible characters that phone exports carry around numbers.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def clean(raw: str) -> str:
    return _INVISIBLE.sub("", raw).strip()


def normalise_email(raw: str) -> str:
    return clean(raw).lower()


def normalise_phone(raw: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """E.164 when the number parses and is possible; the cleaned digits otherwise."""
    text = clean(raw)
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return re.sub(r"[^\d+]", "", text)
    if not phonenumbers.is_possible_number(number):
        return re.sub(r"[^\d+]", "", text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def linkedin_profile(raw: str) -> str | None:
    """The canonical https://www.linkedin.com/in/<slug> of a profile URL, or None."""
    match = _LINKEDIN.match(clean(raw))
    if not match:
        return None
    slug = unquote(match["slug"]).strip().lower()
    return f"https://www.linkedin.com/{match['kind'].lower()}/{slug}"


def normalise_url(raw: str) -> str:
    text = clean(raw)
    if not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE):
        text = "https://" + text
    parts = urlsplit(text)
    return parts._replace(netloc=parts.netloc.lower()).geturl()


def normalise(kind: str, raw: str) -> tuple[str, str]:
    """(kind, comparable value) for a contact point; a LinkedIn URL becomes its own kind."""
    if kind == "email":
        return kind, normalise_email(raw)
    if kind == "phone":
        return kind, normalise_phone(raw)
    if kind in ("url", "linkedin"):
        profile = linkedin_profile(raw)
        if profile:
            return "linkedin", profile
        return "url", normalise_url(raw)
    if kind == "address":
        return kind, " ".join(clean(raw).split()).lower()
    return kind, clean(raw)
