"""What follows the publication of a version: subscribers told once, in the app and by email.

1. ``publish(version)`` opens the version for feedback (``StepVersion.publish()``, one
   conditional UPDATE) and, only when that UPDATE happened, in the same transaction, leaves each
   subscriber a notification and makes one ``PublicationEmail`` row per subscriber with a
   confirmed address. A facilitator's "publish now" and the scheduler's job both come here; when
   they race, one UPDATE wins and the other changes nothing and announces nothing.
2. Once the transaction is committed, the worker's ``send_publication_email`` task is queued for
   each row. It claims its numbered attempt (a copy of the same task does nothing), writes the
   email in the subscriber's language and sends it; a failure is recorded on the row.
3. The scheduler's ``method.publish_scheduled`` job queues another attempt at failed emails
   after a growing delay, and again at emails whose task was lost (a worker that died), as the
   weekly digest does (``goals/digests.py``): the scheduler runs whatever happened to the worker.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from entregent.accounts.models import Notification, User
from entregent.lib import retries, weekly
from entregent.method.models import PublicationEmail, StepVersion, Subscription

logger = logging.getLogger("entregent.method.publication")

NOTIFICATION_KIND = "method.published"
# The retry policy every email of the worker follows (``lib/retries.py``).
MAX_ATTEMPTS = retries.MAX_ATTEMPTS
GIVE_UP_AFTER = retries.GIVE_UP_AFTER
REQUEUE_EVERY = retries.REQUEUE_EVERY
ERROR_MAX_CHARS = retries.ERROR_MAX_CHARS
TOO_LATE = retries.TOO_LATE


def publish(version: StepVersion, now: dt.datetime | None = None) -> bool:
    """Open ``version`` for feedback now and tell its method's subscribers, exactly once.

    Answers whether this call published it; ``False`` when it was already published (by the
    scheduler, another facilitator, a double click). Raises ``TransitionError`` when its
    feedback closing date is already past.
    """
    now = now or timezone.now()
    with transaction.atomic():
        if not version.publish(now):
            return False
        announce(version, now)
    return True


def subscribers(version: StepVersion) -> list[User]:
    """Who is told of ``version``: its method's subscribers who still have an active account
    (and may read a members-only method: every member can)."""
    method_id = version.step.method_id
    return list(
        User.objects.filter(
            Exists(Subscription.objects.filter(method_id=method_id, user=OuterRef("pk"))),
            is_active=True,
        ).order_by("pk")
    )


def announce(version: StepVersion, now: dt.datetime) -> int:
    """The notifications and emails of a publication; call it once, in the transaction that
    published ``version``. Answers how many subscribers are told."""
    step = version.step
    method = step.method
    users = subscribers(version)
    if not users:
        return 0
    notifications = []
    for user in users:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            notifications.append(
                Notification(
                    recipient=user,
                    kind=NOTIFICATION_KIND,
                    title=_("Step %(step)d, version %(version)d is open for feedback")
                    % {"step": step.number, "version": version.number},
                    body=f"{method.title} — {version.title}",
                    url=step.get_absolute_url(),
                    created_at=now,
                )
            )
    Notification.objects.bulk_create(notifications)
    # Only to an address its owner proved is theirs, as the digest does.
    confirmed = set(
        EmailAddress.objects.filter(user__in=users, verified=True, primary=True).values_list(
            "user_id", flat=True
        )
    )
    PublicationEmail.objects.bulk_create(
        [
            PublicationEmail(version=version, recipient=user, created_at=now)
            for user in users
            if user.pk in confirmed
        ],
        ignore_conflicts=True,
    )
    for email_id in PublicationEmail.objects.filter(version=version).values_list("pk", flat=True):
        transaction.on_commit(partial(_enqueue, email_id, 1))
    return len(users)


def _enqueue(email_id: int, attempt: int) -> None:
    # The task module imports this one: import it when queuing, not at load time.
    from entregent.method.tasks import send_publication_email

    send_publication_email.enqueue(email_id, attempt)


# -- The worker's side -------------------------------------------------------------------------


def deliver(email_id: int, attempt: int, now: dt.datetime | None = None) -> str:
    """Send one publication email (attempt number ``attempt``) and record how it went."""
    now = now or timezone.now()
    # Claim this attempt: a copy of the same task finds the count already moved.
    claimed = (
        PublicationEmail.objects.filter(pk=email_id, attempts=attempt - 1)
        .exclude(status=PublicationEmail.Status.SENT)
        .update(attempts=attempt)
    )
    if not claimed:
        return "skipped"
    email = PublicationEmail.objects.select_related("recipient", "version__step__method").get(
        pk=email_id
    )
    user, version = email.recipient, email.version
    method = version.step.method
    still_subscribed = Subscription.objects.filter(method=method, user=user).exists()
    if not (user.is_active and still_subscribed):
        # Unsubscribed since: nothing to send, nothing failed.
        email.delete()
        return "unsubscribed"
    if now - email.created_at > GIVE_UP_AFTER:
        _record_failure(email, TOO_LATE)
        return "too late"
    try:
        # Dates in the email are in the subscriber's own time zone, words in their language.
        with (
            translation.override(user.language or settings.LANGUAGE_CODE),
            timezone.override(weekly.zone_named(user.time_zone, settings.TIME_ZONE)),
        ):
            build_message(user, version).send()
    except Exception as exc:
        logger.exception("Publication email %s, attempt %s, failed", email_id, attempt)
        _record_failure(email, f"{type(exc).__name__}: {exc}")
        return "failed"
    PublicationEmail.objects.filter(pk=email_id).update(
        status=PublicationEmail.Status.SENT, sent_at=now, last_error=""
    )
    return "sent"


def _record_failure(email: PublicationEmail, error: str) -> None:
    PublicationEmail.objects.filter(pk=email.pk).update(
        status=PublicationEmail.Status.FAILED, last_error=error[:ERROR_MAX_CHARS]
    )


def build_message(user: User, version: StepVersion) -> EmailMultiAlternatives:
    """The email, text and HTML, in the language active when called."""
    step = version.step
    method = step.method
    site = settings.SITE_URL
    subject = _("%(method)s — step %(step)d, version %(version)d: %(title)s") % {
        "method": method.title,
        "step": step.number,
        "version": version.number,
        "title": version.title,
    }
    context = {
        "user": user,
        "method": method,
        "step": step,
        "version": version,
        "subject": subject,
        "step_url": site + step.get_absolute_url(),
        "method_url": site + method.get_absolute_url(),
        "site_url": site,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("method/email/publication.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("method/email/publication.html", context), "text/html"
    )
    return message


# -- The scheduler's side: retries -------------------------------------------------------------


def retry_due(email: PublicationEmail, now: dt.datetime) -> bool:
    """Whether the job should queue another attempt at ``email`` now."""
    return retries.retry_due(
        sent=email.status == PublicationEmail.Status.SENT,
        pending=email.status == PublicationEmail.Status.PENDING,
        attempts=email.attempts,
        made_at=email.created_at,
        due_at=email.created_at,
        now=now,
    )


def retry_emails(now: dt.datetime | None = None) -> int:
    """Queue another attempt at the emails that failed (or whose task was lost)."""
    now = now or timezone.now()
    PublicationEmail.objects.filter(
        status=PublicationEmail.Status.PENDING, created_at__lt=now - GIVE_UP_AFTER
    ).update(status=PublicationEmail.Status.FAILED, last_error=TOO_LATE)
    candidates = (
        PublicationEmail.objects.exclude(status=PublicationEmail.Status.SENT)
        .filter(attempts__lt=MAX_ATTEMPTS, created_at__gte=now - GIVE_UP_AFTER)
        .only("pk", "status", "attempts", "created_at")
        .order_by("pk")
    )
    queued = 0
    for email in candidates:
        if not retry_due(email, now):
            continue
        attempt = email.attempts + 1
        key = f"method:publication-email:{email.pk}:attempt:{attempt}"
        if cache.add(key, True, timeout=int(REQUEUE_EVERY.total_seconds())):
            _enqueue(email.pk, attempt)
            queued += 1
    return queued
