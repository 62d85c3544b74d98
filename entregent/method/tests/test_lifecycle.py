"""The lifecycle of a version with frozen time: scheduled publication fires once (run twice, two
calls at once, racing a facilitator's "publish now"), fires late when the scheduler was down,
closes the feedback at its date; validating supersedes the older validated version."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.urls import reverse

from entregent.accounts.models import Notification
from entregent.method import publication
from entregent.method.jobs import JOB_NAME, close_due, publish_due
from entregent.method.models import PublicationEmail, StepVersion, TransitionError
from entregent.method.tests.factories import make_method, make_version, subscribe
from entregent.scheduler.models import JobRun
from entregent.scheduler.models import Outcome as RunOutcome
from entregent.scheduler.registry import get_job
from entregent.scheduler.runner import run_job
from entregent.test import BaseTestCase

State = StepVersion.State

# Tuesday 1 December 2026, 09:00 in Paris (08:00 UTC).
PUBLISH_AT = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def travel(moment: dt.datetime) -> Any:
    return time_machine.travel(moment, tick=False)


class ScheduledPublicationTests(BaseTestCase):
    def setUp(self) -> None:
        self.method = make_method(self.facilitator)
        subscribe(self.method, self.alice, self.bob)
        with travel(PUBLISH_AT - dt.timedelta(days=2)):
            self.version = make_version(self.method)
            self.assertTrue(self.version.schedule(PUBLISH_AT))

    def published_notifications(self) -> int:
        return Notification.objects.filter(kind=publication.NOTIFICATION_KIND).count()

    def test_it_waits_for_its_time(self) -> None:
        with travel(PUBLISH_AT - dt.timedelta(minutes=1)):
            self.assertEqual(publish_due(), 0)
        self.version.refresh_from_db()
        self.assertEqual(self.version.state, State.SCHEDULED)
        self.assertEqual(self.published_notifications(), 0)

    def test_it_is_published_once_when_the_job_runs_twice(self) -> None:
        with travel(PUBLISH_AT):
            self.assertEqual(publish_due(), 1)
        with travel(PUBLISH_AT + dt.timedelta(minutes=1)):
            self.assertEqual(publish_due(), 0)
        self.version.refresh_from_db()
        self.assertEqual(self.version.state, State.OPEN)
        self.assertEqual(self.version.published_at, PUBLISH_AT)
        # Alice and Bob, once each.
        self.assertEqual(self.published_notifications(), 2)
        self.assertEqual(PublicationEmail.objects.count(), 2)

    def test_two_calls_at_once_publish_it_once(self) -> None:
        # Two runs that both read the version as scheduled before either wrote.
        first = StepVersion.objects.select_related("step__method").get(pk=self.version.pk)
        second = StepVersion.objects.select_related("step__method").get(pk=self.version.pk)
        with travel(PUBLISH_AT):
            self.assertTrue(publication.publish(first))
            self.assertFalse(publication.publish(second))
        self.assertEqual(self.published_notifications(), 2)
        self.assertEqual(PublicationEmail.objects.count(), 2)

    def test_a_facilitators_publish_now_and_the_job_publish_it_once(self) -> None:
        # The job has read the due versions; the facilitator clicks "publish now" before it
        # gets to this one.
        due = list(StepVersion.objects.due_for_publication(PUBLISH_AT).select_related("step"))
        self.client.force_login(self.facilitator)
        url = reverse("methods:version-transition", args=[self.method.slug, 1, 1, "publish"])
        with travel(PUBLISH_AT):
            response = self.client.post(url)
            self.assertRedirects(response, self.version.get_absolute_url())
            self.assertFalse(publication.publish(due[0]))
            # And the job's next run finds nothing to do.
            self.assertEqual(publish_due(), 0)
        self.assertEqual(self.published_notifications(), 2)

    def test_it_is_published_late_when_the_scheduler_was_down(self) -> None:
        later = PUBLISH_AT + dt.timedelta(days=3, hours=2)
        with travel(later):
            self.assertEqual(publish_due(), 1)
        self.version.refresh_from_db()
        self.assertEqual((self.version.state, self.version.published_at), (State.OPEN, later))
        self.assertEqual(self.published_notifications(), 2)

    def test_down_past_its_closing_date_it_is_published_with_the_feedback_left_open(
        self,
    ) -> None:
        StepVersion.objects.filter(pk=self.version.pk).update(
            feedback_closes_at=PUBLISH_AT + dt.timedelta(days=1)
        )
        with travel(PUBLISH_AT + dt.timedelta(days=2)):
            self.assertEqual(publish_due(), 1)
            self.assertEqual(close_due(), 0)
        self.version.refresh_from_db()
        self.assertEqual(self.version.state, State.OPEN)
        self.assertIsNone(self.version.feedback_closes_at)

    def test_the_declared_job_publishes_and_says_how_many(self) -> None:
        job = get_job(JOB_NAME)
        # Every minute: a version set for 09:00 is out at 09:00.
        self.assertEqual(job.next_run_after(PUBLISH_AT), PUBLISH_AT + dt.timedelta(minutes=1))
        with travel(PUBLISH_AT):
            run_job(job)
        run = JobRun.objects.get(job__name=JOB_NAME)
        self.assertEqual(run.outcome, RunOutcome.SUCCEEDED)
        self.assertIn("Published 1 version(s)", run.result)
        self.version.refresh_from_db()
        self.assertEqual(self.version.state, State.OPEN)

    def test_an_unscheduled_version_is_not_published(self) -> None:
        self.assertTrue(self.version.unschedule())
        with travel(PUBLISH_AT + dt.timedelta(hours=1)):
            self.assertEqual(publish_due(), 0)
        self.version.refresh_from_db()
        self.assertEqual((self.version.state, self.version.publish_at), (State.DRAFT, None))


class ClosingTests(BaseTestCase):
    def test_the_feedback_closes_at_its_date_once(self) -> None:
        method = make_method(self.facilitator)
        closes = PUBLISH_AT + dt.timedelta(days=14)
        version = make_version(method, state=State.OPEN, feedback_closes_at=closes)
        with travel(closes - dt.timedelta(minutes=1)):
            self.assertEqual(close_due(), 0)
        with travel(closes):
            self.assertEqual(close_due(), 1)
            self.assertEqual(close_due(), 0)
        version.refresh_from_db()
        self.assertEqual((version.state, version.closed_at), (State.SYNTHESIS, closes))

    def test_an_open_version_without_a_closing_date_stays_open(self) -> None:
        method = make_method(self.facilitator)
        version = make_version(method, state=State.OPEN)
        with travel(PUBLISH_AT + dt.timedelta(days=3650)):
            self.assertEqual(close_due(), 0)
        version.refresh_from_db()
        self.assertEqual(version.state, State.OPEN)


class TransitionTests(BaseTestCase):
    def setUp(self) -> None:
        self.method = make_method(self.facilitator)

    def test_a_version_cannot_be_scheduled_in_the_past(self) -> None:
        version = make_version(self.method)
        with travel(PUBLISH_AT), self.assertRaises(TransitionError):
            version.schedule(PUBLISH_AT - dt.timedelta(minutes=1))

    def test_the_whole_way_from_draft_to_validated(self) -> None:
        version = make_version(self.method)
        with travel(PUBLISH_AT - dt.timedelta(days=1)):
            self.assertTrue(version.schedule(PUBLISH_AT))
        with travel(PUBLISH_AT):
            self.assertEqual(publish_due(), 1)
        version.refresh_from_db()
        self.assertTrue(version.close_feedback())
        self.assertTrue(version.reopen_feedback())
        self.assertTrue(version.close_feedback())
        self.assertTrue(version.validate())
        version.refresh_from_db()
        self.assertEqual(version.state, State.VALIDATED)
        # Nothing further applies to it.
        self.assertFalse(version.close_feedback())
        self.assertFalse(version.publish())

    def test_validating_a_newer_version_supersedes_the_older_one(self) -> None:
        first = make_version(self.method, state=State.VALIDATED)
        second = make_version(self.method, number=2, state=State.OPEN)
        self.assertTrue(second.validate())
        first.refresh_from_db()
        self.assertEqual(first.state, State.SUPERSEDED)
        self.assertIsNotNone(first.superseded_at)
        self.assertEqual(first.step.current_version(), second)
