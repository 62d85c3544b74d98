"""The web process and the task worker write at once, and nobody sees "database is locked".

settings.py sets SQLite up for this (WAL, a busy timeout, IMMEDIATE transactions). These tests
check that the settings really reach the connection, then put them under load: two real worker
processes run write-heavy tasks while threads of this process write as a web server would.
The load test runs on PostgreSQL too.
"""

from __future__ import annotations

import sqlite3
import tempfile
import threading
import time
from pathlib import Path
from unittest import skipUnless

import pytest
from django.db import connection, transaction
from django.test import TransactionTestCase
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from entregent.accounts.models import User
from entregent.network.models import Contact
from entregent.scheduler.models import JobRun, Outcome
from entregent.scheduler.tasks import run_job_now
from entregent.scheduler.tests.helpers import manage
from entregent.test import make_user

pytestmark = pytest.mark.filedb

TASKS = 40
WORKERS = 2
WRITER_THREADS = 4
MIN_WRITES_PER_THREAD = 25


def pragma(name: str) -> object:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


@skipUnless(connection.vendor == "sqlite", "SQLite settings")
class SQLiteSettingsTests(TransactionTestCase):
    def test_the_connection_uses_wal_and_waits_for_locks(self) -> None:
        self.assertEqual(pragma("journal_mode"), "wal")
        self.assertEqual(pragma("busy_timeout"), 20000)
        self.assertEqual(pragma("foreign_keys"), 1)
        self.assertEqual(pragma("synchronous"), 1)  # NORMAL: safe with WAL, much faster

    def test_a_transaction_takes_the_write_lock_when_it_begins(self) -> None:
        # With the default DEFERRED mode a transaction that reads then writes can fail half-way
        # with "database is locked"; IMMEDIATE makes writers queue at BEGIN instead.
        self.assertEqual(connection.transaction_mode, "IMMEDIATE")  # type: ignore[attr-defined]
        other = sqlite3.connect(str(connection.settings_dict["NAME"]), timeout=0)
        try:
            locked = self.assertRaisesMessage(sqlite3.OperationalError, "database is locked")
            with transaction.atomic(), locked:
                other.execute("BEGIN IMMEDIATE")
            other.execute("BEGIN IMMEDIATE")
            other.rollback()
        finally:
            other.close()


class ConcurrentWritesTests(TransactionTestCase):
    def test_the_worker_and_the_web_process_write_at_once_without_lock_errors(self) -> None:
        owner = make_user("alice@example.org", "Alice")
        for _ in range(TASKS):
            run_job_now.enqueue("scheduler.prune_runs")

        workers_done = threading.Event()
        errors: list[BaseException] = []
        written: list[int] = []

        def write_like_a_web_request(thread: int) -> None:
            count = 0
            try:
                # Keep writing for as long as the workers do, so the two always overlap.
                while count < MIN_WRITES_PER_THREAD or not workers_done.is_set():
                    write_contact(owner, f"Writer {thread} #{count}")
                    count += 1
                    # Requests come close together, not back to back: without a pause these
                    # threads would take turns at the lock and starve the workers (a slow
                    # test, not a failing one).
                    time.sleep(0.005)
            except BaseException as error:
                errors.append(error)
            finally:
                written.append(count)
                connection.close()

        writers = [
            threading.Thread(target=write_like_a_web_request, args=(n,))
            for n in range(WRITER_THREADS)
        ]
        for writer in writers:
            writer.start()
        with tempfile.TemporaryDirectory() as tmp:
            logs = [Path(tmp) / f"worker-{n}.log" for n in range(WORKERS)]
            workers = [
                manage("db_worker", "--batch", "--no-reload", "--no-startup-delay", output=log)
                for log in logs
            ]
            try:
                codes = [worker.wait(timeout=120) for worker in workers]
            finally:
                workers_done.set()
                for writer in writers:
                    writer.join(timeout=60)
            output = "\n".join(log.read_text() for log in logs)

        self.assertEqual(errors, [])
        self.assertEqual(codes, [0] * WORKERS, output)
        self.assertNotIn("locked", output)
        self.assertEqual(Contact.objects.count(), sum(written))
        statuses = list(DBTaskResult.objects.values_list("status", flat=True))
        self.assertEqual(statuses, [TaskResultStatus.SUCCESSFUL] * TASKS)
        self.assertEqual(JobRun.objects.filter(outcome=Outcome.SUCCEEDED).count(), TASKS)
        # The writes really overlapped the worker's.
        first = DBTaskResult.objects.order_by("started_at").values_list("started_at", flat=True)[0]
        last = DBTaskResult.objects.order_by("-finished_at").values_list("finished_at", flat=True)[
            0
        ]
        self.assertTrue(Contact.objects.filter(created_at__range=(first, last)).exists())


def write_contact(owner: User, name: str) -> None:
    # A read then two writes in one transaction: the pattern that fails under DEFERRED.
    with transaction.atomic():
        exists = Contact.objects.filter(owner=owner, display_name=name).exists()
        contact = Contact.objects.create(owner=owner, display_name=name)
        Contact.objects.filter(pk=contact.pk).update(headline=f"existed: {exists}")
