"""Mail backends for the digest's tests: real backends (Django's in-memory one underneath),
with a mail server that refuses, the way a real one does when it is down or over quota."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends import locmem


class FlakyBackend(locmem.EmailBackend):
    """Refuses the first ``failures`` sends with an SMTP error, then delivers to mail.outbox.

    The counters are on the class because Django makes a new backend for every send; tests set
    them with ``FlakyBackend.reset(failures)``.
    """

    failures = 0
    refused = 0

    @classmethod
    def reset(cls, failures: int) -> None:
        cls.failures = failures
        cls.refused = 0

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        if FlakyBackend.refused < FlakyBackend.failures:
            FlakyBackend.refused += 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
