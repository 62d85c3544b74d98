"""What applying a step brought a member, measured from their own log (``goals.Outcome``,
``goals.Objective``): the numbers a debrief is prefilled with, and the verdict's number.

Dates are the member's (``timezone.localdate``). A period runs from its first day to its last,
both included; an expectation's window of N days starts on the adoption date and ends N days
later, the day after its last day: a debrief written that day or later can judge it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count

from entregent.goals.models import Objective, Outcome

if TYPE_CHECKING:
    from entregent.accounts.models import User
    from entregent.method.models import Adoption

# The key of "objectives reached" beside the outcome kinds in a debrief's numbers.
OBJECTIVES_REACHED = "objectives_reached"
# Every number a debrief carries, in the order the form shows them.
KEYS: tuple[str, ...] = (*Outcome.Kind.values, OBJECTIVES_REACHED)


def measure(owner: User, first: dt.date, last: dt.date) -> dict[str, int]:
    """``owner``'s outcomes by kind, and objectives reached, from ``first`` to ``last``
    included: every key of ``KEYS``, zeros included. Two queries."""
    counts = dict.fromkeys(KEYS, 0)
    rows = (
        Outcome.objects.owned_by(owner)
        .filter(occurred_on__gte=first, occurred_on__lte=last)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    for kind, n in rows:
        if kind in counts:
            counts[kind] = n
    counts[OBJECTIVES_REACHED] = (
        Objective.objects.owned_by(owner)
        .filter(status=Objective.Status.REACHED, closed_on__gte=first, closed_on__lte=last)
        .count()
    )
    return counts


def window_end(adoption: Adoption) -> dt.date | None:
    """The day after the last day of the version's expected window for this adoption, or
    None when the version sets no window."""
    days = adoption.version.expected_window_days
    if not days:
        return None
    return adoption.adopted_on + dt.timedelta(days=days)


def window_count(adoption: Adoption) -> int | None:
    """Outcomes of the version's expected kind within its expected window from the
    adoption: the verdict's number. None when the version sets no expectation."""
    end = window_end(adoption)
    kind = adoption.version.expected_kind
    if end is None or not kind:
        return None
    return (
        Outcome.objects.owned_by(adoption.owner)
        .filter(kind=kind, occurred_on__gte=adoption.adopted_on, occurred_on__lt=end)
        .count()
    )
