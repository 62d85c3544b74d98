"""The import pages, upload to result, with real exports of each kind (tests/data/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import translation

from entregent.accounts.models import User
from entregent.imports import actions
from entregent.imports.models import ImportJob
from entregent.network.models import Contact, ContactPhoto, Tag
from entregent.network.tests.factories import make_contact
from entregent.test import BaseTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

DATA = Path(__file__).parent / "data"
# Tasks queued and never run: a worker that has not picked them up yet.
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
# The worker's tasks run when the request's transaction commits, in the test's process.
IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


@override_settings(TASKS=IMMEDIATE_TASKS)
class FlowTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def upload(self, name: str, fmt: str = "auto", data: bytes | None = None) -> TestResponse:
        file = SimpleUploadedFile(name, sample(name) if data is None else data)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("imports:start"), {"file": file, "format": fmt})
        return response

    def latest(self) -> ImportJob:
        return ImportJob.objects.filter(owner=self.alice).latest("pk")

    def confirm(self, job: ImportJob) -> TestResponse:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("imports:confirm", args=[job.pk]))
        return response

    def import_through_pages(self, name: str, fmt: str = "auto") -> ImportJob:
        response = self.upload(name, fmt)
        job = self.latest()
        self.assertRedirects(response, reverse("imports:preview", args=[job.pk]))
        self.assertEqual(job.status, ImportJob.Status.READY, job.error)
        response = self.confirm(job)
        self.assertRedirects(
            response, reverse("imports:progress", args=[job.pk]), fetch_redirect_response=False
        )
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.DONE, job.error)
        # The progress page sends the member on to the result once the worker is done.
        self.assertRedirects(
            self.client.get(reverse("imports:progress", args=[job.pk])),
            reverse("imports:result", args=[job.pk]),
        )
        return job

    def visible(self) -> list[str]:
        return sorted(Contact.objects.owned_by(self.alice).values_list("display_name", flat=True))


class UploadPageTests(FlowTestCase):
    def test_the_upload_page_offers_a_file_and_a_format(self) -> None:
        response = self.client.get(reverse("imports:start"))
        self.assertContains(response, 'type="file"')
        self.assertContains(response, "Recognise it for me")
        self.assertContains(response, "50.0\xa0MB")

    def test_it_lists_the_members_own_imports_only(self) -> None:
        actions.create_job(self.alice, b"Name\nAda", "alice-list.csv")
        actions.create_job(self.bob, b"Name\nBob", "bob-list.csv")
        response = self.client.get(reverse("imports:start"))
        self.assertContains(response, "alice-list.csv")
        self.assertNotContains(response, "bob-list.csv")

    def test_a_visitor_is_sent_to_log_in(self) -> None:
        self.client.logout()
        response = self.client.get(reverse("imports:start"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("account_login"), response["Location"])


class OversizeTests(FlowTestCase):
    @override_settings(IMPORT_MAX_BYTES=1000)
    def test_a_request_announcing_a_big_body_is_refused_before_it_is_read(self) -> None:
        # The body is a few bytes, the header claims a gigabyte: reading it would fail.
        response = self.client.post(
            reverse("imports:start"),
            {"format": "auto"},
            CONTENT_LENGTH=str(10**9),
        )
        self.assertEqual(response.status_code, 413)
        self.assertContains(
            response,
            "This file is 953.7\xa0MB: files up to 1000\xa0bytes can be imported.",
            1,
            413,
        )
        self.assertFalse(ImportJob.objects.exists())

    @override_settings(IMPORT_MAX_BYTES=1000)
    def test_a_file_over_the_limit_is_refused_with_its_size(self) -> None:
        response = self.upload("big.csv", data=b"Name\n" + b"Ada Lovelace\n" * 100)
        self.assertContains(response, "This file is 1.3\xa0KB", status_code=400)
        self.assertContains(response, "files up to 1000\xa0bytes", status_code=400)
        self.assertFalse(ImportJob.objects.exists())

    def test_an_empty_file_is_refused(self) -> None:
        response = self.client.post(
            reverse("imports:start"), {"file": SimpleUploadedFile("empty.csv", b"")}
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(ImportJob.objects.exists())

    def test_the_limit_defaults_to_50_mb(self) -> None:
        self.assertEqual(actions.max_bytes(), 50 * 1024 * 1024)


class LinkedInFlowTests(FlowTestCase):
    def test_the_preview_shows_counts_and_the_first_rows_as_they_will_be_mapped(self) -> None:
        self.upload("linkedin_connections.csv")
        job = self.latest()
        response = self.client.get(reverse("imports:preview", args=[job.pk]))
        self.assertContains(response, "What the file holds: 13 rows")
        self.assertContains(response, "<strong>11</strong> new contacts", html=False)
        self.assertContains(response, "<strong>2</strong> rows skipped", html=False)
        self.assertContains(response, "Camille Martin")
        # The name splits as its parts say: nothing more to show.
        self.assertNotContains(response, "given name")
        self.assertContains(response, "https://www.linkedin.com/in/camille-martin-7b2a1c")
        self.assertContains(response, '<time datetime="2025-11-22">11/22/2025</time>', html=True)
        self.assertContains(response, "new contact")
        self.assertContains(response, "Import: 11 new contacts")
        # Nothing is written by a preview.
        self.assertEqual(self.visible(), [])

    def test_a_linkedin_export_goes_from_upload_to_result(self) -> None:
        job = self.import_through_pages("linkedin_connections.csv")
        self.assertEqual(job.result["created"], 11)
        self.assertEqual(job.result["skipped"], 2)
        self.assertEqual(len(self.visible()), 11)
        camille = Contact.objects.owned_by(self.alice).get(display_name="Camille Martin")
        self.assertEqual(camille.source, Contact.Source.IMPORT)
        self.assertEqual(str(camille.connected_on), "2025-11-22")
        self.assertEqual(camille.points.get().kind, "linkedin")
        response = self.client.get(reverse("imports:result", args=[job.pk]))
        self.assertContains(response, "What happened to its 13 rows")
        self.assertContains(response, reverse("network:contact-detail", args=[camille.pk]))
        self.assertContains(response, "Line 9</strong>: This member hides their details")
        self.assertContains(response, "Undo this import")
        # The file is gone once imported; its fingerprint stays.
        self.assertEqual(actions.job_data(job), b"")
        self.assertEqual(len(job.sha256), 64)

    def test_importing_the_same_file_again_creates_nothing_and_says_so(self) -> None:
        first = self.import_through_pages("linkedin_connections.csv")
        self.upload("linkedin_connections.csv")
        again = self.latest()
        response = self.client.get(reverse("imports:preview", args=[again.pk]))
        self.assertContains(response, "This file was already imported on")
        self.assertContains(response, reverse("imports:result", args=[first.pk]))
        self.assertContains(response, "<strong>0</strong> new contacts", html=False)
        self.assertContains(response, "completes")
        self.confirm(again)
        again.refresh_from_db()
        self.assertEqual(again.result["created"], 0)
        self.assertEqual(again.result["merged"], 11)
        self.assertEqual(len(self.visible()), 11)
        response = self.client.get(reverse("imports:result", args=[again.pk]))
        self.assertContains(response, "same LinkedIn profile")

    def test_the_2018_export_without_profiles_is_recognised_again_by_name(self) -> None:
        self.import_through_pages("linkedin_connections_2018.csv")
        before = self.visible()
        job = self.import_through_pages("linkedin_connections_2018.csv")
        self.assertEqual(job.result["created"], 0)
        self.assertEqual(self.visible(), before)


class OtherFormatTests(FlowTestCase):
    def test_a_google_export_brings_labels_as_tags_and_every_value(self) -> None:
        job = self.import_through_pages("google_contacts.csv")
        self.assertEqual(job.format, "google")
        camille = Contact.objects.owned_by(self.alice).get(family_name="Martin")
        self.assertEqual(
            sorted(camille.tags.values_list("name", flat=True)), ["Coworkers", "Paris"]
        )
        self.assertEqual(camille.points.count(), 7)
        self.assertEqual((camille.birthday_day, camille.birthday_month), (12, 4))
        self.assertIn("Cam", camille.notes)  # the nickname has no field of its own
        self.assertEqual(camille.job_title, "Cheffe de projet, Transformation digitale")

    def test_an_outlook_desktop_export_in_windows_1252_imports(self) -> None:
        job = self.import_through_pages("outlook_desktop.csv")
        self.assertEqual(job.format, "outlook")
        self.assertIn("Hélène Lefèvre", self.visible())
        helene = Contact.objects.owned_by(self.alice).get(given_name="Hélène")
        self.assertEqual(helene.organisation, "Crédit Agricole")
        self.assertEqual(sorted(helene.tags.values_list("name", flat=True)), ["Clients", "VIP"])

    def test_vcards_bring_their_photos_kept_apart(self) -> None:
        job = self.import_through_pages("android_21.vcf")
        self.assertEqual(job.format, "vcard")
        self.assertEqual(job.result["created"], 3)
        photo = ContactPhoto.objects.get(contact__owner=self.alice)
        self.assertEqual(photo.contact.display_name, "Élodie Lévêque")
        self.assertTrue(bytes(photo.data).startswith(b"\xff\xd8"))  # a JPEG
        self.assertEqual(photo.content_type, "image/jpeg")

    def test_a_broken_vcard_file_names_the_bad_cards_and_their_lines(self) -> None:
        self.upload("broken.vcf")
        job = self.latest()
        response = self.client.get(reverse("imports:preview", args=[job.pk]))
        self.assertContains(response, "Errors (these rows will be left out)")
        self.assertContains(
            response, "<strong>Line 6</strong>: The card “Bruno Sansfin”", html=False
        )
        self.confirm(job)
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.DONE)
        self.assertEqual([e["line"] for e in job.result["errors"]], [6, 14, 26])
        response = self.client.get(reverse("imports:result", args=[job.pk]))
        self.assertContains(response, "Errors (left out)")
        self.assertContains(response, "<strong>Line 6</strong>", html=False)


class GenericCsvTests(FlowTestCase):
    def test_the_preview_of_a_generic_csv_offers_its_columns_for_each_field(self) -> None:
        self.upload("generic_fr.csv")
        job = self.latest()
        self.assertEqual(job.format, "csv")
        response = self.client.get(reverse("imports:preview", args=[job.pk]))
        self.assertContains(response, "Which column holds what")
        self.assertContains(
            response, '<option value="Courriel" selected>Courriel</option>', html=True
        )
        self.assertContains(
            response, '<option value="Code client">Code client</option>', html=True
        )

    def test_changing_the_mapping_reads_the_file_again(self) -> None:
        self.upload("generic_fr.csv")
        job = self.latest()
        mapping = {f"map_{field}": column for field, column in job.preview["mapping"].items()}
        mapping["map_notes"] = ""  # the member leaves the remarks out
        mapping["map_nickname"] = "ignored"  # not a field: ignored
        response = self.client.post(
            reverse("imports:preview", args=[job.pk]), {"format": "auto", **mapping}
        )
        self.assertRedirects(response, reverse("imports:preview", args=[job.pk]))
        job.refresh_from_db()
        self.assertEqual((job.mapping or {})["notes"], "")
        self.assertEqual(job.status, ImportJob.Status.READY)
        self.confirm(job)
        sophie = Contact.objects.owned_by(self.alice).get(given_name="Sophie")
        self.assertEqual(sophie.notes, "")
        self.assertEqual(sophie.location, "Nantes")

    def test_a_file_without_a_name_column_can_be_mapped_by_hand(self) -> None:
        self.upload("generic_no_name.csv")
        job = self.latest()
        self.assertEqual(job.status, ImportJob.Status.FAILED)
        response = self.client.get(reverse("imports:preview", args=[job.pk]))
        self.assertContains(response, "This file could not be read.")
        self.assertContains(response, "No column for a name or an email address")
        self.assertNotContains(response, "Import:")
        response = self.client.post(
            reverse("imports:preview", args=[job.pk]),
            {"format": "auto", "map_display_name": "Code"},
        )
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.READY, job.error)
        self.assertEqual(job.preview["counts"]["created"], 1)

    def test_one_column_cannot_hold_two_fields(self) -> None:
        self.upload("generic_fr.csv")
        job = self.latest()
        response = self.client.post(
            reverse("imports:preview", args=[job.pk]),
            {"format": "auto", "map_email": "Nom", "map_family_name": "Nom"},
        )
        self.assertContains(response, "A column can hold only one field")

    def test_choosing_another_format_reads_the_file_as_that_format(self) -> None:
        self.upload("linkedin_connections.csv")
        job = self.latest()
        self.client.post(reverse("imports:preview", args=[job.pk]), {"format": "vcard"})
        job.refresh_from_db()
        self.assertEqual((job.format, job.format_chosen), ("vcard", True))
        self.assertEqual(job.status, ImportJob.Status.FAILED)
        self.client.post(reverse("imports:preview", args=[job.pk]), {"format": "auto"})
        job.refresh_from_db()
        self.assertEqual((job.format, job.format_chosen, job.status), ("linkedin", False, "ready"))


class BackgroundTests(FlowTestCase):
    @mock.patch.object(actions, "INLINE_PREVIEW_BYTES", 100)
    def test_a_big_file_is_read_by_the_worker_while_the_page_waits(self) -> None:
        file = SimpleUploadedFile("linkedin_connections.csv", sample("linkedin_connections.csv"))
        with override_settings(TASKS=DUMMY_TASKS), self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("imports:start"), {"file": file, "format": "auto"})
        job = self.latest()
        self.assertEqual(job.status, ImportJob.Status.PREVIEWING)
        response = self.client.get(reverse("imports:preview", args=[job.pk]))
        self.assertContains(response, "Reading the file")
        self.assertContains(response, '<meta http-equiv="refresh" content="2">', html=False)
        self.assertContains(response, "Waiting for the background worker")
        status = self.client.get(reverse("imports:status", args=[job.pk])).json()
        self.assertEqual((status["status"], status["next"]), ("previewing", ""))
        from entregent.imports.tasks import preview_import_task

        preview_import_task.call(job.pk)
        status = self.client.get(reverse("imports:status", args=[job.pk])).json()
        self.assertEqual(status["next"], reverse("imports:preview", args=[job.pk]))
        response = self.client.get(reverse("imports:preview", args=[job.pk]))
        self.assertContains(response, "Import: 11 new contacts")

    def test_the_progress_page_has_a_progress_bar_that_works_without_javascript(self) -> None:
        self.upload("linkedin_connections.csv")
        job = self.latest()
        with override_settings(TASKS=DUMMY_TASKS):
            self.confirm(job)
        response = self.client.get(reverse("imports:progress", args=[job.pk]))
        self.assertContains(response, "<progress", html=False)
        self.assertContains(response, '<meta http-equiv="refresh" content="2">', html=False)
        self.assertContains(response, "0 of 13 rows (0 %)")
        self.assertContains(response, "Waiting for the background worker")
        self.assertContains(response, reverse("imports:status", args=[job.pk]))
        status = json.loads(self.client.get(reverse("imports:status", args=[job.pk])).content)
        self.assertEqual(
            status,
            {
                "status": "running",
                "status_label": "Importing",
                "rows_done": 0,
                "rows_total": 13,
                "percent": 0,
                "started": False,
                "finishing": False,
                "next": "",
            },
        )
        # The preview cannot be confirmed twice.
        response = self.client.get(reverse("imports:preview", args=[job.pk]))
        self.assertRedirects(response, reverse("imports:progress", args=[job.pk]))

    def test_a_second_import_waits_for_the_first(self) -> None:
        self.upload("linkedin_connections.csv")
        first = self.latest()
        with override_settings(TASKS=DUMMY_TASKS):
            self.confirm(first)
        self.upload("google_contacts.csv")
        second = self.latest()
        response = self.client.get(reverse("imports:preview", args=[second.pk]))
        self.assertContains(response, "Another of your imports is running")
        response = self.client.post(reverse("imports:confirm", args=[second.pk]), follow=True)
        self.assertContains(response, "Another of your imports is running")
        second.refresh_from_db()
        self.assertEqual(second.status, ImportJob.Status.READY)


class PendingTests(FlowTestCase):
    def test_contacts_of_an_unfinished_import_appear_nowhere(self) -> None:
        existing = make_contact(self.alice, "Camille Martin", given_name="Camille")
        existing.points.create(kind="linkedin", raw="linkedin.com/in/camille-martin-7b2a1c")
        self.upload("google_contacts.csv")
        job = self.latest()
        self.assertTrue(actions.confirm_import(job))

        def stop(rows: int) -> None:
            raise Interrupted

        with self.assertRaises(Interrupted):
            actions.run_import(job, batch_size=2, progress=stop)
        self.assertTrue(Contact.objects.filter(owner=self.alice, pending=True).exists())
        self.assertEqual(self.visible(), ["Camille Martin"])
        response = self.client.get(reverse("network:contact-list"))
        self.assertContains(response, "1 contact")
        self.assertNotContains(response, "Karim")
        response = self.client.get(reverse("network:search"), {"q": "Karim"})
        self.assertNotContains(response, "Benzema")
        # The point the import added to Camille waits too.
        response = self.client.get(reverse("network:contact-detail", args=[existing.pk]))
        self.assertNotContains(response, "camille.martin@example.com")
        response = self.client.get(reverse("network:contact-edit", args=[existing.pk]))
        self.assertNotContains(response, "camille.martin@example.com")


class Interrupted(BaseException):
    """A worker killed mid-import: not an Exception, so nothing catches it."""


class UndoTests(FlowTestCase):
    def test_undo_asks_first_then_removes_what_the_import_brought(self) -> None:
        job = self.import_through_pages("linkedin_connections.csv")
        response = self.client.get(reverse("imports:undo", args=[job.pk]))
        self.assertContains(response, "removes the 11 contacts it created")
        self.assertEqual(len(self.visible()), 11)
        edited = Contact.objects.owned_by(self.alice).get(display_name="Camille Martin")
        edited.notes = "Met her at the conference."
        edited.save()
        response = self.client.post(reverse("imports:undo", args=[job.pk]), follow=True)
        self.assertRedirects(response, reverse("imports:result", args=[job.pk]))
        self.assertContains(response, "The import was undone.")
        self.assertContains(response, "<strong>10</strong> contacts removed", html=False)
        self.assertContains(response, "Kept, because you changed them after the import")
        self.assertContains(response, "Camille Martin")
        self.assertEqual(self.visible(), ["Camille Martin"])
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.UNDONE)
        self.assertNotContains(response, "Undo this import")
        # Undone once is undone.
        response = self.client.post(reverse("imports:undo", args=[job.pk]), follow=True)
        self.assertContains(response, "This import cannot be undone.")

    @mock.patch("entregent.imports.views.UNDO_INLINE_CHANGES", 3)
    def test_a_big_undo_runs_on_the_worker(self) -> None:
        job = self.import_through_pages("linkedin_connections.csv")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("imports:undo", args=[job.pk]))
        self.assertRedirects(
            response, reverse("imports:progress", args=[job.pk]), fetch_redirect_response=False
        )
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.UNDONE)
        self.assertEqual(self.visible(), [])

    def test_tags_the_import_created_go_with_it(self) -> None:
        job = self.import_through_pages("google_contacts.csv")
        self.assertTrue(Tag.objects.filter(owner=self.alice, name="Coworkers").exists())
        self.client.post(reverse("imports:undo", args=[job.pk]))
        self.assertFalse(Tag.objects.filter(owner=self.alice).exists())
        self.assertEqual(self.visible(), [])


class DiscardTests(FlowTestCase):
    def test_a_preview_can_be_cancelled_and_its_file_deleted(self) -> None:
        self.upload("linkedin_connections.csv")
        job = self.latest()
        response = self.client.post(reverse("imports:discard", args=[job.pk]), follow=True)
        self.assertRedirects(response, reverse("imports:start"))
        self.assertContains(response, "The file was deleted; nothing was imported.")
        self.assertFalse(ImportJob.objects.filter(pk=job.pk).exists())

    def test_a_done_import_cannot_be_discarded(self) -> None:
        job = self.import_through_pages("linkedin_connections.csv")
        self.client.post(reverse("imports:discard", args=[job.pk]))
        self.assertTrue(ImportJob.objects.filter(pk=job.pk).exists())


class PrivacyTests(FlowTestCase):
    def test_another_member_gets_a_404_on_every_page_of_an_import(self) -> None:
        job = self.import_through_pages("linkedin_connections.csv")
        self.client.force_login(self.bob)
        names = ("preview", "confirm", "progress", "status", "result", "undo", "discard")
        for name in names:
            url = reverse(f"imports:{name}", args=[job.pk])
            for method in ("get", "post"):
                response: Any = getattr(self.client, method)(url)
                self.assertIn(response.status_code, (404, 405), f"{method} {url}")
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.DONE)
        self.assertEqual(len(self.visible()), 11)


class AdminTests(FlowTestCase):
    def test_an_operator_sees_an_import_without_its_file(self) -> None:
        job = self.import_through_pages("linkedin_connections.csv")
        operator = User.objects.create_superuser("ops@example.org", "x")
        self.client.force_login(operator)
        response = self.client.get(reverse("admin:imports_importjob_changelist"))
        self.assertContains(response, reverse("admin:imports_importjob_change", args=[job.pk]))
        response = self.client.get(reverse("admin:imports_importjob_change", args=[job.pk]))
        self.assertContains(response, job.sha256)
        self.assertNotContains(response, "Camille")


class KeptFieldNamesTests(SimpleTestCase):
    def test_a_kept_field_is_named_as_the_contact_form_names_it(self) -> None:
        from entregent.imports.views import _with_field_names

        undo = {"kept": [{"id": 1, "name": "Ada", "reason": "field-edited", "field": "job_title"}]}
        with translation.override("en"):
            (entry,) = _with_field_names(undo)["kept"]  # type: ignore[index]
            self.assertEqual(entry["field_label"], "Job title")
        with translation.override("fr"):
            (entry,) = _with_field_names(undo)["kept"]  # type: ignore[index]
            self.assertEqual(entry["field_label"], "Poste")
        unknown = {"kept": [{"id": 1, "name": "Ada", "reason": "field-edited", "field": "gone"}]}
        self.assertEqual(_with_field_names(unknown)["kept"][0]["field_label"], "Gone")  # type: ignore[index]
