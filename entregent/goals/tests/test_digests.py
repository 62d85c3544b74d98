"""The weekly digest: when it is due (time zones, daylight saving time), made once, sent by the
worker in the member's language, retried when the mail server refuses, and shown on the
dashboard. Frozen time throughout (time-machine)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django_tasks_db.models import DBTaskResult

from entregent.accounts.models import Notification, User, Weekday
from entregent.goals import digests
from entregent.goals.digests import (
    JOB_NAME,
    MAX_ATTEMPTS,
    TOO_LATE,
    deliver,
    digest_content,
    enqueue_due_digests,
    next_moment,
    retry_digests,
)
from entregent.goals.models import Digest, Outcome
from entregent.goals.tests.mail_backends import FlakyBackend
from entregent.lib import weekly
from entregent.network.models import Contact
from entregent.network.tests.factories import log_interaction, make_contact
from entregent.scheduler.models import Heartbeat, JobRun, JobState
from entregent.scheduler.models import Outcome as RunOutcome
from entregent.scheduler.registry import get_job
from entregent.scheduler.runner import run_job
from entregent.test import BaseTestCase

PARIS = "Europe/Paris"
NEW_YORK = "America/New_York"
IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}
FLAKY = "entregent.goals.tests.mail_backends.FlakyBackend"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def html_of(message: mail.EmailMessage) -> str:
    assert isinstance(message, mail.EmailMultiAlternatives)
    content, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return str(content)


# Monday 8 June 2026: 08:00 in Paris (summer time, UTC+2) is 06:00 UTC; in New York (UTC-4),
# 12:00 UTC.
MONDAY = dt.date(2026, 6, 8)
PARIS_MONDAY_8 = utc(2026, 6, 8, 6, 0)
NEW_YORK_MONDAY_8 = utc(2026, 6, 8, 12, 0)


def travel(moment: dt.datetime) -> Any:
    return time_machine.travel(moment, tick=False)


def digests_of(user: User) -> list[dt.datetime]:
    return list(
        Digest.objects.filter(owner=user)
        .order_by("scheduled_for")
        .values_list("scheduled_for", flat=True)
    )


class WeeklyMomentTests(BaseTestCase):
    """The arithmetic itself (lib/weekly.py), on the nights the clocks change."""

    def test_a_paris_monday_at_8_is_7_utc_in_winter_and_6_utc_in_summer(self) -> None:
        paris = weekly.zone_named(PARIS)
        # Clocks go forward on Sunday 29 March 2026.
        self.assertEqual(
            weekly.latest(Weekday.MONDAY, dt.time(8), paris, utc(2026, 3, 23, 7, 0)),
            utc(2026, 3, 23, 7, 0),
        )
        self.assertEqual(
            weekly.latest(Weekday.MONDAY, dt.time(8), paris, utc(2026, 3, 30, 6, 30)),
            utc(2026, 3, 30, 6, 0),
        )
        # One minute before the Monday moment, the latest one is a week earlier.
        self.assertEqual(
            weekly.latest(Weekday.MONDAY, dt.time(8), paris, utc(2026, 3, 30, 5, 59)),
            utc(2026, 3, 23, 7, 0),
        )

    def test_a_time_the_clocks_skip_still_happens_that_morning(self) -> None:
        # 02:30 does not exist in Paris on 29 March 2026 (02:00 -> 03:00): it is read as 03:30.
        paris = weekly.zone_named(PARIS)
        moment = weekly.following(Weekday.SUNDAY, dt.time(2, 30), paris, utc(2026, 3, 28, 12))
        self.assertEqual(moment, utc(2026, 3, 29, 1, 30))
        self.assertEqual(moment.astimezone(paris).time(), dt.time(3, 30))

    def test_a_time_that_happens_twice_is_its_first_occurrence(self) -> None:
        # 02:30 happens twice in Paris on 25 October 2026 (03:00 -> 02:00): once only.
        paris = weekly.zone_named(PARIS)
        moment = weekly.following(Weekday.SUNDAY, dt.time(2, 30), paris, utc(2026, 10, 24, 12))
        self.assertEqual(moment, utc(2026, 10, 25, 0, 30))
        after = weekly.following(Weekday.SUNDAY, dt.time(2, 30), paris, moment)
        self.assertEqual(after, utc(2026, 11, 1, 1, 30))

    def test_an_unknown_time_zone_falls_back_instead_of_failing(self) -> None:
        self.assertEqual(weekly.zone_named("Mars/Olympus", "UTC").key, "UTC")


class DigestScheduleTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Alice in Paris and Bob in New York, both Monday 08:00; Charlie switched it off.
        User.objects.filter(pk=cls.alice.pk).update(time_zone=PARIS)
        User.objects.filter(pk=cls.bob.pk).update(time_zone=NEW_YORK)
        User.objects.filter(pk=cls.charlie.pk).update(digest_enabled=False)
        User.objects.filter(pk__in=[cls.facilitator.pk, cls.moderator.pk]).update(
            digest_weekday=Weekday.FRIDAY
        )
        for user in (cls.alice, cls.bob, cls.charlie):
            user.refresh_from_db()

    def run_job_at(self, moment: dt.datetime) -> int:
        with travel(moment), self.captureOnCommitCallbacks() as queued:
            created = enqueue_due_digests()
        self.assertEqual(len(queued), created, "one send queued per digest made")
        return created

    def test_a_paris_member_gets_hers_at_8_paris_time(self) -> None:
        self.assertEqual(self.run_job_at(PARIS_MONDAY_8 - dt.timedelta(minutes=1)), 0)
        self.assertEqual(self.run_job_at(PARIS_MONDAY_8), 1)
        self.assertEqual(digests_of(self.alice), [PARIS_MONDAY_8])
        self.assertEqual(digests_of(self.bob), [])

    def test_a_new_york_member_gets_his_at_8_new_york_time(self) -> None:
        self.run_job_at(PARIS_MONDAY_8)
        self.assertEqual(self.run_job_at(NEW_YORK_MONDAY_8 - dt.timedelta(minutes=15)), 0)
        self.assertEqual(self.run_job_at(NEW_YORK_MONDAY_8), 1)
        self.assertEqual(digests_of(self.bob), [NEW_YORK_MONDAY_8])

    def test_the_week_the_clocks_change_the_digest_keeps_its_local_time(self) -> None:
        # Europe moves to summer time on 29 March 2026, America on 8 March.
        self.run_job_at(utc(2026, 3, 2, 13, 0))
        self.run_job_at(utc(2026, 3, 9, 12, 0))
        self.run_job_at(utc(2026, 3, 23, 7, 0))
        self.run_job_at(utc(2026, 3, 30, 6, 0))

        self.assertEqual(digests_of(self.bob), [utc(2026, 3, 2, 13, 0), utc(2026, 3, 9, 12, 0)])
        self.assertEqual(
            digests_of(self.alice)[-2:], [utc(2026, 3, 23, 7, 0), utc(2026, 3, 30, 6, 0)]
        )
        for moment in digests_of(self.alice) + digests_of(self.bob):
            self.assertEqual(
                timezone.localtime(
                    moment, weekly.zone_named(PARIS if moment.hour < 12 else NEW_YORK)
                )
                .time()
                .hour,
                8,
            )

    def test_an_address_never_confirmed_gets_nothing(self) -> None:
        stranger = User.objects.create_user("stranger@example.org", "x", time_zone=PARIS)
        EmailAddress.objects.create(user=stranger, email=stranger.email, verified=False)
        self.run_job_at(PARIS_MONDAY_8)
        self.assertEqual(digests_of(stranger), [])
        self.assertEqual(digests_of(self.alice), [PARIS_MONDAY_8])

    def test_nobody_who_switched_it_off_gets_one(self) -> None:
        self.run_job_at(PARIS_MONDAY_8)
        self.run_job_at(NEW_YORK_MONDAY_8)
        self.assertEqual(digests_of(self.charlie), [])
        self.assertIsNone(next_moment(self.charlie))

    def test_running_the_job_twice_makes_one_digest_and_one_send(self) -> None:
        self.assertEqual(self.run_job_at(PARIS_MONDAY_8 + dt.timedelta(minutes=15)), 1)
        self.assertEqual(self.run_job_at(PARIS_MONDAY_8 + dt.timedelta(minutes=30)), 0)
        # Even when a second job raced the first to the same row.
        with self.captureOnCommitCallbacks() as queued:
            self.assertEqual(digests._create_digest(self.alice.pk, PARIS_MONDAY_8), 0)
        self.assertEqual(queued, [])
        self.assertEqual(digests_of(self.alice), [PARIS_MONDAY_8])

    def test_a_moment_missed_by_more_than_a_day_waits_for_next_week(self) -> None:
        # The scheduler was down from Monday morning to Tuesday noon.
        self.assertEqual(self.run_job_at(utc(2026, 6, 9, 12, 1)), 0)
        self.assertEqual(self.run_job_at(utc(2026, 6, 15, 6, 0)), 1)

    def test_a_scheduler_back_within_the_day_catches_up(self) -> None:
        self.run_job_at(PARIS_MONDAY_8 + dt.timedelta(hours=20))
        self.assertEqual(digests_of(self.alice), [PARIS_MONDAY_8])

    def test_moving_the_time_after_this_weeks_digest_waits_for_next_week(self) -> None:
        self.run_job_at(PARIS_MONDAY_8)
        User.objects.filter(pk=self.alice.pk).update(digest_time=dt.time(10, 0))
        self.assertEqual(self.run_job_at(utc(2026, 6, 8, 8, 0)), 0)
        self.assertEqual(self.run_job_at(utc(2026, 6, 15, 8, 0)), 1)
        self.assertEqual(digests_of(self.alice), [PARIS_MONDAY_8, utc(2026, 6, 15, 8, 0)])

    def test_next_moment_is_in_the_members_own_time_zone(self) -> None:
        now = utc(2026, 6, 8, 7, 0)
        self.assertEqual(next_moment(self.alice, now), utc(2026, 6, 15, 6, 0))
        self.assertEqual(next_moment(self.bob, now), NEW_YORK_MONDAY_8)

    def test_the_job_is_declared_on_the_quarter_hours_and_its_runs_recorded(self) -> None:
        job = get_job(JOB_NAME)
        self.assertEqual(job.next_run_after(utc(2026, 6, 8, 6, 0)), utc(2026, 6, 8, 6, 15))
        with travel(PARIS_MONDAY_8), self.captureOnCommitCallbacks():
            run_job(job)
        run = JobRun.objects.get(job__name=JOB_NAME)
        self.assertEqual(run.outcome, RunOutcome.SUCCEEDED)
        self.assertEqual(run.result, "Queued 1 new digest(s), 0 retry(ies).")


class DigestContentTests(BaseTestCase):
    """What the email says; sent through Django's in-memory mail backend."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        User.objects.filter(pk=cls.alice.pk).update(time_zone=PARIS)
        cls.alice.refresh_from_db()
        long_ago, soon = dt.date(2026, 1, 1), dt.date(2026, 7, 1)
        people: dict[str, tuple[int, dt.date, dt.date, dict[str, Any]]] = {
            # name: (tie strength, due on, dormant on, extra fields)
            "Dora Dormant": (2, long_ago, dt.date(2026, 3, 1), {}),
            "Dan Due": (5, dt.date(2026, 6, 1), soon, {"headline": "graphic designer"}),
            "Will Weak": (1, dt.date(2026, 5, 1), soon, {}),
            "Sam Snoozed": (5, dt.date(2026, 5, 1), soon, {"snoozed_until": soon}),
            "Fay Future": (5, soon, dt.date(2026, 9, 1), {}),
            "Archie Archived": (5, long_ago, long_ago, {"archived_at": timezone.now()}),
        }
        for name, (strength, due_on, dormant_on, extra) in people.items():
            contact = make_contact(cls.alice, name, tie_strength=strength, **extra)
            if name == "Dan Due":
                log_interaction(cls.alice, [contact], dt.date(2026, 3, 2), "Portfolio review")
            Contact.objects.filter(pk=contact.pk).update(due_on=due_on, dormant_on=dormant_on)
        bobs = make_contact(cls.bob, "Bob's Buddy", tie_strength=5)
        Contact.objects.filter(pk=bobs.pk).update(due_on=long_ago, dormant_on=long_ago)
        # The week's outcomes, and none other: contacts added above count as new ones.
        Outcome.objects.all().delete()
        for kind, day in (
            (Outcome.Kind.MEETING, MONDAY),
            (Outcome.Kind.MEETING, MONDAY - dt.timedelta(days=6)),
            (Outcome.Kind.REACTIVATION, MONDAY - dt.timedelta(days=3)),
            # Eight days ago: last week's.
            (Outcome.Kind.PARTNERSHIP, MONDAY - dt.timedelta(days=7)),
        ):
            Outcome.objects.create(owner=cls.alice, kind=kind, occurred_on=day)
        Outcome.objects.create(owner=cls.bob, kind=Outcome.Kind.LEAD_JOB, occurred_on=MONDAY)

    def send(self, user: User, moment: dt.datetime = PARIS_MONDAY_8) -> Digest:
        digest = Digest.objects.create(owner=user, scheduled_for=moment)
        with travel(moment + dt.timedelta(minutes=1)):
            self.assertEqual(deliver(digest.pk, 1), "sent")
        digest.refresh_from_db()
        return digest

    @override_settings(SITE_URL="https://entregent.example")
    def test_the_digest_lists_who_is_due_as_the_tend_page_ranks_them(self) -> None:
        self.send(self.alice)

        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["alice@example.org"])
        self.assertEqual(
            message.subject, "Your network this week: 3 people to get back in touch with"
        )
        text = message.body
        # The closest tie first, the dormant weak one next, the weakest last (goals/tend.py).
        positions = [text.index(name) for name in ("Dan Due", "Dora Dormant", "Will Weak")]
        self.assertEqual(positions, sorted(positions))
        self.assertIn("Dan Due (graphic designer) — due for a word", text)
        self.assertIn("Last interaction — March 2, 2026 · Portfolio review", text)
        self.assertIn("Dora Dormant — drifting away", text)
        self.assertIn("Last interaction — none logged yet", text)
        for absent in ("Sam Snoozed", "Fay Future", "Archie Archived", "Bob's Buddy"):
            self.assertNotIn(absent, text)
        self.assertIn("https://entregent.example/network/tend/", text)
        self.assertIn("https://entregent.example/network/report/?period=week", text)
        self.assertIn("https://entregent.example/accounts/reminders/", text)
        dora = Contact.objects.get(display_name="Dora Dormant")
        self.assertIn(f"https://entregent.example/network/contacts/{dora.pk}/", text)

        html = html_of(message)
        self.assertIn("Dora Dormant", html)
        self.assertIn('href="https://entregent.example/network/tend/"', html)
        self.assertNotIn("Bob&#x27;s Buddy", html)

    def test_the_digest_gives_the_weeks_outcomes_and_the_networks_health(self) -> None:
        self.send(self.alice)

        text = mail.outbox[0].body
        self.assertIn("- Meeting — 2\n", text)
        self.assertIn("- Reactivated contact — 1\n", text)
        self.assertNotIn("Partnership", text)  # eight days ago
        self.assertNotIn("Lead for a job", text)  # Bob's
        # 5 active contacts (the archived one apart): 1 dormant, 3 due (the snoozed one too).
        self.assertIn("Dormant — 1 of 5", text)
        self.assertIn("Due — 3 of 5", text)
        self.assertIn("Archived — 1 of 6", text)

    def test_an_empty_week_says_so(self) -> None:
        self.send(self.charlie)

        message = mail.outbox[0]
        self.assertEqual(message.subject, "Your network this week: nobody is waiting for you")
        self.assertIn("Nobody is due: your network is tended.", message.body)
        self.assertIn("Nothing recorded this week.", message.body)

    def test_it_is_written_in_the_members_language(self) -> None:
        User.objects.filter(pk=self.charlie.pk).update(language="fr")
        with translation.override("fr"):
            french = translation.gettext("Nobody is due: your network is tended.")
        self.assertNotEqual(french, "Nobody is due: your network is tended.")

        self.send(self.charlie)

        self.assertIn(french, mail.outbox[0].body)
        self.assertIn('<html lang="fr">', html_of(mail.outbox[0]))
        self.assertEqual(translation.get_language(), "en")

    def test_a_sent_digest_is_recorded_and_rings_the_bell(self) -> None:
        digest = self.send(self.alice)

        self.assertEqual(digest.status, Digest.Status.SENT)
        self.assertEqual(digest.attempts, 1)
        self.assertEqual(digest.sent_at, PARIS_MONDAY_8 + dt.timedelta(minutes=1))
        notification = Notification.objects.get(recipient=self.alice)
        self.assertEqual(notification.title, "Your weekly digest was sent")
        self.assertEqual(notification.url, reverse("goals:tend"))
        self.assertIsNone(notification.read_at)
        self.assertFalse(Notification.objects.filter(recipient=self.bob).exists())

    def test_building_it_costs_the_same_queries_whatever_the_network(self) -> None:
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                digest_content(self.alice, PARIS_MONDAY_8)
            return len(queries)

        before = count()
        for i in range(30):
            contact = make_contact(self.alice, f"Extra {i}", tie_strength=3)
            Contact.objects.filter(pk=contact.pk).update(
                due_on=dt.date(2026, 5, 1), dormant_on=dt.date(2026, 7, 1)
            )
        self.assertEqual(count(), before)
        content = digest_content(self.alice, PARIS_MONDAY_8)
        self.assertEqual((len(content.entries), content.waiting), (10, 33))


