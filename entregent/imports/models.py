"""An import of a contact file, and what it changed, so that it can be finished, rolled back or
undone.

An `ImportJob` holds the uploaded file until it is imported, its preview and its result. Each
row it wrote to the member's network leaves an `ImportChange`: one per contact created or merged
into, and one per value it added to an existing contact (a point, a tag, a field filled, a
photo). The write layer is ``imports/actions.py``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def owned_by(self, user: Any) -> ImportJobQuerySet:
        """The member's imports, without the uploaded bytes (fetch those only to parse)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user).defer("data")

    def in_progress(self) -> ImportJobQuerySet:
        """Imports writing to or removing from a network right now (or waiting to)."""
        return self.filter(status__in=(ImportJob.Status.RUNNING, ImportJob.Status.UNDOING))


class ImportJob(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        PREVIEWING = "previewing", _("Reading the file")
        READY = "ready", _("Ready to import")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        UNDOING = "undoing", _("Undoing")
        UNDONE = "undone", _("Undone")

    class Format(models.TextChoices):
        LINKEDIN = "linkedin", _("LinkedIn connections (CSV)")
        GOOGLE = "google", _("Google Contacts (CSV)")
        OUTLOOK = "outlook", _("Outlook or Thunderbird (CSV)")
        VCARD = "vcard", _("vCard (.vcf)")
        CSV = "csv", _("Other spreadsheet (CSV)")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    file_name = models.CharField(_("file name"), max_length=255)
    # The format the file is read as: detected from its content unless the member chose one.
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    format_chosen = models.BooleanField(default=False)
    # Generic CSV only: our field -> the column the member chose (csv.FIELDS); None: the guess.
    mapping = models.JSONField(null=True, blank=True)
    # The file itself, kept in the database (private, transactional, erased with the member)
    # until the import is done; emptied then, as nothing needs it any more.
    data = models.BinaryField(editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    # Why it failed, in words the member can act on.
    error = models.TextField(blank=True)
    # "host:pid" of the worker running it, and when it last wrote: a running import whose worker
    # is gone is rolled back by recover_interrupted(), not left pending for ever.
    runner = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Every batch is written: past this point an interruption finishes the import instead of
    # rolling it back (some of its contacts may already be visible).
    committed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="importjob_owner_created"),
            models.Index(fields=["owner", "sha256"], name="importjob_owner_sha256"),
            # recover_interrupted() looks for these on every worker start.
            models.Index(
                fields=["status"],
                name="importjob_in_progress",
                condition=Q(status__in=["previewing", "running", "undoing"]),
            ),
        ]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        if self.status in (self.Status.RUNNING, self.Status.UNDOING):
            return reverse("imports:progress", args=[self.pk])
        if self.status in (self.Status.DONE, self.Status.UNDONE):
            return reverse("imports:result", args=[self.pk])
        return reverse("imports:preview", args=[self.pk])

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))

    @property
    def can_confirm(self) -> bool:
        # A failed import can be tried again once its file has been read.
        return bool(self.preview) and (
            self.status == self.Status.READY
            or (self.status == self.Status.FAILED and bool(self.preview.get("counts")))
        )

    @property
    def can_undo(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_generic_csv(self) -> bool:
        return self.format == self.Format.CSV


class ImportChange(models.Model):
    """One thing an import did to the member's network, to roll it back or undo it.

    A contact it created (``CREATED``: undo deletes it unless the member changed it since) or a
    row it merged into an existing contact (``MERGED``); and, on an existing contact, each value
    it added: a contact point (``POINT``, created pending), a tag (``TAG``, linked when the
    import completes), a field it filled (``FIELD``, applied when the import completes, with
    ``value`` the value written), a photo (``PHOTO``). ``NEW_TAG`` is a tag the import created.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("contact created")
        MERGED = "merged", _("merged into a contact")
        POINT = "point", _("contact point added")
        TAG = "tag", _("tag added")
        NEW_TAG = "new_tag", _("tag created")
        FIELD = "field", _("field filled")
        PHOTO = "photo", _("photo added")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The file's line that brought it, for the result page.
    line = models.PositiveIntegerField(null=True, blank=True)
    contact = models.ForeignKey(
        "network.Contact",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_changes",
    )
    point = models.ForeignKey(
        "network.ContactPoint", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    tag = models.ForeignKey(
        "network.Tag", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # TAG: the name to link when the import completes (the tag may not exist before then).
    tag_name = models.CharField(max_length=60, blank=True)
    # FIELD: the contact's field; MERGED: what matched ("email", "phone", "linkedin", "name").
    field = models.CharField(max_length=40, blank=True)
    # FIELD: the value written; POINT: the text added, to tell whether the member edited it.
    value = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["job", "kind"], name="importchange_job_kind")]
        verbose_name = _("import change")
        verbose_name_plural = _("import changes")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (import {self.job_id}, line {self.line})"
