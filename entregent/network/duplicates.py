"""Possible duplicates among a member's contacts, for the review page and ``manage.py dedupe``.

The finder itself (``entregent.network.dedupe``) is a pure function over records; this module
turns the member's live contacts into records, leaves out the pairs the member said are
different people, and caches the result under a version of the member's contacts, so that the
page only computes again after a write.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from entregent.network.models import Contact, ContactPoint, DuplicateDecision

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from entregent.accounts.models import User

# The finder's reason codes, in words.
REASON_LABELS: dict[str, _StrPromise] = {
    "same-email": _("same email address"),
    "same-phone": _("same phone number"),
    "same-linkedin": _("same LinkedIn profile"),
    "same-name": _("same name"),
    "similar-name": _("similar names"),
    "transposed-name": _("given and family names swapped"),
    "nickname": _("a nickname of the same first name"),
    "initial": _("an initial that fits the name"),
    "same-organisation": _("same organisation"),
    "same-birthday": _("same birthday"),
    "similar-birthday": _("nearly the same birthday"),
    "same-address": _("same address"),
    "same-locality": _("same town or postcode"),
    "similar-email": _("similar email addresses"),
}

# Bump when what a record holds changes, so that cached results are computed again.
_RECORDS_VERSION = 1
CACHE_SECONDS = 24 * 3600
QUEUED_SECONDS = 5 * 60
# Above this many contacts the computation goes to the worker rather than holding up the page:
# it takes about 0.06 s per thousand contacts (0.58 s at 10,000).
SYNC_LIMIT = 3000
_POSTCODE = re.compile(r"\b\d{5}\b")


def finder() -> ModuleType:
    """The duplicate finder, imported when first needed: its tables take a moment to build."""
    from entregent.network import dedupe

    return dedupe


@dataclass(frozen=True)
class Pair:
    first: int  # the smaller contact id
    second: int
    score: float
    reasons: tuple[str, ...]

    def reason_labels(self) -> list[str]:
        return [str(REASON_LABELS.get(code, code)) for code in self.reasons]


def contact_records(owner: User) -> list[Any]:
    """The member's live contacts as the finder's records, in two queries."""
    Record = finder().Record
    live = Contact.objects.owned_by(owner)
    points: dict[int, dict[str, list[str]]] = {}
    for contact_id, kind, value in (
        ContactPoint.objects.filter(contact__in=live, pending=False)
        .order_by("contact_id", "position", "pk")
        .values_list("contact_id", "kind", "value")
    ):
        points.setdefault(contact_id, {}).setdefault(kind, []).append(value)
    records = []
    for pk, given, family, display, organisation, location, day, month, year in live.order_by(
        "pk"
    ).values_list(
        "pk",
        "given_name",
        "family_name",
        "display_name",
        "organisation",
        "location",
        "birthday_day",
        "birthday_month",
        "birthday_year",
    ):
        own = points.get(pk, {})
        address = (own.get("address") or [""])[0]
        postcode = _POSTCODE.search(address)
        records.append(
            Record(
                id=pk,
                given_name=given,
                family_name=family,
                # A name split in two says more than the display name, which may be a nickname.
                display_name="" if (given or family) else display,
                organisation=organisation,
                emails=tuple(own.get("email", ())),
                phones=tuple(own.get("phone", ())),
                linkedin=tuple(own.get("linkedin", ())),
                address=address,
                postcode=postcode[0] if postcode else "",
                city=location.split(",")[0].strip(),
                birthday=(year, month, day) if (day or month or year) else None,
            )
        )
    return records


def decided_pairs(owner: User) -> set[tuple[int, int]]:
    """Pairs the member said are different people."""
    return set(DuplicateDecision.objects.filter(owner=owner).values_list("first_id", "second_id"))


def compute_pairs(owner: User, threshold: float | None = None) -> list[Pair]:
    dedupe = finder()
    candidates = dedupe.find_candidates(
        contact_records(owner),
        ignore=decided_pairs(owner),
        threshold=dedupe.REVIEW_THRESHOLD if threshold is None else threshold,
    )
    return [Pair(c.a, c.b, c.score, tuple(c.reasons)) for c in candidates]


def version(owner: User) -> str:
    """Changes whenever a write could change the candidates: a contact added, edited, binned,
    merged or imported, a contact point added or removed, a pair decided.

    Three aggregate queries over indexed columns, far cheaper than computing again.
    """
    live = Contact.objects.owned_by(owner)
    parts = (
        _RECORDS_VERSION,
        live.aggregate(n=Count("pk"), top=Max("pk"), edited=Max("updated_at")),
        ContactPoint.objects.filter(contact__in=live, pending=False).aggregate(
            n=Count("pk"), top=Max("pk")
        ),
        DuplicateDecision.objects.filter(owner=owner).aggregate(n=Count("pk"), top=Max("pk")),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


def _key(owner_id: int) -> str:
    return f"network:duplicates:{owner_id}"


def _rows(pairs: list[Pair]) -> list[tuple[int, int, float, tuple[str, ...]]]:
    return [(p.first, p.second, p.score, p.reasons) for p in pairs]


def cached_pairs(owner: User) -> list[Pair] | None:
    """The pairs computed for the member's contacts as they are now, or None if not yet."""
    found = cache.get(_key(owner.pk))
    if found is None or found["version"] != version(owner):
        return None
    return [Pair(*row) for row in found["rows"]]


def refresh(owner: User) -> list[Pair]:
    current = version(owner)
    pairs = compute_pairs(owner)
    cache.set(_key(owner.pk), {"version": current, "rows": _rows(pairs)}, CACHE_SECONDS)
    return pairs


@dataclass
class Found:
    pairs: list[Pair]
    # True while the worker computes: ``pairs`` are then those of before the latest changes
    # (a merge, an edit), or none the first time; the page says so.
    computing: bool = False


def find(owner: User, *, background: bool = True) -> Found:
    """The member's candidate pairs: cached, computed now for a small network, or the last ones
    known while the worker computes for a large one."""
    found = cache.get(_key(owner.pk))
    current = version(owner)
    if found is not None and found["version"] == current:
        return Found([Pair(*row) for row in found["rows"]])
    if not background or Contact.objects.owned_by(owner).count() <= SYNC_LIMIT:
        return Found(refresh(owner))
    # Once per version: reloading the page while it computes queues nothing more. Queued again
    # after a while, in case the worker lost it (stopped, crashed).
    if cache.add(f"network:duplicates-queued:{owner.pk}:{current}", True, QUEUED_SECONDS):
        compute_duplicates.enqueue(owner.pk)
        latest = cache.get(_key(owner.pk))
        if latest is not None and latest["version"] == current:
            return Found([Pair(*row) for row in latest["rows"]])  # an immediate backend
    stale = [Pair(*row) for row in found["rows"]] if found is not None else []
    return Found(stale, computing=True)


@task()
def compute_duplicates(owner_id: int) -> int:
    """Compute and cache a member's candidate pairs (a large network's, off the request)."""
    from entregent.accounts.models import User

    owner = User.objects.filter(pk=owner_id).first()
    if owner is None:
        return 0
    return len(refresh(owner))


def pairs_with(owner: User, contact: Contact) -> list[Pair]:
    """Candidate pairs that include this contact, as last computed (never computed here: the
    contact page must stay fast)."""
    found = cache.get(_key(owner.pk))
    rows = found["rows"] if found is not None else ()
    return [Pair(*row) for row in rows if contact.pk in (row[0], row[1])]
