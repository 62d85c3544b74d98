"""A member's private map of their network.

Everything here belongs to one member (its owner) and is reached only through owner-scoped
querysets (``Contact.objects.owned_by(user)``) and the fetching helpers in ``network/views.py``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Max, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from entregent.lib.dates import months_before

if TYPE_CHECKING:
    from entregent.accounts.models import User


class Cadence(models.IntegerChoices):
    """How often to keep in touch, in months; NEVER switches reminders off."""

    NEVER = 0, _("Never")
    MONTHLY = 1, _("Every month")
    QUARTERLY = 3, _("Every 3 months")
    HALF_YEARLY = 6, _("Every 6 months")
    YEARLY = 12, _("Every year")


# When a contact has no cadence of its own, the tie strength suggests one. Computed, never
# stored, so that a cadence the member chose stays distinguishable from a default.
CADENCE_FROM_STRENGTH: dict[int | None, int] = {
    5: Cadence.MONTHLY,
    4: Cadence.QUARTERLY,
    3: Cadence.HALF_YEARLY,
    2: Cadence.YEARLY,
    1: Cadence.YEARLY,
    None: Cadence.YEARLY,
}


class TagQuerySet(models.QuerySet["Tag"]):
    def owned_by(self, user: User | Any) -> TagQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user)

    def with_contact_counts(self) -> TagQuerySet:
        """Each tag with how many of the member's live contacts carry it."""
        return self.annotate(
            contact_count=models.Count("contacts", filter=Q(contacts__deleted_at__isnull=True))
        )


class Tag(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=60)
    # Keep in touch with everyone carrying this tag at least this often (months; 0 is never).
    # A contact's own cadence wins; otherwise the shortest of its tags' cadences applies.
    cadence = models.PositiveSmallIntegerField(
        _("keep in touch"),
        choices=Cadence.choices,
        null=True,
        blank=True,
        help_text=_("Empty: the tag sets no cadence."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="tag_unique_name_per_owner")
        ]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


def schedule_for(reference: dt.date, cadence: int) -> tuple[dt.date | None, dt.date | None]:
    """When a contact last seen (or added) on ``reference`` becomes due, and dormant.

    Due once one full cadence has passed (inclusive); dormant once more than two have (the day
    after two cadences). "Never" (0) is neither. Months are calendar months, the day clamped
    to the month's end (31 January + 1 month is 28 or 29 February).
    """
    if cadence == Cadence.NEVER:
        return None, None
    due_on = months_before(reference, -cadence)
    dormant_on = months_before(reference, -2 * cadence) + dt.timedelta(days=1)
    return due_on, dormant_on


@dataclass(frozen=True)
class CadenceChoice:
    """A contact's effective cadence and where it comes from, for the rules and for display.

    ``source`` is "own" (the contact's own choice), "tag" (``tag`` names it) or "strength"
    (the default from the tie strength).
    """

    months: int
    source: str
    tag: str = ""

    def __str__(self) -> str:
        return f"tag {self.tag}" if self.source == "tag" else self.source


def choose_cadence(
    own: int | None, tags: Iterable[tuple[str, int | None]], tie_strength: int | None
) -> CadenceChoice:
    """The keep-in-touch rules, as a pure function of a contact's inputs.

    The contact's own cadence wins, "never" included. Otherwise the shortest cadence among its
    tags (``(name, cadence)`` pairs; a tag without a cadence sets none), ties going to the
    first name. A tag's "never" only applies when no tag asks for a real cadence: a tag says
    how often its group calls for news at least, and "this group alone needs no reminder"
    must not silence a client tag the same person also wears. It still beats the default from
    the tie strength, which applies only when nothing was chosen at all.
    """
    if own is not None:
        return CadenceChoice(own, "own")
    chosen = [(months, name.casefold(), name) for name, months in tags if months is not None]
    if chosen:
        positive = [c for c in chosen if c[0] != Cadence.NEVER]
        months, _folded, name = min(positive or chosen)
        return CadenceChoice(months, "tag", name)
    return CadenceChoice(CADENCE_FROM_STRENGTH.get(tie_strength, Cadence.YEARLY), "strength")


