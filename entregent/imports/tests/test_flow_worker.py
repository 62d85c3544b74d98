"""An import through the pages and the real task worker (``manage.py db_worker``) beside them."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TransactionTestCase
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from entregent.imports import actions
from entregent.imports.models import ImportJob
from entregent.network import search
from entregent.network.models import Contact
from entregent.scheduler.tests.helpers import manage
from entregent.test import make_user

pytestmark = pytest.mark.filedb

DATA = Path(__file__).parent / "data"


class Interrupted(BaseException):
    pass


def run_worker() -> str:
    """Run the worker until its queue is empty; returns its output."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "worker.log"
        worker = manage("db_worker", "--batch", "--no-reload", "--no-startup-delay", output=log)
        returncode = worker.wait(timeout=120)
        output = log.read_text()
    assert returncode == 0, output
    return output


class WorkerImportTests(TransactionTestCase):
    def test_the_worker_imports_a_confirmed_file_and_the_page_shows_the_result(self) -> None:
        alice = make_user("alice@example.org", "Alice")
        self.client.force_login(alice)
        upload = SimpleUploadedFile(
            "Connections.csv", (DATA / "linkedin_connections.csv").read_bytes()
        )
        self.client.post(reverse("imports:start"), {"file": upload, "format": "auto"})
        job = ImportJob.objects.get(owner=alice)
        self.assertEqual(job.status, ImportJob.Status.READY, job.error)
        response = self.client.post(reverse("imports:confirm", args=[job.pk]))
        self.assertRedirects(response, reverse("imports:progress", args=[job.pk]))
        # Queued, not run: the page waits for the worker.
        self.assertContains(
            self.client.get(reverse("imports:progress", args=[job.pk])),
            "Waiting for the background worker",
        )
        self.assertEqual(Contact.objects.owned_by(alice).count(), 0)

        output = run_worker()

        task = DBTaskResult.objects.get()
        self.assertEqual(task.status, TaskResultStatus.SUCCESSFUL, task.traceback)
        self.assertEqual(task.return_value, "done")
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.DONE, output)
        # Written by the worker process, not by this one.
        self.assertNotEqual(job.runner.split(":")[1], str(os.getpid()))
        self.assertEqual(Contact.objects.owned_by(alice).count(), 11)
        self.assertEqual(
            [hit.contact.display_name for hit in search.search(alice, "Doctolib").hits],
            ["Élodie Bernard"],
        )
        status = self.client.get(reverse("imports:status", args=[job.pk])).json()
        self.assertEqual(status["next"], reverse("imports:result", args=[job.pk]))
        response = self.client.get(reverse("imports:result", args=[job.pk]))
        self.assertContains(response, "What happened to its 13 rows")

    def test_a_worker_starting_rolls_back_an_import_whose_worker_was_killed(self) -> None:
        alice = make_user("alice@example.org", "Alice")
        bob = make_user("bob@example.org", "Bob")
        rows = "\n".join(f"P{i},Q{i},p{i}@example.org" for i in range(10))
        stuck = actions.create_job(alice, f"Prénom,Nom,Email\n{rows}\n".encode(), "a.csv")
        actions.preview_import(stuck)
        actions.confirm_import(stuck)

        def killed(rows: int) -> None:
            raise Interrupted

        with self.assertRaises(Interrupted):
            actions.run_import(stuck, batch_size=4, progress=killed)
        self.assertEqual(Contact.objects.filter(owner=alice, pending=True).count(), 4)
        # Its worker is gone: a process that has exited.
        gone = subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpid())"],
            capture_output=True,
            text=True,
            check=True,
        )
        host = actions.runner_id().split(":")[0]
        ImportJob.objects.filter(pk=stuck.pk).update(runner=f"{host}:{gone.stdout.strip()}:1")

        fresh = actions.create_job(bob, (DATA / "google_contacts.csv").read_bytes(), "g.csv")
        actions.preview_import(fresh)
        actions.confirm_import(fresh)
        from entregent.imports.tasks import run_import_task

        run_import_task.enqueue(fresh.pk)
        run_worker()

        stuck.refresh_from_db()
        fresh.refresh_from_db()
        self.assertEqual(stuck.status, ImportJob.Status.FAILED)
        self.assertFalse(Contact.objects.filter(owner=alice).exists())
        self.assertEqual(fresh.status, ImportJob.Status.DONE)
        self.assertEqual(Contact.objects.owned_by(bob).count(), 3)
