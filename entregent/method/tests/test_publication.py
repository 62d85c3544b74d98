"""What follows a publication: each subscriber gets one notification and one email, sent by the
worker in their own language and time zone, retried when the mail server refuses; nobody else
gets anything. Frozen time throughout."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from entregent.accounts.models import Notification, User
from entregent.goals.tests.mail_backends import FlakyBackend
from entregent.method import publication
from entregent.method.jobs import publish_due
from entregent.method.models import PublicationEmail, StepVersion, Subscription
from entregent.method.tests.factories import make_method, make_version, subscribe
from entregent.test import BaseTestCase

IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}
FLAKY = "entregent.goals.tests.mail_backends.FlakyBackend"
# Tuesday 1 December 2026, 09:00 in Paris (08:00 UTC).
PUBLISH_AT = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def travel(moment: dt.datetime) -> Any:
    return time_machine.travel(moment, tick=False)


def html_of(message: mail.EmailMessage) -> str:
    assert isinstance(message, mail.EmailMultiAlternatives)
    content, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return str(content)


@override_settings(TASKS=IMMEDIATE_TASKS)
class PublicationEmailTests(BaseTestCase):
    def setUp(self) -> None:
        User.objects.filter(pk=self.alice.pk).update(
            language="fr", time_zone="Europe/Paris", display_name="Alice"
        )
        User.objects.filter(pk=self.bob.pk).update(language="en", time_zone="America/New_York")
        self.alice.refresh_from_db()
        self.bob.refresh_from_db()
        self.method = make_method(self.facilitator)
        subscribe(self.method, self.alice, self.bob)
        self.version = make_version(
            self.method,
            title="Faire l'inventaire",
            recommendation="Listez **vos** contacts.",
            feedback_closes_at=PUBLISH_AT + dt.timedelta(days=14),
        )

    def publish(self) -> bool:
        with travel(PUBLISH_AT), self.captureOnCommitCallbacks(execute=True):
            return publication.publish(self.version)

    def mail_to(self, user: User) -> mail.EmailMessage:
        messages = [m for m in mail.outbox if m.to == [user.email]]
        self.assertEqual(len(messages), 1, f"{user.email} got {len(messages)} emails")
        return messages[0]

    def test_each_subscriber_gets_one_email_in_their_language_and_time_zone(self) -> None:
        self.assertTrue(self.publish())
        self.assertEqual(len(mail.outbox), 2)
        alice, bob = self.mail_to(self.alice), self.mail_to(self.bob)
        # The feedback closes on Tuesday 15 December, 09:00 in Paris, 03:00 in New York.
        self.assertIn('<html lang="fr">', html_of(alice))
        # Django's own French dates (the words around them come with the translation).
        self.assertIn("mardi 15 décembre", html_of(alice))
        self.assertIn("09:00 (Europe/Paris)", html_of(alice))
        self.assertIn("Tuesday 15 December at 03:00 (America/New_York)", html_of(bob))
        self.assertIn("Tuesday 15 December at 03:00 (America/New_York)", str(bob.body))
        self.assertIn("Faire l'inventaire", bob.subject)
        # The recommendation, rendered, and the link to the step.
        self.assertIn("<strong>vos</strong>", html_of(bob))
        self.assertIn("http://", str(bob.body))
        self.assertIn(self.version.step.get_absolute_url(), str(bob.body))
        for row in PublicationEmail.objects.all():
            self.assertEqual((row.status, row.attempts), ("sent", 1))

    def test_each_subscriber_gets_one_notification_that_leads_to_the_step(self) -> None:
        self.publish()
        notifications = Notification.objects.filter(kind="method.published")
        self.assertEqual(
            sorted(n.recipient_id for n in notifications), sorted([self.alice.pk, self.bob.pk])
        )
        for notification in notifications:
            self.assertEqual(notification.url, self.version.step.get_absolute_url())
        # In each one's own language.
        self.assertEqual(
            notifications.get(recipient=self.bob).title, "Step 1, version 1 is open for feedback"
        )

    def test_publishing_again_tells_nobody_twice(self) -> None:
        self.assertTrue(self.publish())
        self.assertFalse(self.publish())
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(Notification.objects.filter(kind="method.published").count(), 2)

    def test_the_job_tells_the_subscribers_once(self) -> None:
        StepVersion.objects.filter(pk=self.version.pk).update(
            state=StepVersion.State.SCHEDULED, publish_at=PUBLISH_AT
        )
        for minutes in (0, 1, 2):
            with (
                travel(PUBLISH_AT + dt.timedelta(minutes=minutes)),
                self.captureOnCommitCallbacks(execute=True),
            ):
                publish_due()
        self.assertEqual(len(mail.outbox), 2)

    def test_members_who_did_not_subscribe_get_nothing(self) -> None:
        self.publish()
        recipients = {m.to[0] for m in mail.outbox}
        self.assertNotIn(self.charlie.email, recipients)
        self.assertFalse(Notification.objects.filter(recipient=self.charlie).exists())

    def test_an_unconfirmed_address_gets_the_notification_but_no_email(self) -> None:
        EmailAddress.objects.filter(user=self.bob).update(verified=False)
        self.publish()
        self.assertEqual([m.to for m in mail.outbox], [[self.alice.email]])
        self.assertTrue(Notification.objects.filter(recipient=self.bob).exists())

    def test_a_member_who_unsubscribed_before_it_left_gets_no_email(self) -> None:
        with self.captureOnCommitCallbacks(execute=False) as callbacks, travel(PUBLISH_AT):
            publication.publish(self.version)
        Subscription.objects.filter(user=self.bob).delete()
        for callback in callbacks:
            callback()
        self.assertEqual([m.to for m in mail.outbox], [[self.alice.email]])

    def test_a_copy_of_the_same_task_sends_nothing(self) -> None:
        with self.captureOnCommitCallbacks(execute=False), travel(PUBLISH_AT):
            publication.publish(self.version)
        row = PublicationEmail.objects.get(recipient=self.alice)
        with travel(PUBLISH_AT):
            self.assertEqual(publication.deliver(row.pk, 1), "sent")
            self.assertEqual(publication.deliver(row.pk, 1), "skipped")
        self.assertEqual(len(mail.outbox), 1)


class RetryTests(BaseTestCase):
    def setUp(self) -> None:
        self.method = make_method(self.facilitator)
        subscribe(self.method, self.alice)
        self.version = make_version(self.method)
        with self.captureOnCommitCallbacks(execute=False), travel(PUBLISH_AT):
            publication.publish(self.version)
        self.row = PublicationEmail.objects.get()

    def queued(self) -> list[list[Any]]:
        return [
            list(result.args_kwargs["args"])
            for result in DBTaskResult.objects.filter(task_path__endswith="send_publication_email")
        ]

    @override_settings(EMAIL_BACKEND=FLAKY)
    def test_a_refused_email_is_retried_by_the_job_and_sent_once(self) -> None:
        FlakyBackend.reset(1)
        with travel(PUBLISH_AT):
            self.assertEqual(publication.deliver(self.row.pk, 1), "failed")
        self.row.refresh_from_db()
        self.assertEqual((self.row.status, self.row.attempts), ("failed", 1))
        self.assertIn("SMTPServerDisconnected", self.row.last_error)
        with travel(PUBLISH_AT + dt.timedelta(minutes=10)):
            self.assertEqual(publication.retry_emails(), 0)
        with travel(PUBLISH_AT + dt.timedelta(minutes=15)):
            self.assertEqual(publication.retry_emails(), 1)
            # Queued once, not at every run of the job.
            self.assertEqual(publication.retry_emails(), 0)
        self.assertEqual(self.queued()[-1], [self.row.pk, 2])
        with travel(PUBLISH_AT + dt.timedelta(minutes=16)):
            self.assertEqual(publication.deliver(self.row.pk, 2), "sent")
        self.assertEqual(len(mail.outbox), 1)

    def test_an_email_whose_task_was_lost_is_queued_again(self) -> None:
        with travel(PUBLISH_AT + dt.timedelta(minutes=30)):
            self.assertEqual(publication.retry_emails(), 0)
        with travel(PUBLISH_AT + dt.timedelta(minutes=61)):
            self.assertEqual(publication.retry_emails(), 1)
        self.assertIn([self.row.pk, 1], self.queued())

    def test_news_two_days_late_is_not_sent(self) -> None:
        with travel(PUBLISH_AT + dt.timedelta(days=3)):
            self.assertEqual(publication.retry_emails(), 0)
            self.assertEqual(publication.deliver(self.row.pk, 1), "too late")
        self.row.refresh_from_db()
        self.assertEqual((self.row.status, self.row.last_error), ("failed", publication.TOO_LATE))
        self.assertEqual(mail.outbox, [])
