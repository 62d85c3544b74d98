"""When the worker tries a failed email again: one policy for every email it sends (the weekly
digest, a step's publication to its subscribers).

Attempt n + 1 may start ``RETRY_AFTER[n]`` after the email was made, once attempt n failed;
an email whose task went missing (a worker killed while the queue was written, a queue
emptied by hand) is queued again after ``LOST_AFTER``; past ``GIVE_UP_AFTER`` it is recorded
as failed and never sent: news two days late is no news. The scheduler's job that requeues
them queues one attempt at most once per ``REQUEUE_EVERY``, so that the queue does not fill
with copies while the worker is down.
"""

from __future__ import annotations

import datetime as dt

MAX_ATTEMPTS = 5
RETRY_AFTER = {
    1: dt.timedelta(minutes=15),
    2: dt.timedelta(minutes=45),
    3: dt.timedelta(hours=2),
    4: dt.timedelta(hours=5),
}
LOST_AFTER = dt.timedelta(hours=1)
GIVE_UP_AFTER = dt.timedelta(days=2)
REQUEUE_EVERY = dt.timedelta(hours=1)
# Errors are kept for operators (the admin), cut to this length.
ERROR_MAX_CHARS = 2_000
# For operators, like every recorded error: not translated.
TOO_LATE = "Not sent in time: no worker ran it within two days."


def retry_due(
    *,
    sent: bool,
    pending: bool,
    attempts: int,
    made_at: dt.datetime,
    due_at: dt.datetime,
    now: dt.datetime,
) -> bool:
    """Whether another attempt at an email should be queued now.

    ``made_at``: when its row was written (the retries count from it); ``due_at``: when it
    was meant to go out (the two days of ``GIVE_UP_AFTER`` count from it).
    """
    if sent or attempts >= MAX_ATTEMPTS or now - due_at > GIVE_UP_AFTER:
        return False
    if attempts == 0 or pending:
        # Queued and never started, or started by a worker that died before recording how it
        # went: either way its task is gone once this much time has passed.
        return now - made_at >= LOST_AFTER + RETRY_AFTER.get(attempts, dt.timedelta())
    return now - made_at >= RETRY_AFTER[attempts]