@override_settings(EMAIL_BACKEND=FLAKY, TASKS=IMMEDIATE_TASKS)
class DigestRetryTests(BaseTestCase):
    """A mail server that refuses: every failure recorded, retried with a growing delay."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        User.objects.filter(pk=cls.alice.pk).update(time_zone=PARIS)
        User.objects.exclude(pk=cls.alice.pk).update(digest_enabled=False)

    def tick(self, after: dt.timedelta) -> int:
        """The quarter-hourly job, ``after`` Alice's Monday moment; the worker runs at once."""
        with travel(PARIS_MONDAY_8 + after), self.captureOnCommitCallbacks(execute=True):
            return enqueue_due_digests() + retry_digests()

    def digest(self) -> Digest:
        return Digest.objects.get(owner=self.alice)

    def test_a_refused_send_is_recorded_then_retried_until_it_goes(self) -> None:
        FlakyBackend.reset(failures=2)

        self.assertEqual(self.tick(dt.timedelta(0)), 1)
        digest = self.digest()
        self.assertEqual((digest.status, digest.attempts), (Digest.Status.FAILED, 1))
        self.assertIn("SMTPServerDisconnected: Connection unexpectedly closed", digest.last_error)
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Notification.objects.exists())

        self.assertEqual(self.tick(dt.timedelta(minutes=10)), 0)  # too early
        self.assertEqual(self.tick(dt.timedelta(minutes=15)), 1)
        self.assertEqual((self.digest().status, self.digest().attempts), ("failed", 2))
        self.assertEqual(self.tick(dt.timedelta(minutes=30)), 0)
        self.assertEqual(self.tick(dt.timedelta(minutes=45)), 1)

        digest = self.digest()
        self.assertEqual((digest.status, digest.attempts, digest.last_error), ("sent", 3, ""))
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(Notification.objects.filter(recipient=self.alice).count(), 1)
        self.assertEqual(self.tick(dt.timedelta(hours=2)), 0)
        self.assertEqual(len(mail.outbox), 1)

    def test_it_gives_up_after_five_attempts_and_says_so(self) -> None:
        FlakyBackend.reset(failures=100)
        for after in (0, 15, 45, 120, 300, 600, 24 * 60):
            self.tick(dt.timedelta(minutes=after))

        digest = self.digest()
        self.assertEqual((digest.status, digest.attempts), ("failed", MAX_ATTEMPTS))
        self.assertEqual(FlakyBackend.refused, MAX_ATTEMPTS)
        self.client.force_login(self.alice)
        with travel(PARIS_MONDAY_8 + dt.timedelta(days=1)):
            response = self.client.get(reverse("home"))
        self.assertContains(response, "failed")
        self.assertContains(response, "5 attempts")
        self.assertNotContains(response, "it will be tried again")

    def test_a_second_copy_of_the_same_attempt_sends_nothing(self) -> None:
        FlakyBackend.reset(failures=0)
        digest = Digest.objects.create(owner=self.alice, scheduled_for=PARIS_MONDAY_8)
        with travel(PARIS_MONDAY_8):
            self.assertEqual(deliver(digest.pk, 1), "sent")
            self.assertEqual(deliver(digest.pk, 1), "skipped")
            self.assertEqual(deliver(digest.pk, 2), "skipped")  # sent already
        self.assertEqual(len(mail.outbox), 1)

    def test_a_digest_switched_off_before_it_leaves_is_dropped(self) -> None:
        digest = Digest.objects.create(owner=self.alice, scheduled_for=PARIS_MONDAY_8)
        User.objects.filter(pk=self.alice.pk).update(digest_enabled=False)
        with travel(PARIS_MONDAY_8):
            self.assertEqual(deliver(digest.pk, 1), "switched off")
        self.assertFalse(Digest.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_a_digest_no_worker_ran_for_two_days_is_marked_failed(self) -> None:
        late = Digest.objects.create(owner=self.alice, scheduled_for=PARIS_MONDAY_8)
        stuck = Digest.objects.create(
            owner=self.alice, scheduled_for=PARIS_MONDAY_8 - dt.timedelta(days=7)
        )
        with travel(PARIS_MONDAY_8 + dt.timedelta(days=3)):
            self.assertEqual(deliver(late.pk, 1), "too late")
            retry_digests()
        for digest in (late, stuck):
            digest.refresh_from_db()
            self.assertEqual((digest.status, digest.last_error), ("failed", TOO_LATE))
        self.assertEqual(mail.outbox, [])


class LostTaskTests(BaseTestCase):
    """The worker's queue lost the task (the database backend here, as in production)."""

    def queued_sends(self) -> list[list[Any]]:
        return [
            list(result.args_kwargs["args"])
            for result in DBTaskResult.objects.filter(task_path__endswith="send_digest")
        ]

    def test_a_digest_never_tried_is_queued_again_once_an_hour(self) -> None:
        with travel(PARIS_MONDAY_8):
            digest = Digest.objects.create(owner=self.alice, scheduled_for=PARIS_MONDAY_8)
        for minutes, expected in ((30, 0), (60, 1), (75, 0), (125, 1)):
            with travel(PARIS_MONDAY_8 + dt.timedelta(minutes=minutes)):
                self.assertEqual(retry_digests(), expected, f"after {minutes} minutes")
        self.assertEqual(self.queued_sends(), [[digest.pk, 1], [digest.pk, 1]])


# Monday 8 June 2026, 09:00 in Paris: this week's digest has left.
DASHBOARD_AT = utc(2026, 6, 8, 7, 0)


class DashboardReminderTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        User.objects.filter(pk=cls.alice.pk).update(time_zone=PARIS)

    def dashboard(self, moment: dt.datetime = DASHBOARD_AT) -> str:
        self.client.force_login(self.alice)
        with travel(moment):
            response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_it_shows_the_next_digest_in_the_members_time(self) -> None:
        html = self.dashboard()
        self.assertIn("Monday 15 June, 08:00", html)
        self.assertIn("none yet", html)
        self.assertIn(f'href="{reverse("accounts:reminders")}"', html)

    def test_it_says_when_the_digest_is_switched_off(self) -> None:
        User.objects.filter(pk=self.alice.pk).update(digest_enabled=False)
        self.assertIn("switched off", self.dashboard())

    def test_it_shows_the_last_digest_sent(self) -> None:
        Digest.objects.create(
            owner=self.alice,
            scheduled_for=PARIS_MONDAY_8,
            status=Digest.Status.SENT,
            attempts=1,
            sent_at=PARIS_MONDAY_8 + dt.timedelta(minutes=2),
        )
        html = self.dashboard()
        self.assertIn('<span class="badge ok">sent</span>', html)
        # In Alice's time zone: 06:02 UTC is 08:02 in Paris.
        self.assertIn("08:02", html)

    def test_a_failed_digest_says_it_will_be_tried_again(self) -> None:
        Digest.objects.create(
            owner=self.alice,
            scheduled_for=PARIS_MONDAY_8,
            status=Digest.Status.FAILED,
            attempts=2,
            last_error="SMTPServerDisconnected: secret-server-detail",
        )
        html = self.dashboard()
        self.assertIn("failed", html)
        self.assertIn("2 attempts", html)
        self.assertIn("it will be tried again", html)
        # Errors stay with operators.
        self.assertNotIn("secret-server-detail", html)

    def test_it_shows_the_digest_jobs_last_and_next_run_and_failures(self) -> None:
        JobState.objects.create(
            name=JOB_NAME,
            last_started_at=utc(2026, 6, 8, 6, 45),
            last_outcome=RunOutcome.FAILED,
            next_run_at=utc(2026, 6, 8, 7, 0),
            consecutive_failures=2,
        )
        Heartbeat.objects.create(
            pk=Heartbeat.SINGLETON_PK, beat_at=utc(2026, 6, 8, 6, 59), started_at=PARIS_MONDAY_8
        )
        html = self.dashboard()
        paris = weekly.zone_named(PARIS)
        for label, moment in (
            ("last run", utc(2026, 6, 8, 6, 45)),
            ("next run", utc(2026, 6, 8, 7)),
        ):
            shown = date_format(timezone.localtime(moment, paris), "SHORT_DATETIME_FORMAT")
            self.assertIn(f"{label} {shown}", html)
        self.assertIn("failed 2 times in a row", html)
        self.assertNotIn("The scheduler is silent", html)

    def test_a_silent_scheduler_is_a_warning_when_digests_are_on(self) -> None:
        self.assertIn("The scheduler is silent", self.dashboard())
        User.objects.filter(pk=self.alice.pk).update(digest_enabled=False)
        self.assertNotIn("The scheduler is silent", self.dashboard())

    def test_it_links_to_tend_objectives_and_the_report(self) -> None:
        html = self.dashboard()
        for name in ("goals:tend", "goals:objective-list", "goals:report"):
            self.assertIn(f'href="{reverse(name)}"', html)
