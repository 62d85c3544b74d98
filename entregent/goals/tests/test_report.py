"""My progress report (goals/report.py, goals/views_report.py): periods, every figure against
a hand-computed fixture, the CSV, privacy and a query count that does not grow with the data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import zoneinfo
from typing import Any

import time_machine
from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from entregent.goals.models import HealthSnapshot, Objective, Outcome
from entregent.goals.report import (
    CUSTOM,
    MONTH,
    QUARTER,
    WEEK,
    Period,
    ReportPeriodForm,
    build_report,
    chart_buckets,
    period_containing,
)
from entregent.network.models import Cadence, Contact
from entregent.network.tests.factories import log_interaction, make_contact
from entregent.test import BaseTestCase

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 6, 17)  # a Wednesday
NOW = dt.datetime(2026, 6, 17, 15, 0, tzinfo=PARIS)
JUNE = Period(MONTH, dt.date(2026, 6, 1), dt.date(2026, 6, 30))
MAY = Period(MONTH, dt.date(2026, 5, 1), dt.date(2026, 5, 31))
K = Outcome.Kind


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def at(text: str) -> dt.datetime:
    return dt.datetime.combine(d(text), dt.time(12), tzinfo=PARIS)


def form(today: dt.date = TODAY, **data: str) -> ReportPeriodForm:
    return ReportPeriodForm(data or None, today=today)


class PeriodTests(SimpleTestCase):
    def test_calendar_periods_around_a_day(self) -> None:
        self.assertEqual(
            period_containing(WEEK, TODAY), Period(WEEK, d("2026-06-15"), d("2026-06-21"))
        )
        self.assertEqual(period_containing(MONTH, TODAY), JUNE)
        self.assertEqual(
            period_containing(QUARTER, TODAY),
            Period(QUARTER, d("2026-04-01"), d("2026-06-30")),
        )
        self.assertEqual(
            period_containing(QUARTER, d("2026-12-31")),
            Period(QUARTER, d("2026-10-01"), d("2026-12-31")),
        )

    def test_the_previous_period_is_the_calendar_one_before_or_as_long_just_before(self) -> None:
        self.assertEqual(JUNE.previous(), MAY)
        self.assertEqual(
            period_containing(MONTH, d("2026-03-15")).previous(),
            Period(MONTH, d("2026-02-01"), d("2026-02-28")),
        )
        self.assertEqual(
            period_containing(QUARTER, d("2026-02-01")).previous(),
            Period(QUARTER, d("2025-10-01"), d("2025-12-31")),
        )
        self.assertEqual(
            period_containing(WEEK, d("2026-01-01")).previous(),
            Period(WEEK, d("2025-12-22"), d("2025-12-28")),
        )
        custom = Period(CUSTOM, d("2026-06-10"), d("2026-06-19"))
        self.assertEqual(custom.previous(), Period(CUSTOM, d("2026-05-31"), d("2026-06-09")))
        self.assertEqual(custom.next(), Period(CUSTOM, d("2026-06-20"), d("2026-06-29")))
        self.assertEqual(JUNE.next(), Period(MONTH, d("2026-07-01"), d("2026-07-31")))

    def test_charts_show_the_twelve_periods_ending_with_this_one(self) -> None:
        buckets = chart_buckets(JUNE)
        self.assertEqual(len(buckets), 12)
        self.assertEqual(buckets[0], Period(MONTH, d("2025-07-01"), d("2025-07-31")))
        self.assertEqual(buckets[-1], JUNE)
        for before, after in itertools.pairwise(buckets):
            self.assertEqual(before.end + dt.timedelta(days=1), after.start)

    def test_a_custom_range_is_cut_into_weeks_months_or_quarters(self) -> None:
        weeks = chart_buckets(Period(CUSTOM, d("2026-06-03"), d("2026-06-17")))
        self.assertEqual(
            [(b.kind, b.start, b.end) for b in weeks],
            [
                (WEEK, d("2026-06-03"), d("2026-06-07")),
                (WEEK, d("2026-06-08"), d("2026-06-14")),
                (WEEK, d("2026-06-15"), d("2026-06-17")),
            ],
        )
        months = chart_buckets(Period(CUSTOM, d("2025-01-15"), d("2026-06-17")))
        self.assertEqual({b.kind for b in months}, {MONTH})
        self.assertEqual((months[0].start, months[-1].end), (d("2025-01-15"), d("2026-06-17")))
        self.assertEqual(len(months), 18)
        quarters = chart_buckets(Period(CUSTOM, d("2021-06-18"), d("2026-06-17")))
        self.assertEqual({b.kind for b in quarters}, {QUARTER})
        self.assertEqual(len(quarters), 21)

    def test_labels(self) -> None:
        with translation.override("en"):
            self.assertEqual(JUNE.label(), "June 2026")
            self.assertEqual(period_containing(QUARTER, TODAY).label(), "Q2 2026")
            self.assertEqual(period_containing(WEEK, TODAY).label(), "Week of June 15, 2026")
            self.assertEqual(
                Period(CUSTOM, d("2026-06-03"), d("2026-06-17")).label(),
                "June 3, 2026 to June 17, 2026",
            )
            self.assertEqual(JUNE.axis_label(), "June\n2026")
            self.assertEqual(period_containing(QUARTER, TODAY).axis_label(), "Q2\n2026")
            self.assertEqual(period_containing(WEEK, TODAY).axis_label(), "15 June\n2026")


class PeriodFormTests(SimpleTestCase):
    def test_no_parameters_is_the_current_month(self) -> None:
        self.assertEqual(form().report_period(), JUNE)

    def test_a_calendar_kind_is_the_one_containing_on_or_today(self) -> None:
        self.assertEqual(
            form(period="week").report_period(),
            Period(WEEK, d("2026-06-15"), d("2026-06-21")),
        )
        self.assertEqual(
            form(period="quarter", on="2025-11-30").report_period(),
            Period(QUARTER, d("2025-10-01"), d("2025-12-31")),
        )

    def test_start_and_end_make_a_custom_range(self) -> None:
        expected = Period(CUSTOM, d("2026-01-01"), d("2026-03-31"))
        self.assertEqual(form(start="2026-01-01", end="2026-03-31").report_period(), expected)
        self.assertEqual(
            form(period="custom", start="2026-01-01", end="2026-03-31").report_period(),
            expected,
        )
        # A week or a month ignores the custom dates.
        self.assertEqual(
            form(period="month", start="2026-01-01", end="2026-03-31").report_period(), JUNE
        )

    def assertRefused(self, bound: ReportPeriodForm, message: str) -> None:
        with translation.override("en"):
            self.assertFalse(bound.is_valid())
            self.assertIn(message, bound.messages())
            # Wrong parameters show the current month, with the message.
            self.assertEqual(bound.report_period(), JUNE)

    def test_a_bad_date_says_which_field_and_the_expected_form(self) -> None:
        self.assertRefused(
            form(start="2026-02-30", end="2026-03-31"),
            "From: Enter a date as YYYY-MM-DD, such as 2026-03-31.",
        )
        self.assertRefused(
            form(start="2026-02-01", end="31/03/2026"),
            "To: Enter a date as YYYY-MM-DD, such as 2026-03-31.",
        )
        self.assertRefused(
            form(period="month", on="yesterday"),
            "on: Enter a date as YYYY-MM-DD, such as 2026-03-31.",
        )

    def test_the_end_before_the_start_is_refused(self) -> None:
        self.assertRefused(
            form(start="2026-06-01", end="2026-01-01"),
            "The end (Jan. 1, 2026) is before the start (June 1, 2026).",
        )

    def test_a_custom_range_needs_both_dates(self) -> None:
        self.assertRefused(
            form(period="custom", start="2026-06-01"),
            "A custom range needs both a start and an end date.",
        )

    def test_ranges_longer_than_five_years_are_refused(self) -> None:
        self.assertTrue(form(start="2021-01-01", end="2025-12-31").is_valid())
        self.assertRefused(
            form(start="2020-12-31", end="2025-12-31"),
            "A report covers at most 5 years: choose a shorter range.",
        )

    def test_dates_far_away_are_refused(self) -> None:
        self.assertRefused(
            form(start="1850-01-01", end="1850-02-01"),
            "From: Choose a date between 1900 and 2999.",
        )
        self.assertRefused(
            form(period="quarter", on="9999-12-31"), "on: Choose a date between 1900 and 2999."
        )

    def test_an_unknown_period_is_refused(self) -> None:
        bound = form(period="decade")
        self.assertFalse(bound.is_valid())
        self.assertEqual(bound.report_period(), JUNE)


def snapshot(owner: Any, day: str, **counts: int) -> HealthSnapshot:
    return HealthSnapshot.objects.create(owner=owner, taken_on=d(day), **counts)


@time_machine.travel(NOW, tick=False)
class ReportFiguresTests(BaseTestCase):
    """Alice's June 2026 beside May 2026, every figure computed by hand."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        a = cls.alice
        old = at("2020-01-10")
        ada = make_contact(a, "Ada", headline="Designer", tie_strength=5, created_at=old)
        bea = make_contact(a, "Bea", tie_strength=4, created_at=old)
        make_contact(a, "Cy", headline="Accountant", tie_strength=2, created_at=old)
        make_contact(a, "Dee", headline="Lawyer", created_at=old, archived_at=at("2026-02-01"))
        make_contact(a, "Eve", job_title="Nurse", cadence=Cadence.NEVER, created_at=old)
        imported = Contact.Source.IMPORT
        make_contact(
            a, "Fay", source=imported, connected_on=d("2025-01-01"), created_at=at("2026-06-03")
        )
        make_contact(a, "Hal", headline="Chef", source=imported, created_at=at("2026-05-20"))
        make_contact(a, "Gil", headline="In the bin", created_at=old, deleted_at=at("2026-06-01"))
        log_interaction(a, [ada], d("2026-06-10"), kind="call")
        log_interaction(a, [bea], d("2026-01-05"), kind="call")
        make_contact(cls.bob, "Bob's contact", headline="Spy", created_at=old)
        # Only the outcomes below: none of those the network's writes recorded.
        Outcome.objects.all().delete()

        def outcomes(owner: Any, kind: str, *days: str) -> None:
            for day in days:
                Outcome.objects.create(owner=owner, kind=kind, occurred_on=d(day))

        # June: 14 outcomes, the first and last days included.
        outcomes(a, K.NEW_CONTACT, "2026-06-01", "2026-06-15", "2026-06-30")
        outcomes(a, K.REACTIVATION, "2026-06-02", "2026-06-16")
        outcomes(a, K.MEETING, "2026-06-05", "2026-06-05", "2026-06-10", "2026-06-17")
        outcomes(a, K.PARTNERSHIP, "2026-06-20")
        outcomes(a, K.LEAD_JOB, "2026-06-11")
        outcomes(a, K.LEAD_CLIENT, "2026-06-12", "2026-06-12")
        outcomes(a, K.INTRODUCTION, "2026-06-13")
        # May: 5.
        outcomes(a, K.NEW_CONTACT, "2026-05-31")
        outcomes(a, K.MEETING, "2026-05-01", "2026-05-15")
        outcomes(a, K.LEAD_SUPPLIER, "2026-05-07")
        outcomes(a, K.OTHER, "2026-05-08")
        # Neither: April (in the chart only) and July.
        outcomes(a, K.MEETING, "2026-04-30")
        outcomes(a, K.NEW_CONTACT, "2026-07-01")
        # Bob's never count for Alice.
        outcomes(cls.bob, K.MEETING, "2026-06-05", "2026-06-06", "2026-06-07")

        reached, dropped = Objective.Status.REACHED, Objective.Status.DROPPED
        for owner, status, closed in (
            (a, reached, "2026-06-05"),
            (a, reached, "2026-06-30"),
            (a, reached, "2026-05-20"),
            (a, reached, "2026-04-01"),
            (a, dropped, "2026-06-10"),
            (cls.bob, reached, "2026-06-05"),
        ):
            Objective.objects.create(owner=owner, title="x", status=status, closed_on=d(closed))
        Objective.objects.create(owner=a, title="Still open")

        snapshot(a, "2026-04-30", total=6, known=2, alive=4, due=0, dormant=0, archived=1)
        snapshot(a, "2026-05-10", total=7, known=1, alive=5, due=0, dormant=0, archived=2)
        snapshot(a, "2026-05-28", total=8, known=3, alive=2, due=2, dormant=2, archived=2)
        snapshot(cls.bob, "2026-05-30", total=99, known=99, alive=99, due=0, dormant=0, archived=0)

    def counts(self, report: Any) -> dict[str, tuple[int, int]]:
        rows = [*report.outcomes, report.objectives_reached]
        return {row.key: (row.current, row.previous) for row in rows}

    def test_every_count_beside_the_previous_period(self) -> None:
        report = build_report(self.alice, JUNE, TODAY)
        self.assertEqual(report.previous, MAY)
        self.assertEqual(
            self.counts(report),
            {
                "new_contact": (3, 1),
                "reactivation": (2, 0),
                "meeting": (4, 2),
                "partnership": (1, 0),
                "lead_job": (1, 0),
                "lead_client": (2, 0),
                "lead_supplier": (0, 1),
                "introduction": (1, 0),
                "other": (0, 1),
                "objectives_reached": (2, 1),
            },
        )
        total = report.total_outcomes
        self.assertEqual((total.current, total.previous, total.change), (14, 5, 9))
        self.assertEqual(report.outcomes[2].change, 2)

    def test_health_at_the_end_of_each_period(self) -> None:
        report = build_report(self.alice, JUNE, TODAY)
        # June includes today: live. Ada alive (seen 10 June, monthly), Bea due (seen
        # 5 January, quarterly), Cy dormant (never seen since 2020, yearly), Dee archived,
        # Eve alive ("never"), Fay due (connected 2025-01-01, yearly), Hal alive (imported
        # 20 May), Gil in the bin. Known: Ada, Cy, Eve, Hal.
        assert report.health is not None and report.previous_health is not None
        self.assertEqual((report.health.on, report.health.live), (TODAY, True))
        live = report.health.health
        self.assertEqual(
            (live.total, live.active, live.known, live.alive, live.due, live.dormant),
            (7, 6, 4, 3, 2, 1),
        )
        self.assertEqual(live.archived, 1)
        # May: the last snapshot taken in it (28 May), not Bob's of 30 May.
        self.assertEqual(
            (report.previous_health.on, report.previous_health.live),
            (MAY.end - dt.timedelta(days=3), False),
        )
        rows = {row.key: row for row in report.health_rows}
        self.assertEqual(
            {key: (row.current.count, row.current.of) for key, row in rows.items() if row.current},
            {
                "known": (4, 6),
                "alive": (3, 6),
                "due": (2, 6),
                "dormant": (1, 6),
                "archived": (1, 7),
            },
        )
        self.assertEqual(
            {
                key: (row.previous.count, row.previous.of)
                for key, row in rows.items()
                if row.previous
            },
            {
                "known": (3, 6),
                "alive": (2, 6),
                "due": (2, 6),
                "dormant": (2, 6),
                "archived": (2, 8),
            },
        )
        self.assertEqual(
            {key: row.change_points for key, row in rows.items()},
            {"known": 16.7, "alive": 16.7, "due": 0.0, "dormant": -16.7, "archived": -10.7},
        )
        self.assertEqual(rows["archived"].denominator, "all")
        self.assertEqual(rows["known"].denominator, "active")

    def test_todays_snapshot_once_taken_spares_the_live_figure(self) -> None:
        snapshot(self.alice, "2026-06-17", total=7, known=4, alive=2, due=3, dormant=1, archived=1)
        with CaptureQueriesContext(connection) as queries:
            report = build_report(self.alice, JUNE, TODAY)
        self.assertEqual(len(queries), 3)
        assert report.health is not None
        self.assertEqual((report.health.on, report.health.live), (TODAY, False))
        self.assertEqual(report.health.health.due, 3)
        self.assertContains(self.get(), "(on June 17, 2026)")

    def test_a_period_without_a_snapshot_has_no_health_rather_than_zeros(self) -> None:
        report = build_report(self.alice, period_containing(QUARTER, d("2026-03-01")), TODAY)
        self.assertIsNone(report.health)
        self.assertIsNone(report.previous_health)
        self.assertTrue(all(row.current is None for row in report.health_rows))
        self.assertTrue(all(row.change_points is None for row in report.health_rows))
        response = self.get(period="quarter", on="2026-03-01")
        self.assertContains(response, "no data")
        self.assertNotContains(response, "0 of 0")

    def test_the_charts_count_per_month_over_twelve_months(self) -> None:
        report = build_report(self.alice, JUNE, TODAY)
        totals = [sum(column) for column in zip(*report.outcomes_by_bucket.values(), strict=True)]
        self.assertEqual(totals, [0] * 9 + [1, 5, 14])
        self.assertEqual(report.outcomes_by_bucket["meeting"][-3:], [1, 2, 4])
        days = [h.on if h else None for h in report.health_by_bucket]
        self.assertEqual(days, [None] * 9 + [d("2026-04-30"), d("2026-05-28"), TODAY])

    def get(self, **params: str) -> Any:
        self.client.force_login(self.alice)
        with translation.override("en"):
            return self.client.get(reverse("goals:report"), params, HTTP_ACCEPT_LANGUAGE="en")

    def test_the_page_shows_the_figures_charts_and_their_tables(self) -> None:
        response = self.get()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["report"].period, JUNE)
        html = response.content.decode()
        self.assertIn("June 2026", html)
        self.assertIn("Compared with the previous period: May 2026", html)
        # Every share says its denominator.
        self.assertIn("4 of 6 active contacts", html)
        self.assertIn("1 of 7 contacts", html)
        self.assertIn("+16.7 pts", html)
        self.assertIn("(today)", html)
        # Two charts, accessible images, each with the numbers as a table.
        self.assertEqual(html.count('role="img" aria-labelledby='), 2)
        self.assertIn('<title id="outcomes-chart-title">', html)
        self.assertIn("20 outcomes recorded from July 2025 to June 2026", html)
        self.assertEqual(html.count("The figures as a table"), 2)
        # Previous period link; no next link for the current one.
        self.assertIn("?period=month&amp;on=2026-05-01", html)
        self.assertNotIn('rel="next"', html)
        self.assertContains(self.get(period="month", on="2026-05-01"), 'rel="next"')

    def test_wrong_parameters_say_what_is_wrong_and_show_this_month(self) -> None:
        response = self.get(start="2026-06-01", end="2026-01-01")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The end (Jan. 1, 2026) is before the start")
        self.assertEqual(response.context["report"].period, JUNE)

    def test_the_csv_has_each_figure_for_both_periods(self) -> None:
        self.client.force_login(self.alice)
        with translation.override("en"):
            response = self.client.get(
                reverse("goals:report-csv"), {"period": "month", "on": "2026-06-01"}
            )
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn(
            'filename="entregent-report-2026-06-01-2026-06-30.csv"',
            response["Content-Disposition"],
        )
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        self.assertEqual(
            rows,
            [
                ["Figure", "2026-06-01 / 2026-06-30", "2026-05-01 / 2026-05-31"],
                ["Contacts gained", "3", "1"],
                ["Contacts reactivated", "2", "0"],
                ["Meetings", "4", "2"],
                ["Partnerships", "1", "0"],
                ["Leads for a job", "1", "0"],
                ["Leads for a client", "2", "0"],
                ["Leads for a supplier", "0", "1"],
                ["Introductions and recommendations", "1", "0"],
                ["Other outcomes", "0", "1"],
                ["Objectives reached", "2", "1"],
                ["Health on", "2026-06-17", "2026-05-28"],
                ["Contacts", "7", "8"],
                ["Active contacts", "6", "6"],
                ["Known", "4", "3"],
                ["Alive", "3", "2"],
                ["Due", "2", "2"],
                ["Dormant", "1", "2"],
                ["Archived", "1", "2"],
            ],
        )

    def test_the_csv_says_no_data_and_refuses_bad_parameters(self) -> None:
        self.client.force_login(self.alice)
        with translation.override("en"):
            response = self.client.get(
                reverse("goals:report-csv"), {"start": "2026-01-01", "end": "2026-01-31"}
            )
            self.assertIn(b"Health on,no data,no data", response.content)
            bad = self.client.get(reverse("goals:report-csv"), {"start": "2026-13-01"})
        self.assertEqual(bad.status_code, 400)
        self.assertIn(b"From: Enter a date as YYYY-MM-DD", bad.content)

    def test_bob_sees_only_his_own(self) -> None:
        report = build_report(self.bob, JUNE, TODAY)
        counts = self.counts(report)
        self.assertEqual(counts.pop("meeting"), (3, 0))
        self.assertEqual(counts.pop("objectives_reached"), (1, 0))
        self.assertTrue(all(value == (0, 0) for value in counts.values()), counts)
        assert report.health is not None
        self.assertEqual(report.health.health.total, 1)
        # His own snapshot of 30 May, none of Alice's.
        assert report.previous_health is not None
        self.assertEqual(report.previous_health.health.total, 99)

        self.client.force_login(self.bob)
        response = self.client.get(reverse("goals:report"))
        self.assertNotContains(response, "4 of 6 active contacts")
        csv_text = self.client.get(reverse("goals:report-csv")).content.decode()
        self.assertIn("Meetings,3,0", csv_text)

    def test_visitors_are_sent_to_log_in(self) -> None:
        for name in ("goals:report", "goals:report-csv"):
            response = self.client.get(reverse(name))
            self.assertEqual(response.status_code, 302)
            self.assertIn("/accounts/login/", response["Location"])

    def test_the_query_count_does_not_grow_with_the_data(self) -> None:
        with CaptureQueriesContext(connection) as small:
            build_report(self.alice, JUNE, TODAY)
        # Outcomes, objectives, snapshots, today's health (June has no snapshot yet).
        self.assertEqual(len(small), 4)
        self.get()  # logged in, session saved: what follows is the page alone
        with CaptureQueriesContext(connection) as small_page:
            self.client.get(reverse("goals:report"))

        a = self.alice
        Outcome.objects.bulk_create(
            Outcome(owner=a, kind=kind, occurred_on=TODAY - dt.timedelta(days=n))
            for n in range(300)
            for kind in (K.MEETING, K.NEW_CONTACT, K.LEAD_JOB)
        )
        Contact.objects.bulk_create(
            Contact(owner=a, display_name=f"More {n}", source=Contact.Source.IMPORT)
            for n in range(100)
        )
        HealthSnapshot.objects.bulk_create(
            HealthSnapshot(
                owner=a, taken_on=TODAY - dt.timedelta(days=n), total=n, known=0, alive=n,
                due=0, dormant=0, archived=0,
            )
            for n in range(60, 400)
        )  # fmt: skip
        Objective.objects.bulk_create(
            Objective(owner=a, title=f"o{n}", status=Objective.Status.REACHED, closed_on=TODAY)
            for n in range(50)
        )
        with CaptureQueriesContext(connection) as large:
            report = build_report(self.alice, JUNE, TODAY)
        self.assertEqual(len(large), len(small))
        self.assertEqual(report.objectives_reached.current, 52)
        with CaptureQueriesContext(connection) as large_page:
            self.client.get(reverse("goals:report"))
        self.assertEqual(len(large_page), len(small_page))
        # A past period has no live figure: one query fewer.
        with self.assertNumQueries(3):
            build_report(self.alice, period_containing(QUARTER, d("2025-06-01")), TODAY)


class ReportInHeaderTests(BaseTestCase):
    def test_the_header_marks_the_report_on_its_page_only(self) -> None:
        self.client.force_login(self.alice)
        current = f'href="{reverse("goals:report")}" aria-current="page"'
        self.assertContains(self.client.get(reverse("goals:report")), current)
        # A method's page is no report of the member's, whatever its URL name says.
        self.assertNotContains(self.client.get(reverse("methods:list")), current)
        self.assertNotContains(self.client.get(reverse("goals:tend")), current)
