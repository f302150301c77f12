"""How many API requests one call spent of the organization's hourly budget (docs/wire-protocol.md §1.11).

The transports count each request they send (retries included) into the counter of the current context; a
transfer job opens :func:`counting_requests` around its work, and every task it starts inherits the counter, so
the count is the job's own however many other calls share the client.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

#: The counter of the current job, if one is counting.
REQUESTS_SENT: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("requests_sent", default=None)


@contextmanager
def counting_requests() -> Iterator[list[int]]:
    """Count the API requests sent inside the block (by this task and the tasks it starts) in ``counter[0]``.

    Blocks nest: an enclosing block's count includes the inner block's.
    """
    parent = REQUESTS_SENT.get()
    counter = [0]
    token = REQUESTS_SENT.set(counter)
    try:
        yield counter
    finally:
        REQUESTS_SENT.reset(token)
        if parent is not None:
            parent[0] += counter[0]
