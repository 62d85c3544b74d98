"""``manage.py run_scheduler``: run the jobs that the apps declare, on their schedules."""

from __future__ import annotations

import datetime as dt
import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from entregent.scheduler.health import JobHealth, scheduler_health
from entregent.scheduler.models import Outcome, Reason
from entregent.scheduler.process import SchedulerProcess
from entregent.scheduler.registry import all_jobs, get_job
from entregent.scheduler.runner import beat, overdue_names, run_due_jobs, run_job

HELP = gettext_noop(
    "Run the scheduled jobs declared by the apps (emptying the bin, digests...) on their "
    "schedules, until SIGTERM or Ctrl-C. Each run is recorded; a failed run is retried "
    "with backoff; a run missed while the scheduler was down happens once at start-up. "
    "Run a single scheduler per site."
)


class Command(BaseCommand):
    help = HELP

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Translated here, in the language active when the command runs; argparse cannot
        # take a lazy string.
        self.help = _(HELP)

    def add_arguments(self, parser: ArgumentParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--once",
            action="store_true",
            help=_(
                "Run the jobs that are due, one after the other, then exit (for a cron line, "
                "and for tests)."
            ),
        )
        mode.add_argument(
            "--list",
            action="store_true",
            help=_("Print the declared jobs with their last and next runs, then exit."),
        )
        mode.add_argument(
            "--run",
            metavar="JOB",
            help=_("Run this job now, with its retries, whatever its schedule, then exit."),
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help=_("With --list or --once: print JSON, for scripts."),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("With --once: print the jobs that are due without running them."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"] and not options["once"]:
            raise CommandError(_("--dry-run goes with --once."))
        if options["json"] and not (options["list"] or options["once"]):
            raise CommandError(_("--json goes with --list or --once."))
        if options["list"]:
            self._list(as_json=options["json"])
        elif options["run"]:
            self._run(options["run"])
        elif options["once"]:
            self._once(dry_run=options["dry_run"], as_json=options["json"])
        else:
            SchedulerProcess(all_jobs()).run()

    def _list(self, *, as_json: bool) -> None:
        health = scheduler_health()
        if as_json:
            data = {
                "last_heartbeat": _iso(health.last_heartbeat),
                "alive": health.is_alive,
                "jobs": [_job_json(job) for job in health.jobs],
            }
            self.stdout.write(json.dumps(data, indent=2))
            return
        if health.last_heartbeat is None:
            self.stdout.write(_("Last heartbeat: never"))
        else:
            self.stdout.write(_("Last heartbeat: %s") % _local(health.last_heartbeat))
        for job in health.jobs:
            self.stdout.write("")
            self.stdout.write(self.style.MIGRATE_HEADING(job.name))
            if job.description:
                self.stdout.write(f"  {job.description}")
            if not job.declared:
                self.stdout.write(self.style.WARNING(_("  No longer declared in code.")))
            else:
                self.stdout.write(_("  Schedule: %s") % job.trigger)
            self.stdout.write(
                _("  Last run: %(when)s %(outcome)s")
                % {"when": _local(job.last_started_at), "outcome": job.last_outcome_label}
            )
            self.stdout.write(_("  Next run: %s") % _local(job.next_run_at))
            if job.is_failing:
                self.stdout.write(
                    self.style.ERROR(_("  Consecutive failures: %d") % job.consecutive_failures)
                )

    def _run(self, name: str) -> None:
        try:
            job = get_job(name)
        except LookupError as error:
            raise CommandError(str(error)) from None
        report = run_job(job, Reason.MANUAL, advance=False)
        self._report_line(report.job, report.outcome, report.attempts, report.result)
        if report.outcome != Outcome.SUCCEEDED:
            raise CommandError(_("Job %s failed; its error is in the admin and the log.") % name)

    def _once(self, *, dry_run: bool, as_json: bool) -> None:
        jobs = all_jobs()
        if dry_run:
            due = sorted(overdue_names(jobs, timezone.now()))
            if as_json:
                self.stdout.write(json.dumps({"due": due}, indent=2))
            else:
                for name in due:
                    self.stdout.write(_("Due: %s") % name)
                if not due:
                    self.stdout.write(_("No job is due."))
            return
        started = timezone.now()
        beat(started_at=started)
        reports = run_due_jobs(jobs)
        beat(stopped=True)
        if as_json:
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "job": r.job,
                            "outcome": str(r.outcome),
                            "attempts": r.attempts,
                            "result": r.result,
                        }
                        for r in reports
                    ],
                    indent=2,
                )
            )
        else:
            for report in reports:
                self._report_line(report.job, report.outcome, report.attempts, report.result)
            if not reports:
                self.stdout.write(_("No job was due."))
        failed = [r.job for r in reports if r.outcome != Outcome.SUCCEEDED]
        if failed:
            raise CommandError(_("Failed: %s") % ", ".join(failed))

    def _report_line(self, name: str, outcome: Outcome, attempts: int, result: str) -> None:
        line = _("%(job)s: %(outcome)s after %(attempts)d attempt(s). %(result)s") % {
            "job": name,
            "outcome": Outcome(outcome).label,
            "attempts": attempts,
            "result": result,
        }
        style = self.style.SUCCESS if outcome == Outcome.SUCCEEDED else self.style.ERROR
        self.stdout.write(style(line.strip()))


def _iso(moment: dt.datetime | None) -> str | None:
    # UTC throughout, whether the time came from the database or from a trigger's own zone.
    return moment.astimezone(dt.UTC).isoformat() if moment else None


def _local(moment: dt.datetime | None) -> str:
    if moment is None:
        return _("never")
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S %Z")


def _job_json(job: JobHealth) -> dict[str, Any]:
    return {
        "name": job.name,
        "description": str(job.description),
        "schedule": job.trigger,
        "declared": job.declared,
        "last_started_at": _iso(job.last_started_at),
        "last_finished_at": _iso(job.last_finished_at),
        "last_outcome": job.last_outcome or None,
        "last_success_at": _iso(job.last_success_at),
        "next_run_at": _iso(job.next_run_at),
        "consecutive_failures": job.consecutive_failures,
    }
