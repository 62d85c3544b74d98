"""Applying a validated step in one's own network, and debriefing it.

An adoption is private to its member: the step's checklist copied as their own, the items
they add, what they ticked, the objective it serves, and the date that starts measuring what
it brings. A debrief freezes what their own log measured since then (``measure.py``) beside
the corrections they made, and their text. Only a validated version is applied: one still in
discussion may change, and a superseded one has been replaced by a better one.

Every write that changes what results may publish (a debrief saved or deleted) asks
``releases.consider_release`` once the transaction is committed; the release rules decide
whether anything changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from entregent.method import measure
from entregent.method.models import Adoption, ChecklistItem, Debrief, StepVersion

if TYPE_CHECKING:
    from entregent.accounts.models import User
    from entregent.goals.models import Objective

State = StepVersion.State

# A member's own checklist stays a checklist, not a notebook.
MAX_ITEMS = 100


def why_not_applicable(version: StepVersion) -> str:
    """Why ``version`` cannot be applied, for the member; '' when it can."""
    if version.state == State.VALIDATED:
        return ""
    if version.state == State.SUPERSEDED:
        return _(
            "Version %(number)d of this step was replaced by a newer validated version: "
            "apply that one."
        ) % {"number": version.number}
    if version.state in (State.OPEN, State.SYNTHESIS):
        return _(
            "Version %(number)d of this step is still being discussed: it can be applied once "
            "its facilitators have validated it."
        ) % {"number": version.number}
    return _("Version %(number)d of this step is not published yet.") % {"number": version.number}


def apply(
    owner: User,
    version: StepVersion,
    *,
    adopted_on: dt.date,
    objective: Objective | None = None,
) -> tuple[Adoption, bool]:
    """``owner`` applies ``version`` from ``adopted_on``: the version's checklist becomes
    their own. Returns the adoption and whether it is new (a double click finds the first)."""
    existing = Adoption.objects.filter(owner=owner, version=version).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            adoption = Adoption.objects.create(
                owner=owner, version=version, objective=objective, adopted_on=adopted_on
            )
            texts = [str(text).strip() for text in version.checklist or []]
            ChecklistItem.objects.bulk_create(
                ChecklistItem(adoption=adoption, position=i, text=text[:500], from_step=True)
                for i, text in enumerate(filter(None, texts), start=1)
            )
    except IntegrityError:
        # The same member's other request created it first (adoption_once_per_version).
        return Adoption.objects.get(owner=owner, version=version), False
    return adoption, True


def abandon(adoption: Adoption, on: dt.date | None = None) -> bool:
    """Stop applying it. It still counts in the verdict once its window has ended and its
    member debriefed: giving up is a result too. Returns whether it changed."""
    on = on or timezone.localdate()
    return _set_status(adoption, Adoption.Status.ACTIVE, Adoption.Status.ABANDONED, on)


def resume(adoption: Adoption) -> bool:
    """Apply it again, from the same adoption date (the measurement is not restarted)."""
    return _set_status(adoption, Adoption.Status.ABANDONED, Adoption.Status.ACTIVE, None)


def _set_status(adoption: Adoption, before: str, after: str, on: dt.date | None) -> bool:
    changed = Adoption.objects.filter(pk=adoption.pk, status=before).update(
        status=after, abandoned_on=on, updated_at=timezone.now()
    )
    if changed:
        adoption.status, adoption.abandoned_on = after, on
    return bool(changed)


def tick(item: ChecklistItem, done: bool) -> None:
    """Mark an item done (keeping when it was first done) or not done."""
    rows = ChecklistItem.objects.filter(pk=item.pk)
    if done:
        rows.filter(done_at__isnull=True).update(done_at=timezone.now())
    else:
        rows.update(done_at=None)
    item.refresh_from_db(fields=["done_at"])


def add_item(adoption: Adoption, text: str) -> ChecklistItem:
    """A line of the member's own, after the others."""
    last = adoption.items.aggregate(n=Max("position"))["n"] or 0
    return ChecklistItem.objects.create(adoption=adoption, position=last + 1, text=text)


@dataclass(frozen=True)
class Prefill:
    """What a new debrief starts from: the member's log since the adoption."""

    measured: dict[str, int]
    # The day after the last day of the version's expected window, when it sets one.
    window_end: dt.date | None
    # The verdict's number, once the window has ended (None before, or without expectation).
    window_measured: int | None

    @property
    def window_last_day(self) -> dt.date | None:
        return self.window_end - dt.timedelta(days=1) if self.window_end else None


def prefill(adoption: Adoption, today: dt.date | None = None) -> Prefill:
    """The numbers a debrief written ``today`` is prefilled with. Three queries."""
    today = today or timezone.localdate()
    end = measure.window_end(adoption)
    window = None
    if end is not None and end <= today:
        window = measure.window_count(adoption)
    return Prefill(measure.measure(adoption.owner, adoption.adopted_on, today), end, window)


def save_debrief(debrief: Debrief) -> Debrief:
    with transaction.atomic():
        debrief.save()
        _consider_release_on_commit(debrief.version)
    return debrief


def delete_debrief(debrief: Debrief) -> None:
    with transaction.atomic():
        version = debrief.version
        debrief.delete()
        _consider_release_on_commit(version)


def _consider_release_on_commit(version: StepVersion) -> None:
    # The release rules (at least 5 members, 5 new ones since the last release) decide;
    # asked after the commit, so that they read the debrief as saved.
    from entregent.method import releases

    transaction.on_commit(lambda: releases.consider_release(version))
