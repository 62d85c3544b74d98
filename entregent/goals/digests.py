"""The weekly digest: enqueued by the scheduler, sent by the worker, retried and recorded.

Reminders that silently never fire are what members of other tools complain about most, so
every step leaves a trace a member can see on their dashboard:

1. ``goals.enqueue_digests`` runs every quarter of an hour. For each member with digests on it
   computes their latest due moment (weekday and time in their own time zone) and, when that
   moment has passed within the last day, creates the ``Digest`` row for it. The row is unique
   per member and moment, so the job can run twice, or twice at once, and still make one.
   The worker's ``send_digest`` task is queued when the row is committed.
2. ``send_digest`` claims one numbered attempt (a duplicate task for the same attempt does
   nothing), builds the email in the member's language and sends it through Django's mail
   backend. A failure is recorded on the row (attempts, last error, status "failed").
3. The same quarter-hourly job retries: a failed digest gets another attempt after a growing
   delay, up to ``MAX_ATTEMPTS``; a digest whose task went missing (a worker that died) is
   queued again. The scheduler, not the task, retries, because the scheduler runs whatever
   happened to the worker or its queue: a task that re-queued itself would be lost with it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import partial
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_tasks import task

from entregent.accounts.models import Notification, User
from entregent.goals.health import Health, network_health
from entregent.goals.models import Digest, Outcome
from entregent.goals.tend import QueueEntry, reactivation_queue
from entregent.lib import retries, weekly
from entregent.scheduler.health import JobHealth, SchedulerHealth
from entregent.scheduler.registry import cron, scheduled_job

logger = logging.getLogger("entregent.goals.digests")

JOB_NAME = "goals.enqueue_digests"
# A moment missed by more than this (the scheduler was down for days) is skipped: next week's
# digest is more useful than last week's arriving late.
CATCH_UP = dt.timedelta(days=1)
# Two digests at least this far apart: changing one's day or time after this week's digest
# was made waits for next week rather than sending a second one.
MIN_GAP = dt.timedelta(days=6)
# The retry policy every email of the worker follows (``lib/retries.py``).
MAX_ATTEMPTS = retries.MAX_ATTEMPTS
GIVE_UP_AFTER = retries.GIVE_UP_AFTER
REQUEUE_EVERY = retries.REQUEUE_EVERY
ERROR_MAX_CHARS = retries.ERROR_MAX_CHARS
TOO_LATE = retries.TOO_LATE
DUE_IN_DIGEST = 10


def member_zone(user: User) -> Any:
    return weekly.zone_named(user.time_zone, settings.TIME_ZONE)


def latest_moment(user: User, now: dt.datetime) -> dt.datetime:
    """The member's last digest moment at or before ``now``, in UTC."""
    return weekly.latest(user.digest_weekday, user.digest_time, member_zone(user), now)


def next_moment(user: User, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the member's next digest is due, in UTC; None when they switched digests off."""
    if not user.digest_enabled:
        return None
    return weekly.following(
        user.digest_weekday, user.digest_time, member_zone(user), now or timezone.now()
    )


# -- The scheduler's side: making digests and retrying them --------------------------------


def enqueue_due_digests(now: dt.datetime | None = None, batch_size: int = 500) -> int:
    """Create (and queue) the digests whose moment has come; answer how many were created."""
    now = now or timezone.now()
    # Only to an address its owner proved is theirs: an account signed up with someone
    # else's address and never confirmed must not mail them every week.
    confirmed = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True, primary=True)
    members = list(
        User.objects.filter(Exists(confirmed), digest_enabled=True, is_active=True)
        .order_by("pk")
        .values_list("pk", "time_zone", "digest_weekday", "digest_time")
    )
    created = 0
    for start in range(0, len(members), batch_size):
        due: dict[int, dt.datetime] = {}
        for pk, zone_name, weekday, time in members[start : start + batch_size]:
            zone = weekly.zone_named(zone_name, settings.TIME_ZONE)
            moment = weekly.latest(weekday, time, zone, now)
            if now - moment <= CATCH_UP:
                due[pk] = moment
        if not due:
            continue
        last_made: dict[int, dt.datetime] = {}
        recent = Digest.objects.filter(
            owner_id__in=list(due), scheduled_for__gt=now - CATCH_UP - MIN_GAP
        ).values_list("owner_id", "scheduled_for")
        for owner_id, scheduled_for in recent:
            last_made[owner_id] = max(scheduled_for, last_made.get(owner_id, scheduled_for))
        for pk, moment in due.items():
            last = last_made.get(pk)
            if last is not None and last > moment - MIN_GAP:
                continue
            created += _create_digest(pk, moment)
    return created


