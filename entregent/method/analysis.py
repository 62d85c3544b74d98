"""The opinion analysis of a version's votes, computed by the worker and cached per version
(``OpinionAnalysis``), so that the synthesis workspace reads it and never computes it.

- ``matrix(version)``: the version's statements (suggestions and criticisms not trashed) and
  every vote on them, members as "u<pk>", imported participants as "i<pk>". Votes whose voter
  erased their account stay in the comments' counts but have no row to go in.
- ``signature(version)``: what the votes and statements are now, in two aggregate queries;
  the cached analysis is stale when its signature differs (a vote cast or changed, a
  statement posted, trashed or restored, a voter erased).
- ``state()``, ``request_refresh()``, ``refresh()``: what the pages and the worker call (the
  contract is in ``opinions.Analysis.to_json()`` and ``docs/opinions.md``).

The scheduler's ``method.refresh_opinions`` job (``jobs.py``) refreshes every stale analysis
of the versions in discussion every few minutes; a page that finds its analysis stale asks
for it sooner with ``request_refresh()``.
"""

from __future__ import annotations

import time
from functools import partial
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from entregent.method.models import Comment, OpinionAnalysis, StepVersion, Vote

if TYPE_CHECKING:
    from entregent.method.opinions import VoteMatrix

# Bumped when the analysis changes, so that every cached one is computed again.
ALGORITHM = "1"
# Versions whose votes and moderation can still change, or that are being synthesised.
ANALYSED_STATES = (
    StepVersion.State.OPEN,
    StepVersion.State.SYNTHESIS,
    StepVersion.State.VALIDATED,
)
# A page asks the worker at most this often per version (seconds); the worker clears it.
REFRESH_REQUEST_TTL = 120

CHOICE_VALUES: dict[str, int] = {
    Vote.Choice.AGREE: 1,
    Vote.Choice.DISAGREE: -1,
    Vote.Choice.PASS: 0,
}


def statements(version: StepVersion | int) -> QuerySet[Comment]:
    """The statements analysed: the version's suggestions and criticisms, not trashed."""
    return Comment.objects.filter(version=version, kind__in=Comment.VOTABLE_KINDS).exclude(
        status=Comment.Status.TRASHED
    )


def matrix(version: StepVersion | int) -> VoteMatrix:
    # Imported here: numpy loads in the worker that computes, not in every web process.
    from entregent.method import opinions

    statement_ids = list(statements(version).values_list("pk", flat=True))
    rows = (
        Vote.objects.filter(comment__in=statements(version))
        .filter(Q(voter__isnull=False) | Q(participant__isnull=False))
        .values_list("comment_id", "voter_id", "participant_id", "choice")
    )
    return opinions.VoteMatrix.from_votes(
        (
            (f"u{voter}" if voter is not None else f"i{participant}", comment, CHOICE_VALUES[c])
            for comment, voter, participant, c in rows.iterator(chunk_size=5000)
        ),
        statement_ids,
    )


def signature(version: StepVersion | int) -> str:
    """What the analysis depends on, cheaply: the statements (count and sum of ids, which a
    trash or a restore changes) and the votes (count, linked to whom, latest change)."""
    s = statements(version).aggregate(n=Count("pk"), ids=Sum("pk"))
    v = Vote.objects.filter(comment__in=statements(version)).aggregate(
        n=Count("pk"),
        members=Count("voter"),
        imported=Count("participant"),
        last=Max("updated_at"),
    )
    last = int(v["last"].timestamp() * 1_000_000) if v["last"] else 0
    return f"{ALGORITHM}:{s['n']}:{s['ids'] or 0}:{v['n']}:{v['members']}:{v['imported']}:{last}"


def state(version: StepVersion) -> tuple[OpinionAnalysis | None, bool]:
    """The cached analysis of ``version`` (None if never computed) and whether it is stale."""
    cached = OpinionAnalysis.objects.filter(version=version).first()
    return cached, cached is None or cached.signature != signature(version)


def _request_key(version_id: int) -> str:
    return f"method:opinions-refresh:{version_id}"


def request_refresh(version: StepVersion) -> None:
    """Ask the worker to refresh ``version``'s analysis, once per ``REFRESH_REQUEST_TTL``
    however many pages ask (the cache is shared by every process); never computes here."""
    if cache.add(_request_key(version.pk), True, timeout=REFRESH_REQUEST_TTL):
        from entregent.method.tasks import refresh_opinion_analysis

        transaction.on_commit(partial(refresh_opinion_analysis.enqueue, version.pk))


def refresh(version_id: int) -> OpinionAnalysis:
    """Compute ``version_id``'s analysis now and store it."""
    # The signature first: a vote cast during the computation leaves it stale, to be redone.
    current = signature(version_id)
    started = time.perf_counter()
    from entregent.method import opinions

    result = opinions.analyse(matrix(version_id)).to_json()
    duration_ms = round((time.perf_counter() - started) * 1000)
    fields = {
        "signature": current,
        "result": result,
        "computed_at": timezone.now(),
        "duration_ms": duration_ms,
    }
    try:
        with transaction.atomic():
            analysis, _ = OpinionAnalysis.objects.update_or_create(
                version_id=version_id, defaults=fields
            )
    except IntegrityError:
        # Another worker stored its first analysis at the same moment: ours replaces it.
        analysis, _ = OpinionAnalysis.objects.update_or_create(
            version_id=version_id, defaults=fields
        )
    cache.delete(_request_key(version_id))
    return analysis


def refresh_if_stale(version_id: int) -> bool:
    """Refresh ``version_id``'s analysis unless it is fresh; answer whether it was computed
    (not for a version deleted since it was asked for)."""
    if not StepVersion.objects.filter(pk=version_id).exists():
        return False
    cached = OpinionAnalysis.objects.filter(version_id=version_id).values_list(
        "signature", flat=True
    )
    if list(cached) == [signature(version_id)]:
        cache.delete(_request_key(version_id))
        return False
    refresh(version_id)
    return True


def refresh_stale() -> int:
    """Refresh every stale analysis of the versions in discussion (the scheduler's job):
    those that have statements; answer how many were computed."""
    versions = (
        StepVersion.objects.filter(state__in=ANALYSED_STATES)
        .filter(comments__kind__in=Comment.VOTABLE_KINDS)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(refresh_if_stale(pk) for pk in versions)
