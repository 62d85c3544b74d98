"""How often a member may post comments: at most ``METHOD_COMMENTS_PER_10_MINUTES`` in any
ten minutes.

The times of the member's recent posts live in Django's cache (the database cache by default,
Redis when configured), so every web process counts the same posts. A sliding window rather
than fixed ten-minute slots: a member who posted ten times at 10:09 cannot post ten more at
10:10, and the message can say exactly when the next post will be accepted.

Two members' posts never share a key; one member posting from two tabs at the same instant
may slip one post past the limit (a read then a write, not a transaction), which a limit
against floods can afford.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

WINDOW = dt.timedelta(minutes=10)


def _key(user_id: int) -> str:
    return f"method:comment-times:{user_id}"


def _recent(user_id: int, now: dt.datetime) -> list[float]:
    since = (now - WINDOW).timestamp()
    times = cache.get(_key(user_id)) or []
    return [t for t in times if t > since]


def next_post_allowed_at(user_id: int, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the member may post again, or None if they may post now."""
    now = now or timezone.now()
    limit = settings.METHOD_COMMENTS_PER_10_MINUTES
    if limit <= 0:
        return None
    recent = _recent(user_id, now)
    if len(recent) < limit:
        return None
    # The oldest post of the window that must leave it for one more to fit.
    oldest = sorted(recent)[len(recent) - limit]
    return dt.datetime.fromtimestamp(oldest, tz=dt.UTC) + WINDOW


def record_post(user_id: int, now: dt.datetime | None = None) -> None:
    """Count one post, made now."""
    now = now or timezone.now()
    recent = _recent(user_id, now)
    recent.append(now.timestamp())
    cache.set(_key(user_id), recent, timeout=int(WINDOW.total_seconds()) + 1)
