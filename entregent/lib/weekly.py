"""A weekly appointment (a weekday and a wall-clock time in a time zone) as moments in UTC.

The digest is "Monday at 08:00 in Paris": the same wall time every week, whatever the daylight
saving time says, so moments are built from the local date and time each week (never by adding
7 × 24 hours to a UTC moment, which would drift by an hour twice a year).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

UTC = dt.UTC


def zone_named(name: str, default: str = "UTC") -> zoneinfo.ZoneInfo:
    """The zone ``name``, or ``default`` if it is not a zone this system knows."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(default)


def at(day: dt.date, time: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """``time`` on ``day`` in ``zone``, as a moment in UTC.

    A wall time that a DST change skips (02:30 on the night clocks go forward) does not exist;
    zoneinfo reads it with the offset in force before the change, which puts it an hour later
    in real time (03:30): still that morning, never skipped. A wall time that happens twice
    (clocks go back) is its first occurrence (``fold=0``).
    """
    local = dt.datetime.combine(day, time.replace(tzinfo=None)).replace(tzinfo=zone, fold=0)
    return local.astimezone(UTC)


def latest(weekday: int, time: dt.time, zone: zoneinfo.ZoneInfo, now: dt.datetime) -> dt.datetime:
    """The last moment at or before ``now`` that falls on ``weekday`` (0 is Monday) at ``time``."""
    today = now.astimezone(zone).date()
    day = today - dt.timedelta(days=(today.weekday() - weekday) % 7)
    moment = at(day, time, zone)
    if moment > now:
        moment = at(day - dt.timedelta(days=7), time, zone)
    return moment


def following(
    weekday: int, time: dt.time, zone: zoneinfo.ZoneInfo, now: dt.datetime
) -> dt.datetime:
    """The first moment strictly after ``now`` on ``weekday`` at ``time``."""
    today = now.astimezone(zone).date()
    day = today + dt.timedelta(days=(weekday - today.weekday()) % 7)
    moment = at(day, time, zone)
    if moment <= now:
        moment = at(day + dt.timedelta(days=7), time, zone)
    return moment
