"""Tools shared by the accounts tests: reading emails, computing TOTP codes, parsing forms."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time
from html.parser import HTMLParser

from allauth.mfa import app_settings as mfa_settings
from django.core import mail

_LINK = re.compile(r"https?://testserver(/\S+)")


def link_in_last_email(to: str) -> str:
    """The site path in the last email sent to ``to``."""
    sent = [m for m in mail.outbox if to in m.to]
    assert sent, f"no email was sent to {to}"
    found = _LINK.search(str(sent[-1].body))
    assert found, f"no link in the email to {to}:\n{sent[-1].body}"
    return found.group(1)


def totp_code(secret: str, at: float | None = None) -> str:
    """The code an authenticator app shows for ``secret`` (RFC 6238, SHA-1).

    Written out from the RFC rather than borrowed from allauth, so that the tests check allauth
    against the standard an app implements; only the period and length come from its settings.
    """
    counter = int(time.time() if at is None else at) // mfa_settings.TOTP_PERIOD
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**mfa_settings.TOTP_DIGITS).zfill(mfa_settings.TOTP_DIGITS)


class FormControls(HTMLParser):
    """Collects a page's form controls and labels, to check that every control has a label."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.label_targets: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "label" and attributes.get("for"):
            self.label_targets.add(str(attributes["for"]))
        if tag in ("input", "select", "textarea"):
            attributes["tag"] = tag
            self.controls.append(attributes)

    def unlabelled(self) -> list[str]:
        """Visible controls that no <label for> names (buttons and hidden inputs need none)."""
        missing = []
        for control in self.controls:
            if control.get("type") in ("hidden", "submit", "button"):
                continue
            if control.get("id") not in self.label_targets and not control.get("aria-label"):
                missing.append(str(control.get("name") or control.get("id") or control["tag"]))
        return missing


def unlabelled_controls(html: str) -> list[str]:
    parser = FormControls()
    parser.feed(html)
    return parser.unlabelled()