def schedule_reference(
    last_interaction_on: dt.date | None,
    connected_on: dt.date | None,
    created_at: dt.datetime,
    time_zone: str,
) -> dt.date:
    """The day a contact's cadence counts from: the last interaction (whatever its date: a
    back-dated one counts at its date), else when the connection started as an import told
    it, else the day the contact was added, in its owner's time zone."""
    if last_interaction_on is not None:
        return last_interaction_on
    if connected_on is not None:
        return connected_on
    return timezone.localdate(created_at, _zone(time_zone))


def _zone(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


# How many contacts refresh_schedule() reads and writes per round trip: SQLite takes at most
# 999 parameters in a statement, and bulk_update() spends four per row on two fields.
SCHEDULE_BATCH = 240


class ContactQuerySet(models.QuerySet["Contact"]):
    def owned_by(self, user: User | Any) -> ContactQuerySet:
        """The member's contacts, bin excluded. The only way views reach contacts."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user, pending=False, deleted_at__isnull=True)

    def in_bin(self, user: User | Any) -> ContactQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user, pending=False, deleted_at__isnull=False)

    def active(self) -> ContactQuerySet:
        return self.filter(archived_at__isnull=True)

    def archived(self) -> ContactQuerySet:
        return self.filter(archived_at__isnull=False)

    def with_status(self, status: str) -> ContactQuerySet:
        """The lists' status filter: "due", "dormant", "archived", "all"; active otherwise."""
        if status == "due":
            return self.due()
        if status == "dormant":
            return self.dormant()
        if status == "archived":
            return self.archived()
        if status == "all":
            return self
        return self.active()

    def due(self, today: dt.date | None = None) -> ContactQuerySet:
        """Time to get in touch: one full cadence has passed since the last interaction (or
        since the connection or the creation). Dormant contacts are due too."""
        return self.active().filter(due_on__lte=today or timezone.localdate())

    def dormant(self, today: dt.date | None = None) -> ContactQuerySet:
        """Drifting away: more than two cadences have passed."""
        return self.active().filter(dormant_on__lte=today or timezone.localdate())

    def refresh_last_interaction(self) -> int:
        latest = (
            Interaction.objects.filter(contacts=OuterRef("pk"))
            .order_by()
            .values("contacts")
            .annotate(latest=Max("occurred_on"))
            .values("latest")
        )
        return self.update(last_interaction_on=Subquery(latest))

    def refresh_schedule(self, *, dry_run: bool = False) -> int:
        """Recompute ``due_on`` and ``dormant_on`` of these contacts; returns how many changed
        (or would have, with ``dry_run``).

        What bulk writers call after writing contacts, tags, tag links or interactions (which
        send no signals), once ``refresh_last_interaction()`` has run. Three queries per
        batch of SCHEDULE_BATCH contacts whatever the network's size: the contacts, their
        tags' cadences, one UPDATE of the rows that changed. ``updated_at`` is left alone:
        the dates are derived, and an import's undo reads ``updated_at`` as the member's edits.
        """
        ids = list(self.order_by().values_list("pk", flat=True))
        changed = 0
        for start in range(0, len(ids), SCHEDULE_BATCH):
            schedules = _refresh_schedules(ids[start : start + SCHEDULE_BATCH], write=not dry_run)
            changed += sum(1 for due, dormant, was in schedules.values() if (due, dormant) != was)
        return changed


_Schedule = tuple[dt.date | None, dt.date | None]

# Contact fields the schedule depends on, besides its tags (which signals follow).
SCHEDULE_INPUTS = frozenset(
    ("cadence", "tie_strength", "last_interaction_on", "connected_on", "created_at", "owner")
) | {"owner_id"}


def _refresh_schedules(
    ids: list[int], write: bool = True
) -> dict[int, tuple[dt.date | None, dt.date | None, _Schedule]]:
    """Recompute and store these contacts' due and dormant dates in three queries.

    Returns, for each contact, its new dates and the ones it had.
    """
    tags: dict[int, list[tuple[str, int | None]]] = defaultdict(list)
    for contact_id, name, months in Contact.tags.through.objects.filter(
        contact_id__in=ids, tag__cadence__isnull=False
    ).values_list("contact_id", "tag__name", "tag__cadence"):
        tags[contact_id].append((name, months))
    rows = Contact._base_manager.filter(pk__in=ids).values_list(
        "pk",
        "cadence",
        "tie_strength",
        "last_interaction_on",
        "connected_on",
        "created_at",
        "owner__time_zone",
        "due_on",
        "dormant_on",
    )
    schedules = {}
    stale = []
    for pk, own, strength, last, connected, created, zone, due_on, dormant_on in rows:
        months = choose_cadence(own, tags[pk], strength).months
        reference = schedule_reference(last, connected, created, zone)
        schedule = schedule_for(reference, months)
        schedules[pk] = (*schedule, (due_on, dormant_on))
        if schedule != (due_on, dormant_on):
            stale.append(Contact(pk=pk, due_on=schedule[0], dormant_on=schedule[1]))
    if stale and write:
        # bulk_update, not save(): no signals, and updated_at stays the member's last edit.
        Contact._base_manager.bulk_update(stale, ["due_on", "dormant_on"])
    return schedules


class Contact(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", _("Added by hand")
        IMPORT = "import", _("Imported")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    given_name = models.CharField(_("given name"), max_length=150, blank=True)
    family_name = models.CharField(_("family name"), max_length=150, blank=True)
    display_name = models.CharField(
        _("display name"),
        max_length=300,
        help_text=_("How you call them. Built from the names when left empty."),
    )
    headline = models.CharField(
        _("what they do"),
        max_length=300,
        blank=True,
        help_text=_("In their words or yours: “graphic designer for small brands”."),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="contacts", verbose_name=_("tags"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    birthday_day = models.PositiveSmallIntegerField(
        _("birthday (day)"), null=True, blank=True, validators=[MaxValueValidator(31)]
    )
    birthday_month = models.PositiveSmallIntegerField(
        _("birthday (month)"), null=True, blank=True, validators=[MaxValueValidator(12)]
    )
    birthday_year = models.PositiveSmallIntegerField(_("birthday (year)"), null=True, blank=True)

    met_story = models.TextField(_("how we met"), blank=True)
    met_on = models.DateField(_("met on"), null=True, blank=True)
    introduced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="introduced",
        verbose_name=_("introduced by"),
    )

    tie_strength = models.PositiveSmallIntegerField(
        _("tie strength"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1: barely know them, 5: very close."),
    )
    trust_rating = models.PositiveSmallIntegerField(
        _("trust"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    trust_note = models.TextField(
        _("trust note"),
        blank=True,
        help_text=_("What you can count on them for, how reliable they were."),
    )
    trust_noted_on = models.DateField(_("trust noted on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, help_text=_("Markdown."))

    cadence = models.PositiveSmallIntegerField(
        _("keep in touch"),
        choices=Cadence.choices,
        null=True,
        blank=True,
        help_text=_("Empty: from its tags, else from the tie strength."),
    )
    last_interaction_on = models.DateField(_("last interaction"), null=True, blank=True)
    # Denormalised from the cadence rules (own cadence, tags, tie strength) and the reference
    # date (last interaction, else connected on, else creation), so that the queues, the
    # calendar feed and the health figures compare indexed dates. Empty when the effective
    # cadence is "never". Dormant from ``dormant_on`` (inclusive).
    due_on = models.DateField(_("due on"), null=True, blank=True, editable=False)
    dormant_on = models.DateField(_("dormant from"), null=True, blank=True, editable=False)
    # "Not now": the reactivation queue leaves the contact out until this date (exclusive).
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)
    # The pruning review's "keep": the member said they still know this person.
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)

    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    # When the connection started, as an import tells it (LinkedIn's "Connected On"): a contact
    # never met is measured from it rather than from the day it was imported.
    connected_on = models.DateField(_("connected since"), null=True, blank=True)
    # Written by an import that has not finished yet: invisible everywhere until it completes,
    # deleted if it never does.
    pending = models.BooleanField(default=False, editable=False)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("in the bin since"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["display_name", "pk"]
        indexes = [
            models.Index(fields=["owner", "display_name"], name="contact_owner_name"),
            models.Index(fields=["owner", "last_interaction_on"], name="contact_owner_last_seen"),
            models.Index(fields=["owner", "organisation"], name="contact_owner_org"),
            models.Index(fields=["owner", "due_on"], name="contact_owner_due"),
            models.Index(fields=["owner", "dormant_on"], name="contact_owner_dormant"),
            # Counting a member's live contacts reads this index alone.
            models.Index(
                fields=["owner", "pending", "deleted_at", "archived_at"], name="contact_owner_live"
            ),
        ]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.display_name.strip():
            self.display_name = self.build_display_name()
        update_fields = kwargs.get("update_fields")
        if update_fields is None or SCHEDULE_INPUTS.intersection(update_fields):
            # Tags are followed by signals (they change after the save, in save_m2m).
            self.due_on, self.dormant_on = self.compute_schedule()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "due_on", "dormant_on"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("network:contact-detail", args=[self.pk])

    def build_display_name(self) -> str:
        name = " ".join(p for p in (self.given_name.strip(), self.family_name.strip()) if p)
        return name or self.organisation.strip() or str(_("Unnamed contact"))

    @property
    def effective_cadence(self) -> int:
        return self.cadence_choice.months

    @property
    def cadence_choice(self) -> CadenceChoice:
        """The cadence the rules give (``choose_cadence``). Reads prefetched tags when there
        are (``prefetch_related("tags")``), one query otherwise."""
        return choose_cadence(self.cadence, self._tag_cadences(), self.tie_strength)

    @property
    def cadence_source(self) -> str:
        """Where the cadence comes from: "own", "tag <name>" or "strength"."""
        return str(self.cadence_choice)

    def cadence_display(self) -> str:
        """The cadence and where it comes from: "every 3 months, from the tag clients"."""
        choice = self.cadence_choice
        if choice.months == Cadence.NEVER:
            every = gettext("never")
        else:
            every = ngettext("every month", "every %(count)d months", choice.months) % {
                "count": choice.months
            }
        if choice.source == "own":
            return gettext("%(every)s, chosen for this contact") % {"every": every}
        if choice.source == "tag":
            return gettext("%(every)s, from the tag %(tag)s") % {
                "every": every,
                "tag": choice.tag,
            }
        return gettext("%(every)s, from the tie strength") % {"every": every}

    def _tag_cadences(self) -> list[tuple[str, int | None]]:
        if self.pk is None:
            return []
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("tags")
        if prefetched is not None:
            return [(tag.name, tag.cadence) for tag in prefetched]
        return list(self.tags.filter(cadence__isnull=False).values_list("name", "cadence"))

    @property
    def cadence_is_inherited(self) -> bool:
        return self.cadence is None

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def archive(self) -> None:
        """Out of the active network (lists, queues, reminders), kept and restorable."""
        self.archived_at = timezone.now()
        self.save(update_fields=["archived_at", "updated_at"])

    def unarchive(self) -> None:
        self.archived_at = None
        self.save(update_fields=["archived_at", "updated_at"])

    @property
    def in_bin(self) -> bool:
        return self.deleted_at is not None

    def reference_date(self) -> dt.date:
        """The day the cadence counts from (``schedule_reference``)."""
        return self.last_interaction_on or self.connected_on or self._creation_day()

    def _creation_day(self) -> dt.date:
        # Only a contact never met needs it, and with it its owner's time zone.
        return schedule_reference(None, None, self.created_at, self.owner.time_zone)

    def compute_schedule(self) -> tuple[dt.date | None, dt.date | None]:
        """``(due_on, dormant_on)`` from this instance's values and its tags."""
        return schedule_for(self.reference_date(), self.effective_cadence)

    def refresh_schedule(self) -> None:
        """Recompute and store ``due_on`` and ``dormant_on`` from the database's values."""
        due_on, dormant_on, _stored = _refresh_schedules([self.pk])[self.pk]
        self.due_on, self.dormant_on = due_on, dormant_on

    # Status reads the stored dates, as the querysets do, so a list never disagrees with its
    # filter and rows need neither tags nor interactions.

    def next_due_on(self) -> dt.date | None:
        return self.due_on

    def is_due(self, today: dt.date | None = None) -> bool:
        """Due (dormant ones included), as ``ContactQuerySet.due()``."""
        if self.is_archived or self.due_on is None:
            return False
        return self.due_on <= (today or timezone.localdate())

    def is_dormant(self, today: dt.date | None = None) -> bool:
        if self.is_archived or self.dormant_on is None:
            return False
        return self.dormant_on <= (today or timezone.localdate())

    def was_dormant_on(
        self, day: dt.date, excluding_interaction: Interaction | int | None = None
    ) -> bool:
        """Whether the contact was dormant on ``day``, judged from what came before it.

        For telling a reactivation: the reference is the latest interaction before ``day``,
        not counting ``excluding_interaction`` (the one being judged); interactions on ``day``
        itself count as before only when logged earlier than it (a lower id), so that of two
        interactions on one day only the first reactivates. With none, the connection or the
        creation, as for the stored dates: a contact added after ``day`` was not dormant then.
        The current cadence is used (its history is not kept), and archiving is ignored: an
        archived contact one gets back in touch with is reactivated all the same.
        """
        months = self.effective_cadence
        if months == Cadence.NEVER:
            return False
        excluded: int | None = (
            excluding_interaction.pk
            if isinstance(excluding_interaction, Interaction)
            else excluding_interaction
        )
        earlier = Q(occurred_on__lt=day)
        if excluded is not None:
            earlier |= Q(occurred_on=day, pk__lt=excluded)
        before = Interaction.objects.filter(earlier, contacts=self.pk)
        if excluded is not None:
            before = before.exclude(pk=excluded)
        last = before.aggregate(last=Max("occurred_on"))["last"]
        reference = last or self.connected_on or self._creation_day()
        dormant_on = schedule_for(reference, months)[1]
        return dormant_on is not None and dormant_on <= day

    def status(self, today: dt.date | None = None) -> str:
        """What the lists show beside the name: "archived", "dormant", "due" or ""."""
        if self.is_archived:
            return "archived"
        if self.is_dormant(today):
            return "dormant"
        if self.is_due(today):
            return "due"
        return ""

    def birthday_display(self) -> str:
        if not (self.birthday_day and self.birthday_month):
            return ""
        year = self.birthday_year or 2000  # a leap year, so 29 February is valid
        try:
            date = dt.date(year, self.birthday_month, self.birthday_day)
        except ValueError:
            return ""
        from django.utils.formats import date_format

        if self.birthday_year:
            return date_format(date, "DATE_FORMAT")
        return date_format(date, "MONTH_DAY_FORMAT")


class ContactPoint(models.Model):
    """One way to reach a contact: an email, a phone, a web page, a postal address."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        URL = "url", _("Web page")
        LINKEDIN = "linkedin", _("LinkedIn profile")
        ADDRESS = "address", _("Postal address")

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="points")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    label = models.CharField(
        _("label"), max_length=60, blank=True, help_text=_("work, home, mobile…")
    )
    # What the member typed or the import carried, kept as it was.
    raw = models.TextField(_("value"))
    # A comparable form: lower-cased email, E.164 phone, canonical profile URL.
    value = models.TextField(blank=True, db_index=True)
    position = models.PositiveSmallIntegerField(default=0)
    # Added to an existing contact by an import that has not finished yet (see Contact.pending).
    pending = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.raw}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from entregent.lib.contact_points import normalise

        self.kind, self.value = normalise(self.kind, self.raw)
        super().save(*args, **kwargs)

    def href(self) -> str:
        if self.kind == self.Kind.EMAIL:
            return f"mailto:{self.value}"
        if self.kind == self.Kind.PHONE and self.value.startswith("+"):
            return f"tel:{self.value}"
        if self.kind in (self.Kind.URL, self.Kind.LINKEDIN):
            return self.value
        return ""


class ContactPhoto(models.Model):
    """A contact's picture, as an import brought it: kept apart so that lists never load it,
    served only to its owner (``network:contact-photo``)."""

    MAX_BYTES = 2 * 1024 * 1024

    contact = models.OneToOneField(
        Contact, on_delete=models.CASCADE, primary_key=True, related_name="photo"
    )
    data = models.BinaryField()
    content_type = models.CharField(max_length=40)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return f"photo of contact {self.contact_id}"


class InteractionQuerySet(models.QuerySet["Interaction"]):
    def owned_by(self, user: User | Any) -> InteractionQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user)


class Interaction(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", pgettext_lazy("interaction", "Meeting in person")
        CALL = "call", _("Call")
        VIDEO = "video", _("Video call")
        MESSAGE = "message", _("Message")
        EMAIL = "email", _("Email")
        EVENT = "event", _("Event")
        INTRODUCTION = "introduction", _("Introduction")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    occurred_on = models.DateField(_("date"), default=timezone.localdate)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.MEETING)
    contacts = models.ManyToManyField(
        Contact, related_name="interactions", verbose_name=_("contacts")
    )
    summary = models.CharField(_("summary"), max_length=300)
    notes = models.TextField(_("notes"), blank=True, help_text=_("Markdown."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["owner", "-occurred_on"], name="interaction_owner_date")]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")

    def __str__(self) -> str:
        return f"{self.occurred_on}: {self.summary}"

    def get_absolute_url(self) -> str:
        return reverse("network:interaction-edit", args=[self.pk])


class Relationship(models.Model):
    """How two of the member's contacts are linked, to answer "who introduced whom"."""

    class Kind(models.TextChoices):
        KNOWS = "knows", _("knows")
        INTRODUCED = "introduced", _("introduced")
        WORKS_WITH = "works_with", _("works with")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    from_contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="relationships_from"
    )
    to_contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="relationships_to"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.KNOWS)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_contact", "to_contact", "kind"], name="relationship_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_contact=models.F("to_contact")), name="relationship_not_self"
            ),
        ]
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")

    def __str__(self) -> str:
        return f"{self.from_contact} {self.get_kind_display()} {self.to_contact}"


class SearchDocument(models.Model):
    """A contact as the search engines see it: folded words and stems, derived, never edited.

    ``main`` and ``extra`` are what the full-text index holds (SQLite FTS5 through triggers,
    PostgreSQL through a generated tsvector, both created in migration 0002); ``fields`` keeps
    each field's folded words for ranking and explaining matches in Python, identically on both
    databases. Rebuilt by ``entregent.network.search.reindex_contacts``.
    """

    contact = models.OneToOneField(
        Contact, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    # Tokens only this member's documents carry, so the index itself scopes each search: the
    # member and the contact's state, then the same with the tie strength ("o12x o12x5",
    # ``documents.owner_key`` and ``band_key``), at most 20 characters.
    owner_key = models.CharField(max_length=24)
    # The order the engines read matches in, the closest ties first (``documents.rank_key``):
    # SQLite's FTS5 rowid; PostgreSQL reads it a band of tie strength at a time.
    rank_key = models.BigIntegerField(default=0)
    main = models.TextField(blank=True)
    extra = models.TextField(blank=True)
    fields = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return f"search document of contact {self.contact_id}"


class SearchTerm(models.Model):
    """Every word of a member's search documents: where typos and word parts are resolved."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    word = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "word"], name="searchterm_unique_word")
        ]
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self) -> str:
        return self.word


class Merge(models.Model):
    """Two contacts made one: what the merged contact was, to undo it (unmerge).

    ``snapshot`` holds the merged-away contact's fields and, for every relation that pointed at
    it (found generically, so relations added by later apps are covered), the rows moved to the
    kept contact; ``kept_before`` holds the kept contact's fields before the member's choices.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    kept = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="merges")
    merged_name = models.CharField(max_length=300)
    snapshot = models.JSONField(default=dict)
    kept_before = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self) -> str:
        return f"{self.merged_name} merged into {self.kept}"


class DuplicateDecision(models.Model):
    """ "Not the same person": a pair the duplicate finder must not suggest again."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    first = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_decision_unique"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="duplicate_decision_ordered"
            ),
        ]
        verbose_name = _("duplicate decision")
        verbose_name_plural = _("duplicate decisions")

    def __str__(self) -> str:
        return f"{self.first_id} is not {self.second_id}"
