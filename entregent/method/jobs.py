"""The method's scheduled jobs: publish the versions whose time has come, close the feedback
whose closing date has passed, and retry the publication emails that failed
(``method.publish_scheduled``); keep the opinion analyses of the versions in discussion up to
date with their votes (``method.refresh_opinions``); release the results of the versions whose
debriefs changed enough, or that erasures brought under the threshold
(``method.release_results``).

Every minute, so that a version set for 09:00 is out at 09:00. A version is published by the
same conditional UPDATE as a facilitator's "publish now" (``StepVersion.publish()``), so that
it is published, and announced, exactly once: run twice, run at once by hand and on schedule,
or racing a facilitator. The job catches up by itself: it takes every version due at or
before now, so one scheduled while the scheduler was down goes out at its first run.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from entregent.method import publication
from entregent.method.models import StepVersion, TransitionError
from entregent.scheduler.registry import cron, scheduled_job

logger = logging.getLogger("entregent.method.jobs")

JOB_NAME = "method.publish_scheduled"
REFRESH_OPINIONS_JOB_NAME = "method.refresh_opinions"
RELEASE_RESULTS_JOB_NAME = "method.release_results"


def publish_due(now: dt.datetime | None = None) -> int:
    """Publish every scheduled version whose time has come; answer how many this call did."""
    now = now or timezone.now()
    published = 0
    due = (
        StepVersion.objects.due_for_publication(now)
        .select_related("step__method")
        .order_by("publish_at", "pk")
    )
    for version in due:
        if version.feedback_closes_at is not None and version.feedback_closes_at <= now:
            # The scheduler was down past the closing date too. Closing at once would give
            # members no time at all: publish it with its feedback open until the
            # facilitator closes it (no closing date is imposed unless one is set).
            logger.warning(
                "Version %s was due at %s and its feedback closed at %s: published late, "
                "the feedback left open",
                version.pk,
                version.publish_at,
                version.feedback_closes_at,
            )
            with transaction.atomic():
                StepVersion.objects.filter(
                    pk=version.pk, state=StepVersion.State.SCHEDULED
                ).update(feedback_closes_at=None)
            version.feedback_closes_at = None
        try:
            published += publication.publish(version, now)
        except TransitionError:
            # Its closing date was moved into the past in between: a facilitator is at it.
            logger.warning("Version %s could not be published", version.pk, exc_info=True)
    return published


def close_due(now: dt.datetime | None = None) -> int:
    """Close the feedback of every open version whose closing date has passed."""
    now = now or timezone.now()
    closed = 0
    for version in StepVersion.objects.due_for_closing(now).order_by("feedback_closes_at", "pk"):
        closed += version.close_feedback(now)
    return closed


@scheduled_job(
    JOB_NAME,
    cron(minute="*"),
    retries=3,
    retry_delay=10,
    description=gettext_lazy(
        "Publish the step versions whose time has come, close the feedback whose closing date "
        "has passed, and retry the publication emails that failed."
    ),
)
def publish_scheduled_job() -> str:
    published = publish_due()
    closed = close_due()
    retried = publication.retry_emails()
    # Counts only: operators read the job's record.
    return (
        f"Published {published} version(s), closed the feedback of {closed}, "
        f"queued {retried} email retry(ies)."
    )


@scheduled_job(
    REFRESH_OPINIONS_JOB_NAME,
    cron(minute="*/5"),
    retries=1,
    retry_delay=60,
    description=gettext_lazy(
        "Analyse again the votes of the step versions in discussion whose votes or moderation "
        "changed since their opinion analysis (consensus, opinion groups)."
    ),
)
def refresh_opinions_job() -> str:
    # Imported here: numpy and scikit-learn load only in the process that runs the job.
    from entregent.method import analysis

    return f"Refreshed {analysis.refresh_stale()} opinion analysis(es)."


@scheduled_job(
    RELEASE_RESULTS_JOB_NAME,
    cron(minute="*/15"),
    retries=1,
    retry_delay=60,
    description=gettext_lazy(
        "Release the results of the step versions whose debriefs changed enough since their "
        "last release, and withdraw those that erasures brought under five members (each "
        "debrief saved asks for a release already: this catches the rest)."
    ),
)
def release_results_job() -> str:
    from entregent.method import releases

    return f"Made {releases.release_all()} results release(s)."