def _create_digest(owner_id: int, moment: dt.datetime) -> int:
    # get_or_create inside its own transaction: a second job making the same row at the same
    # time gets the first one's row (the unique constraint) and queues nothing.
    with transaction.atomic():
        digest, created = Digest.objects.get_or_create(owner_id=owner_id, scheduled_for=moment)
        if created:
            transaction.on_commit(partial(send_digest.enqueue, digest.pk, 1))
    return int(created)


def retry_due(digest: Digest, now: dt.datetime) -> bool:
    """Whether the job should queue another attempt at ``digest`` now."""
    return retries.retry_due(
        sent=digest.status == Digest.Status.SENT,
        pending=digest.status == Digest.Status.PENDING,
        attempts=digest.attempts,
        made_at=digest.created_at,
        due_at=digest.scheduled_for,
        now=now,
    )


def retry_digests(now: dt.datetime | None = None) -> int:
    """Queue another attempt at the digests that failed (or whose task was lost).

    A digest still waiting past ``GIVE_UP_AFTER`` is marked failed, so that it shows as such
    rather than "waiting" for ever.
    """
    now = now or timezone.now()
    Digest.objects.filter(
        status=Digest.Status.PENDING, scheduled_for__lt=now - GIVE_UP_AFTER
    ).update(status=Digest.Status.FAILED, last_error=TOO_LATE)
    candidates = (
        Digest.objects.exclude(status=Digest.Status.SENT)
        .filter(attempts__lt=MAX_ATTEMPTS, scheduled_for__gte=now - GIVE_UP_AFTER)
        .only("pk", "status", "attempts", "scheduled_for", "created_at")
        .order_by("pk")
    )
    queued = 0
    for digest in candidates:
        if not retry_due(digest, now):
            continue
        attempt = digest.attempts + 1
        key = f"goals:digest:{digest.pk}:attempt:{attempt}"
        if cache.add(key, True, timeout=int(REQUEUE_EVERY.total_seconds())):
            send_digest.enqueue(digest.pk, attempt)
            queued += 1
    return queued


@scheduled_job(
    JOB_NAME,
    # On the quarter hours, so that a digest set for 08:00 leaves at 08:00.
    cron("*/15 * * * *"),
    retries=2,
    description=gettext_lazy("Queue the weekly digests that are due, and retry failed ones."),
)
def enqueue_digests_job() -> str:
    created = enqueue_due_digests()
    retried = retry_digests()
    # Counts only: operators read the job's record and have no business seeing members.
    return f"Queued {created} new digest(s), {retried} retry(ies)."


# -- The worker's side: building and sending one digest ---------------------------------------


@task()
def send_digest(digest_id: int, attempt: int = 1) -> str:
    """Send one digest (attempt number ``attempt``); what happened is recorded on the digest."""
    return deliver(digest_id, attempt)


