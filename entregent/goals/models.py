"""What a member aims for and what their networking produced.

- ``Objective``: what the member is looking for (a client, a job...), with the contacts involved.
- ``Outcome``: what happened (a new contact, a reactivation, a meeting, a lead...). Some are
  recorded by hand; others are derived from the network's writes (``goals/signals.py``) and keep
  a link to the contact or interaction that produced them, so that editing or deleting it
  updates them and nothing is counted twice within a kind.
- ``HealthSnapshot``: the network's health on one day, taken daily by the scheduler.
- ``Digest``: one reminder email, scheduled, sent, retried and recorded.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from entregent.network.models import Contact, Interaction


class OwnedQuerySet(models.QuerySet[Any]):
    def owned_by(self, user: Any) -> Any:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user)


class Objective(models.Model):
    class Kind(models.TextChoices):
        CLIENT = "client", _("Find a client")
        JOB = "job", _("Find a job")
        SUPPLIER = "supplier", _("Find a supplier")
        PARTNER = "partner", _("Find a partner or associate")
        HIRE = "hire", _("Find someone to hire or recommend")
        LEARN = "learn", _("Learn")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        REACHED = "reached", _("Reached")
        DROPPED = "dropped", _("Dropped")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CLIENT)
    title = models.CharField(_("title"), max_length=200)
    criteria = models.TextField(
        _("criteria"),
        blank=True,
        help_text=_("In your own words: what would make it a success, who you are looking for."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # Never required: no pressure.
    target_on = models.DateField(_("target date"), null=True, blank=True)
    # When the status last left "open" (reached or dropped), for the report's periods.
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    contacts = models.ManyToManyField(
        Contact, blank=True, related_name="objectives", verbose_name=_("contacts")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["status", "-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "status"], name="objective_owner_status")]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("goals:objective-detail", args=[self.pk])


class Outcome(models.Model):
    class Kind(models.TextChoices):
        NEW_CONTACT = "new_contact", _("New contact")
        REACTIVATION = "reactivation", _("Reactivated contact")
        MEETING = "meeting", _("Meeting")
        PARTNERSHIP = "partnership", _("Partnership")
        LEAD_JOB = "lead_job", _("Lead for a job")
        LEAD_CLIENT = "lead_client", _("Lead for a client")
        LEAD_SUPPLIER = "lead_supplier", _("Lead for a supplier")
        INTRODUCTION = "introduction", _("Introduction or recommendation")
        OTHER = "other", _("Other")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    occurred_on = models.DateField(_("date"), default=timezone.localdate)
    contacts = models.ManyToManyField(
        Contact, blank=True, related_name="outcomes", verbose_name=_("contacts")
    )
    objective = models.ForeignKey(
        Objective,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcomes",
        verbose_name=_("objective"),
    )
    note = models.TextField(_("note"), blank=True)
    # Recorded for the member from the network's writes (editable all the same): the contact
    # added by hand or the interaction that produced it. Deleting the source deletes it.
    source_contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    source_interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["owner", "occurred_on"], name="outcome_owner_date")]
        constraints = [
            # Nothing is counted twice within a kind.
            models.UniqueConstraint(
                fields=["source_contact", "kind"],
                condition=Q(source_contact__isnull=False),
                name="outcome_once_per_contact",
            ),
            models.UniqueConstraint(
                fields=["source_interaction", "kind"],
                condition=Q(source_interaction__isnull=False),
                name="outcome_once_per_interaction",
            ),
        ]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")

    def __str__(self) -> str:
        return f"{self.occurred_on}: {self.get_kind_display()}"

    @property
    def is_derived(self) -> bool:
        return self.source_contact_id is not None or self.source_interaction_id is not None


class HealthSnapshot(models.Model):
    """The network's health on one day; counts, so the report can show its history."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    taken_on = models.DateField(_("day"))
    total = models.PositiveIntegerField(_("contacts"))  # live: active and archived, bin excluded
    known = models.PositiveIntegerField(_("known"))  # active, with what they do
    alive = models.PositiveIntegerField(_("alive"))  # active, within their cadence
    due = models.PositiveIntegerField(_("due"))  # active, due but not dormant
    dormant = models.PositiveIntegerField(_("dormant"))
    archived = models.PositiveIntegerField(_("archived"))

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["taken_on"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "taken_on"], name="snapshot_once_a_day")
        ]
        verbose_name = _("health snapshot")
        verbose_name_plural = _("health snapshots")

    def __str__(self) -> str:
        return f"health on {self.taken_on}"


class Digest(models.Model):
    """One reminder email: enqueued by the scheduler, sent by the worker, retried on failure."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    # The moment it was due, in UTC: one digest per member and moment, however often the
    # scheduler looks.
    scheduled_for = models.DateTimeField(_("scheduled for"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_for", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "scheduled_for"], name="digest_once")
        ]
        verbose_name = _("digest")
        verbose_name_plural = _("digests")

    def __str__(self) -> str:
        return f"digest for {self.scheduled_for:%Y-%m-%d %H:%M}"
