"""Calendar arithmetic that the database layers should not have to do."""

from __future__ import annotations

import calendar
import datetime as dt


def months_before(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` calendar months back (forward when negative).

    The day of the month is clamped: one month before 31 March is 28 or 29 February.
    """
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))