def deliver(digest_id: int, attempt: int, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    # Claim this attempt: a copy of the same task (queued twice, run by two workers) finds the
    # count already moved and does nothing, so nobody gets the same digest twice.
    claimed = (
        Digest.objects.filter(pk=digest_id, attempts=attempt - 1)
        .exclude(status=Digest.Status.SENT)
        .update(attempts=attempt)
    )
    if not claimed:
        return "skipped"
    digest = Digest.objects.select_related("owner").get(pk=digest_id)
    user = digest.owner
    if not (user.is_active and user.digest_enabled):
        # Switched off since: nothing to send, nothing failed.
        digest.delete()
        return "switched off"
    if now - digest.scheduled_for > GIVE_UP_AFTER:
        _record_failure(digest, TOO_LATE)
        return "too late"
    try:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            build_message(user, now).send()
    except Exception as exc:
        # Whatever went wrong (the mail server, a bug), the member's dashboard must say so.
        logger.exception("Digest %s, attempt %s, failed", digest_id, attempt)
        _record_failure(digest, f"{type(exc).__name__}: {exc}")
        return "failed"
    with transaction.atomic():
        Digest.objects.filter(pk=digest_id).update(
            status=Digest.Status.SENT, sent_at=now, last_error=""
        )
        with translation.override(user.language or settings.LANGUAGE_CODE):
            Notification.objects.create(
                recipient=user,
                kind="goals.digest",
                title=_("Your weekly digest was sent"),
                body=_("It went to %(email)s. Who is due is also on your Tend page.")
                % {"email": user.email},
                url=reverse("goals:tend"),
                created_at=now,
            )
    return "sent"


def _record_failure(digest: Digest, error: str) -> None:
    Digest.objects.filter(pk=digest.pk).update(
        status=Digest.Status.FAILED, last_error=error[:ERROR_MAX_CHARS]
    )


@dataclass(frozen=True)
class OutcomeCount:
    kind: str
    label: str
    count: int


@dataclass(frozen=True)
class DigestContent:
    today: dt.date
    # The head of the tend page's reactivation queue, in its order, with its reasons.
    entries: list[QueueEntry]
    # Everyone in the queue (snoozed contacts left out, as on the tend page).
    waiting: int
    health: Health
    outcomes: list[OutcomeCount]
    tend_url: str
    report_url: str
    settings_url: str
    site_url: str

    @property
    def outcome_total(self) -> int:
        return sum(outcome.count for outcome in self.outcomes)


def week_outcomes(user: User, today: dt.date) -> list[OutcomeCount]:
    """What the member's networking produced over the last 7 days (today included), by kind."""
    counts = dict(
        Outcome.objects.owned_by(user)
        .filter(occurred_on__gt=today - dt.timedelta(days=7), occurred_on__lte=today)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    return [
        OutcomeCount(kind, str(label), counts.get(kind, 0))
        for kind, label in Outcome.Kind.choices
        if counts.get(kind)
    ]


def digest_content(user: User, now: dt.datetime) -> DigestContent:
    today = now.astimezone(member_zone(user)).date()
    site = settings.SITE_URL
    queue = reactivation_queue(user, today, limit=DUE_IN_DIGEST)
    return DigestContent(
        today=today,
        entries=queue.entries,
        waiting=queue.total,
        health=network_health(user, today),
        outcomes=week_outcomes(user, today),
        tend_url=site + reverse("goals:tend"),
        report_url=site + reverse("goals:report") + "?period=week",
        settings_url=site + reverse("accounts:reminders"),
        site_url=site,
    )


def build_message(user: User, now: dt.datetime) -> EmailMultiAlternatives:
    """The digest email, text and HTML, in the language active when called."""
    content = digest_content(user, now)
    if content.waiting:
        subject = ngettext(
            "Your network this week: %(count)d person to get back in touch with",
            "Your network this week: %(count)d people to get back in touch with",
            content.waiting,
        ) % {"count": content.waiting}
    else:
        subject = _("Your network this week: nobody is waiting for you")
    context = {"user": user, "digest": content, "subject": subject}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("goals/email/digest.txt", context),
        to=[user.email],
    )
    message.attach_alternative(render_to_string("goals/email/digest.html", context), "text/html")
    return message


# -- What the dashboard shows ---------------------------------------------------------------


@dataclass(frozen=True)
class ReminderStatus:
    """Whether a member's reminders work: their digest and the job that makes it."""

    enabled: bool
    next_digest: dt.datetime | None
    last_digest: Digest | None
    job: JobHealth | None
    scheduler_alive: bool
    checked_at: dt.datetime

    @property
    def last_failed(self) -> bool:
        return self.last_digest is not None and self.last_digest.status == Digest.Status.FAILED

    @property
    def will_retry(self) -> bool:
        """The last digest failed, and the job will try it again."""
        digest = self.last_digest
        return (
            digest is not None
            and digest.status == Digest.Status.FAILED
            and digest.attempts < MAX_ATTEMPTS
            and self.checked_at - digest.scheduled_for <= GIVE_UP_AFTER
        )

    @property
    def at_risk(self) -> bool:
        """Digests are on but nothing will send them: the scheduler is silent."""
        return self.enabled and not self.scheduler_alive


def reminder_status(user: User, health: SchedulerHealth) -> ReminderStatus:
    """One query (the member's last digest) on top of the scheduler's health."""
    return ReminderStatus(
        enabled=user.digest_enabled,
        next_digest=next_moment(user, health.checked_at),
        last_digest=Digest.objects.owned_by(user).order_by("-scheduled_for", "-pk").first(),
        job=next((job for job in health.jobs if job.name == JOB_NAME), None),
        scheduler_alive=health.is_alive,
        checked_at=health.checked_at,
    )
