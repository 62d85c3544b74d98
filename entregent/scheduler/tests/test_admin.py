from __future__ import annotations

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from entregent.accounts.models import User
from entregent.scheduler.models import Heartbeat, JobRun, JobState, Outcome
from entregent.scheduler.tasks import run_job_now
from entregent.scheduler.tests.helpers import make_job, only_jobs
from entregent.test import make_user


def succeed() -> str:
    return "ok"


class AdminTests(TestCase):
    operator: User
    member: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.operator = make_user("operator@example.org", is_staff=True, is_superuser=True)
        cls.member = make_user("alice@example.org", "Alice")
        state = JobState.objects.create(
            name="network.empty_bin",
            last_outcome=Outcome.FAILED,
            consecutive_failures=1,
            last_error="Traceback: RuntimeError: boom",
        )
        JobRun.objects.create(job=state, outcome=Outcome.FAILED, error="RuntimeError: boom")
        now = timezone.now()
        Heartbeat.objects.create(pk=1, beat_at=now, started_at=now)

    def test_an_operator_sees_jobs_runs_and_heartbeat(self) -> None:
        self.client.force_login(self.operator)
        for name in ("jobstate", "jobrun", "heartbeat"):
            response = self.client.get(reverse(f"admin:scheduler_{name}_changelist"))
            self.assertEqual(response.status_code, 200, name)
        response = self.client.get(reverse("admin:scheduler_jobstate_changelist") + "?failing=yes")
        self.assertContains(response, "network.empty_bin")
        state = JobState.objects.get()
        response = self.client.get(reverse("admin:scheduler_jobstate_change", args=[state.pk]))
        self.assertContains(response, "RuntimeError: boom")

    def test_records_cannot_be_added_or_edited_by_hand(self) -> None:
        self.client.force_login(self.operator)
        self.assertEqual(self.client.get(reverse("admin:scheduler_jobrun_add")).status_code, 403)
        state = JobState.objects.get()
        response = self.client.post(
            reverse("admin:scheduler_jobstate_change", args=[state.pk]),
            {"consecutive_failures": 0},
        )
        self.assertEqual(response.status_code, 403)

    def test_a_member_cannot_see_the_scheduler(self) -> None:
        self.client.force_login(self.member)
        response = self.client.get(reverse("admin:scheduler_jobstate_changelist"))
        self.assertEqual(response.status_code, 302)

    def test_run_now_queues_the_job_on_the_worker(self) -> None:
        self.client.force_login(self.operator)
        state = JobState.objects.get()
        response = self.client.post(
            reverse("admin:scheduler_jobstate_changelist"),
            {"action": "run_now", "_selected_action": [state.pk]},
            follow=True,
        )
        self.assertContains(response, "1 job queued")
        task = DBTaskResult.objects.get()
        self.assertEqual(task.task_path, "entregent.scheduler.tasks.run_job_now")
        self.assertEqual(task.args_kwargs["args"], ["network.empty_bin"])

    def test_the_task_runs_the_job_once_as_a_manual_run(self) -> None:
        with only_jobs(make_job(succeed, "tests.job")):
            self.assertEqual(run_job_now.call("tests.job"), "succeeded")
        run = JobRun.objects.get(job__name="tests.job")
        self.assertEqual(run.reason, "manual")
        self.assertEqual(run.max_attempts, 1)
