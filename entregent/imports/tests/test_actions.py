"""The import's write layer: exact duplicates, batches, finishing, rollback, recovery, undo."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entregent.accounts import registry
from entregent.accounts.models import User
from entregent.imports import actions
from entregent.imports.models import ImportChange, ImportJob
from entregent.network import search
from entregent.network.models import Contact, ContactPhoto, ContactPoint, Tag
from entregent.network.tests.factories import log_interaction, make_contact, make_tag
from entregent.test import BaseTestCase

DATA = Path(__file__).parent / "data"


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def csv_file(*rows: str, header: str = "Prénom,Nom,Email,Téléphone,Société,Étiquettes") -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode()


def start(owner: User, data: bytes, name: str = "contacts.csv") -> ImportJob:
    job = actions.create_job(owner, data, name)
    actions.preview_import(job)
    assert job.status == ImportJob.Status.READY, job.error
    assert actions.confirm_import(job)
    return job


def import_file(owner: User, data: bytes, name: str = "contacts.csv", **kwargs: Any) -> ImportJob:
    return actions.run_import(start(owner, data, name), **kwargs)


class Interrupted(BaseException):
    """A worker killed mid-import: not an Exception, so nothing in the import catches it."""


def stop_after(batches: int) -> Any:
    calls = {"count": 0}

    def progress(rows: int) -> None:
        calls["count"] += 1
        if calls["count"] >= batches:
            raise Interrupted

    return progress


def dead_runner() -> str:
    """A runner id on this machine whose process is gone."""
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return f"{actions.runner_id().split(':')[0]}:{finished.stdout.strip()}:1"


class ActionsTestCase(BaseTestCase):
    def names(self, owner: User | None = None) -> list[str]:
        return sorted(
            Contact.objects.owned_by(owner or self.alice).values_list("display_name", flat=True)
        )


class ExactDuplicateTests(ActionsTestCase):
    def test_a_row_with_a_members_email_completes_that_contact_and_overwrites_nothing(
        self,
    ) -> None:
        ada = make_contact(
            self.alice, "Ada L.", given_name="Ada", organisation="Analytical Engines Ltd"
        )
        ada.points.create(kind="email", raw="ADA@example.org")
        job = import_file(
            self.alice,
            csv_file("Ada,Lovelace,ada@example.org,06 11 22 33 44,Babbage & Co,Maths"),
        )
        self.assertEqual((job.result["created"], job.result["merged"]), (0, 1))
        ada.refresh_from_db()
        self.assertEqual(ada.display_name, "Ada L.")
        self.assertEqual(ada.organisation, "Analytical Engines Ltd")  # the member's, kept
        self.assertEqual(ada.family_name, "Lovelace")  # empty before: filled
        self.assertEqual(
            sorted(ada.points.values_list("kind", "value")),
            [("email", "ada@example.org"), ("phone", "+33611223344")],
        )
        self.assertEqual(list(ada.tags.values_list("name", flat=True)), ["Maths"])
        self.assertFalse(ContactPoint.objects.filter(pending=True).exists())

    def test_the_same_phone_or_profile_merges_too_whatever_its_spelling(self) -> None:
        grace = make_contact(self.alice, "Grace Hopper", given_name="Grace")
        grace.points.create(kind="phone", raw="+33 6 11 22 33 44")
        alan = make_contact(self.alice, "Alan Turing", given_name="Alan")
        alan.points.create(kind="url", raw="https://fr.linkedin.com/in/Alan-Turing/")
        header = "Prénom,Nom,Téléphone,LinkedIn"
        job = import_file(
            self.alice,
            csv_file(
                "Grace,Hopper,06.11.22.33.44,",
                "Alan,Turing,,linkedin.com/in/alan-turing",
                header=header,
            ),
        )
        self.assertEqual((job.result["created"], job.result["merged"]), (0, 2))
        self.assertEqual(self.names(), ["Alan Turing", "Grace Hopper"])

    def test_a_person_twice_in_one_file_becomes_one_contact_with_every_value(self) -> None:
        job = import_file(
            self.alice,
            csv_file(
                "Ada,Lovelace,ada@example.org,,,",
                "Ada,Lovelace,ada@example.org,06 11 22 33 44,Analytical Engines,Maths",
            ),
        )
        self.assertEqual((job.result["created"], job.result["merged"]), (1, 1))
        ada = Contact.objects.owned_by(self.alice).get()
        self.assertEqual(ada.organisation, "Analytical Engines")
        self.assertEqual(ada.points.count(), 2)
        self.assertEqual(list(ada.tags.values_list("name", flat=True)), ["Maths"])

    def test_rows_in_different_batches_still_find_each_other(self) -> None:
        rows = [f"P{i},Q{i},p{i}@example.org,,," for i in range(5)]
        rows.append("P0,Q0,p0@example.org,06 11 22 33 44,Late Org,")
        job = import_file(self.alice, csv_file(*rows), batch_size=2)
        self.assertEqual((job.result["created"], job.result["merged"]), (5, 1))
        p0 = Contact.objects.owned_by(self.alice).get(given_name="P0")
        self.assertEqual(p0.organisation, "Late Org")
        self.assertEqual(p0.points.count(), 2)

    def test_a_shared_landline_does_not_merge_two_people(self) -> None:
        pierre = make_contact(
            self.alice, "Pierre Martin", given_name="Pierre", family_name="Martin"
        )
        pierre.points.create(kind="phone", raw="01 42 00 00 00")
        job = import_file(self.alice, csv_file("Sophie,Martin,,01 42 00 00 00,,"))
        self.assertEqual((job.result["created"], job.result["merged"]), (1, 0))
        self.assertEqual(self.names(), ["Pierre Martin", "Sophie Martin"])

    def test_a_binned_contact_is_not_merged_into(self) -> None:
        gone = make_contact(self.alice, "Ada", deleted_at=timezone.now())
        gone.points.create(kind="email", raw="ada@example.org")
        job = import_file(self.alice, csv_file("Ada,Lovelace,ada@example.org,,,"))
        self.assertEqual(job.result["created"], 1)

    def test_another_members_contacts_are_never_matched(self) -> None:
        bobs = make_contact(self.bob, "Ada")
        bobs.points.create(kind="email", raw="ada@example.org")
        import_file(self.alice, csv_file("Ada,Lovelace,ada@example.org,,,"))
        self.assertEqual(self.names(), ["Ada Lovelace"])
        self.assertEqual(bobs.points.count(), 1)

    def test_a_row_without_email_phone_or_profile_matches_by_name_and_organisation(self) -> None:
        make_contact(
            self.alice,
            "Nadia Benali",
            given_name="Nadia",
            family_name="Benali",
            organisation="Airbus",
        )
        job = import_file(
            self.alice,
            csv_file("NADIA,Benali,,,Airbus,", "Nadia,Benali,,,Thales,", "Nadia,Benali,,,,"),
        )
        # Same organisation: the same person; another organisation or none: a new contact
        # for the member to review (a fuzzy duplicate).
        self.assertEqual((job.result["created"], job.result["merged"]), (2, 1))

    def test_tags_match_the_members_whatever_their_case(self) -> None:
        make_tag(self.alice, "Équipe")
        import_file(self.alice, csv_file("Ada,Lovelace,,,,équipe; VIP", "Bob,B,,,,vip"))
        self.assertEqual(
            sorted(Tag.objects.filter(owner=self.alice).values_list("name", flat=True)),
            ["VIP", "Équipe"],
        )
        ada = Contact.objects.owned_by(self.alice).get(given_name="Ada")
        self.assertEqual(sorted(ada.tags.values_list("name", flat=True)), ["VIP", "Équipe"])

    def test_values_longer_than_their_columns_are_cut_not_refused(self) -> None:
        job = import_file(self.alice, csv_file(f"Ada,Lovelace,,,{'x' * 500},{'t' * 90}"))
        self.assertEqual(job.status, ImportJob.Status.DONE, job.error)
        ada = Contact.objects.owned_by(self.alice).get()
        self.assertEqual(len(ada.organisation), 200)
        self.assertEqual(len(ada.tags.get().name), 60)


class PhotoTests(ActionsTestCase):
    def test_a_photo_joins_a_merged_contact_that_has_none(self) -> None:
        elodie = make_contact(self.alice, "Élodie", given_name="Élodie")
        elodie.points.create(kind="email", raw="elodie.leveque@example.fr")
        job = import_file(self.alice, sample("android_21.vcf"), "android_21.vcf")
        self.assertGreaterEqual(job.result["merged"], 1)
        self.assertTrue(ContactPhoto.objects.filter(contact=elodie).exists())

    def test_a_photo_too_big_is_left_out_with_a_warning(self) -> None:
        with mock.patch.object(ContactPhoto, "MAX_BYTES", 10):
            job = import_file(self.alice, sample("android_21.vcf"), "android_21.vcf")
        self.assertFalse(ContactPhoto.objects.exists())
        self.assertIn("larger than", job.result["warnings"][0]["message"])
        self.assertEqual(job.result["created"], 3)


class BatchTests(ActionsTestCase):
    def test_each_batch_makes_the_same_number_of_queries_whatever_its_rows(self) -> None:
        # The second batch merges one row into the member's contacts, the third three.
        for i in (25, 41, 45, 52):
            contact = make_contact(self.alice, f"Row {i}", given_name=f"Row{i}")
            contact.points.create(kind="email", raw=f"row{i}@example.org")
        rows = [
            f"Row{i},Family{i},row{i}@example.org,06 00 00 00 {i:02d},Org,tag{i % 3}"
            for i in range(60)
        ]
        counts: list[int] = []
        with CaptureQueriesContext(connection) as queries:

            def progress(rows: int) -> None:
                counts.append(len(queries.captured_queries))

            job = import_file(self.alice, csv_file(*rows), batch_size=20, progress=progress)
        self.assertEqual(job.result["merged"], 4)
        # The first batch's count holds the upload and the preview: compare the next two.
        second, third = counts[1] - counts[0], counts[2] - counts[1]
        self.assertEqual(len(counts), 3)
        self.assertEqual(second, third)
        self.assertLess(second, 20)  # never a query per row

    def test_progress_is_written_on_the_job_batch_by_batch(self) -> None:
        seen: list[int] = []
        job = start(self.alice, csv_file(*(f"P{i},Q,,,," for i in range(5))))

        def progress(rows: int) -> None:
            seen.append(ImportJob.objects.get(pk=job.pk).rows_done)

        actions.run_import(job, batch_size=2, progress=progress)
        self.assertEqual(seen, [2, 4, 5])

    def test_reindex_runs_once_over_the_contacts_that_changed(self) -> None:
        ada = make_contact(self.alice, "Ada", given_name="Ada")
        ada.points.create(kind="email", raw="ada@example.org")
        same = make_contact(self.alice, "Alan", given_name="Alan", family_name="T")
        same.points.create(kind="email", raw="alan@example.org")
        with mock.patch.object(
            search, "reindex_contacts", wraps=search.reindex_contacts
        ) as reindex:
            import_file(
                self.alice,
                csv_file(
                    "Ada,Lovelace,ada@example.org,,,",
                    "Alan,T,alan@example.org,,,",
                    "Grace,Hopper,grace@example.org,,,",
                ),
                batch_size=1,
            )
        reindex.assert_called_once()
        grace = Contact.objects.owned_by(self.alice).get(given_name="Grace")
        # Alan's row brought nothing new: nothing to index again.
        self.assertEqual(set(reindex.call_args.args[0]), {ada.pk, grace.pk})

    def test_imported_contacts_are_found_by_search(self) -> None:
        import_file(self.alice, sample("linkedin_connections.csv"), "Connections.csv")
        results = search.search(self.alice, "Doctolib")
        self.assertEqual([hit.contact.display_name for hit in results.hits], ["Élodie Bernard"])


class InterruptionTests(ActionsTestCase):
    def interrupt(self, data: bytes, batches: int = 2, batch_size: int = 2) -> ImportJob:
        job = start(self.alice, data)
        with self.assertRaises(Interrupted):
            actions.run_import(job, batch_size=batch_size, progress=stop_after(batches))
        job.refresh_from_db()
        return job

    def test_an_import_interrupted_mid_way_is_rolled_back_when_a_worker_starts(self) -> None:
        ada = make_contact(self.alice, "Ada", given_name="Ada")
        ada.points.create(kind="email", raw="ada@example.org")
        job = self.interrupt(
            csv_file(
                "Ada,Lovelace,ada@example.org,06 11 22 33 44,,x",
                *(f"P{i},Q,,,," for i in range(6)),
            )
        )
        self.assertEqual(job.status, ImportJob.Status.RUNNING)
        self.assertEqual(Contact.objects.filter(owner=self.alice, pending=True).count(), 3)
        self.assertTrue(ContactPoint.objects.filter(contact=ada, pending=True).exists())
        # Its worker is alive (this very thread): nothing to recover yet.
        self.assertEqual(actions.recover_interrupted(), [])
        ImportJob.objects.filter(pk=job.pk).update(runner=dead_runner())
        self.assertEqual(actions.recover_interrupted(), [job.pk])
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.FAILED)
        self.assertIn("interrupted", job.error)
        self.assertEqual(self.names(), ["Ada"])
        self.assertFalse(Contact.objects.filter(pending=True).exists())
        self.assertEqual(list(ada.points.values_list("value", flat=True)), ["ada@example.org"])
        self.assertFalse(ImportChange.objects.exists())
        # The member may try again: the file is still there.
        self.assertTrue(job.can_confirm)
        self.assertTrue(actions.confirm_import(job))
        actions.run_import(job)
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.DONE)
        self.assertEqual(len(self.names()), 7)

    def test_a_worker_on_another_machine_is_given_up_on_when_it_stops_writing(self) -> None:
        job = self.interrupt(csv_file(*(f"P{i},Q,,,," for i in range(6))))
        ImportJob.objects.filter(pk=job.pk).update(runner="elsewhere:12:34")
        self.assertEqual(actions.recover_interrupted(), [])
        later = timezone.now() + actions.STALE_AFTER + dt.timedelta(seconds=1)
        self.assertEqual(actions.recover_interrupted(now=later), [job.pk])
        self.assertFalse(Contact.objects.filter(owner=self.alice).exists())

    def test_an_import_interrupted_after_its_last_batch_is_completed_instead(self) -> None:
        job = start(self.alice, csv_file("Ada,Lovelace,,,,x", "Bob,B,,,,"))
        with (
            mock.patch.object(actions, "finish", side_effect=Interrupted),
            self.assertRaises(Interrupted),
        ):
            actions.run_import(job)
        job.refresh_from_db()
        self.assertIsNotNone(job.committed_at)
        self.assertEqual(self.names(), [])
        ImportJob.objects.filter(pk=job.pk).update(runner=dead_runner())
        actions.recover_interrupted()
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.DONE)
        self.assertEqual(self.names(), ["Ada Lovelace", "Bob B"])
        self.assertEqual(Tag.objects.get(owner=self.alice).name, "x")

    def test_an_error_while_writing_rolls_back_at_once_and_says_so(self) -> None:
        job = start(self.alice, csv_file(*(f"P{i},Q,,,," for i in range(6))))
        original = actions.Importer._write
        calls = {"n": 0}

        def failing(importer: actions.Importer, plan: Any) -> None:
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("disk full")
            original(importer, plan)

        with (
            mock.patch.object(actions.Importer, "_write", failing),
            self.assertLogs("entregent.imports.actions", "ERROR"),
        ):
            job = actions.run_import(job, batch_size=2)
        self.assertEqual(job.status, ImportJob.Status.FAILED)
        self.assertEqual(job.error, "Something went wrong while importing; nothing was kept.")
        self.assertFalse(Contact.objects.filter(owner=self.alice).exists())

    def test_a_job_already_taken_is_not_run_twice(self) -> None:
        job = start(self.alice, csv_file("Ada,Lovelace,,,,"))
        actions.run_import(job)
        again = actions.run_import(job)
        self.assertEqual(again.status, ImportJob.Status.DONE)
        self.assertEqual(self.names(), ["Ada Lovelace"])


class UndoTests(ActionsTestCase):
    def undo(self, job: ImportJob) -> dict[str, Any]:
        self.assertTrue(actions.start_undo(job))
        job = actions.undo_import(job)
        self.assertEqual(job.status, ImportJob.Status.UNDONE)
        undo: dict[str, Any] = job.result["undo"]
        return undo

    def test_undo_takes_back_values_added_to_the_members_contacts(self) -> None:
        ada = make_contact(self.alice, "Ada", given_name="Ada")
        ada.points.create(kind="email", raw="ada@example.org")
        make_tag(self.alice, "Maths")
        job = import_file(
            self.alice,
            csv_file("Ada,Lovelace,ada@example.org,06 11 22 33 44,Engines,Maths; Poetry"),
        )
        ada.refresh_from_db()
        self.assertEqual(ada.organisation, "Engines")
        undo = self.undo(job)
        ada.refresh_from_db()
        self.assertEqual((ada.family_name, ada.organisation), ("", ""))
        self.assertEqual(list(ada.points.values_list("value", flat=True)), ["ada@example.org"])
        self.assertFalse(ada.tags.exists())
        # The member's own tag stays; the one the import created goes.
        self.assertEqual(list(Tag.objects.values_list("name", flat=True)), ["Maths"])
        self.assertEqual(undo["fields_cleared"], 2)
        self.assertEqual(undo["points_removed"], 1)
        self.assertEqual(undo["kept"], [])

    def test_undo_keeps_what_the_member_changed_since_and_lists_it(self) -> None:
        ada = make_contact(self.alice, "Ada", given_name="Ada")
        ada.points.create(kind="email", raw="ada@example.org")
        job = import_file(
            self.alice,
            csv_file(
                "Ada,Lovelace,ada@example.org,06 11 22 33 44,Engines,",
                "Grace,Hopper,grace@example.org,,,",
                "Alan,Turing,alan@example.org,,,",
                "Edsger,Dijkstra,ed@example.org,,,",
            ),
        )
        grace = Contact.objects.get(given_name="Grace")
        grace.headline = "Admiral"
        grace.save()  # edited after the import
        alan = Contact.objects.get(given_name="Alan")
        log_interaction(self.alice, [alan], timezone.localdate(), "Coffee")
        phone = ada.points.get(kind="phone")
        phone.raw = "+33 6 11 22 33 55"
        phone.save()
        Contact.objects.filter(pk=ada.pk).update(organisation="Engines Ltd")
        undo = self.undo(job)
        self.assertEqual(self.names(), ["Ada", "Alan Turing", "Grace Hopper"])
        reasons = sorted((k["name"], k["reason"]) for k in undo["kept"])
        self.assertEqual(
            reasons,
            [
                ("Ada", "field-edited"),
                ("Ada", "point-edited"),
                ("Alan Turing", "interactions"),
                ("Grace Hopper", "edited"),
            ],
        )
        ada.refresh_from_db()
        self.assertEqual(ada.organisation, "Engines Ltd")
        self.assertEqual(ada.family_name, "")  # not touched since: emptied again
        self.assertEqual(undo["removed"], 1)

    def test_an_undo_interrupted_is_finished_by_recovery(self) -> None:
        job = import_file(self.alice, csv_file(*(f"P{i},Q,,,," for i in range(4))))
        self.assertTrue(actions.start_undo(job))
        ImportJob.objects.filter(pk=job.pk).update(
            runner=dead_runner(), heartbeat_at=timezone.now()
        )
        self.assertEqual(actions.recover_interrupted(), [job.pk])
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.UNDONE)
        self.assertEqual(self.names(), [])

    def test_only_a_finished_import_can_be_undone(self) -> None:
        job = start(self.alice, csv_file("Ada,Lovelace,,,,"))
        self.assertFalse(actions.start_undo(job))


class HousekeepingTests(ActionsTestCase):
    def test_uploads_never_imported_are_deleted_after_a_week(self) -> None:
        old = actions.create_job(self.alice, csv_file("Ada,L,,,,"), "old.csv")
        ImportJob.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - dt.timedelta(days=8)
        )
        fresh = actions.create_job(self.alice, csv_file("Ada,L,,,,"), "fresh.csv")
        done = import_file(self.alice, csv_file("Ada,L,,,,"))
        ImportJob.objects.filter(pk=done.pk).update(
            created_at=timezone.now() - dt.timedelta(days=8)
        )
        self.assertEqual(actions.discard_stale_uploads(), 1)
        self.assertEqual(set(ImportJob.objects.values_list("pk", flat=True)), {fresh.pk, done.pk})

    def test_the_export_leaves_the_file_out_and_erasure_takes_everything(self) -> None:
        job = import_file(self.alice, csv_file("Ada,Lovelace,,,,"))
        exported = registry.export_user_data(self.alice)
        row = exported["imports.ImportJob"][0]["fields"]
        self.assertNotIn("data", row)
        self.assertEqual(row["sha256"], job.sha256)
        self.assertEqual(len(exported["imports.ImportChange"]), 1)
        registry.erase_user(self.alice)
        self.assertFalse(ImportJob.objects.exists())
        self.assertFalse(ImportChange.objects.exists())

    def test_the_preview_counts_possible_duplicates_without_merging_them(self) -> None:
        make_contact(
            self.alice, "Jean-Pierre Dupont", given_name="Jean-Pierre", family_name="Dupont"
        )
        job = actions.create_job(
            self.alice, csv_file("Jean-Pierre,Dupond,,,,", "Marie,Curie,,,,"), "c.csv"
        )
        actions.preview_import(job)
        self.assertEqual(job.preview["counts"]["possible_duplicates"], 1)
        self.assertEqual(job.preview["counts"]["created"], 2)
