"""The one wait engine for server-side jobs (export builds, connector imports), docs/wire-protocol.md §1.12.

Fetch at once; then a success status returns the job, a failure status raises ``ApiError(code="job_failed")``,
a passed deadline raises ``PollTimeoutError`` carrying the last job (which keeps running on the server), and
anything else sleeps ``poll_interval`` and fetches again. Unknown statuses are non-terminal.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Collection
from typing import TypeVar

from pictograph.errors import ApiError, PollTimeoutError

J = TypeVar("J")


def check_wait_arguments(poll_interval: float, timeout: float) -> None:
    """``ValueError`` for a poll interval or timeout that is not a positive number."""
    for name, value in (("poll_interval", poll_interval), ("timeout", timeout)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a number of seconds greater than 0, got {value!r}")


async def wait_for_job(
    fetch: Callable[[], Awaitable[J]],
    *,
    status_of: Callable[[J], str],
    success: Collection[str],
    failure: Collection[str],
    returned: Collection[str] = (),
    failure_message: Callable[[J], str],
    describe: str,
    poll_interval: float,
    timeout: float,
    sleep: Callable[[float], Awaitable[None]],
    clock: Callable[[], float],
) -> J:
    """Poll ``fetch`` until the job is terminal (see the module docstring)."""
    check_wait_arguments(poll_interval, timeout)
    deadline = clock() + timeout
    while True:
        job = await fetch()
        status = status_of(job)
        if status in success or status in returned:
            return job
        if status in failure:
            raise ApiError(failure_message(job), status_code=None, code="job_failed", response=job)
        if clock() >= deadline:
            raise PollTimeoutError(
                f"{describe} was still {status!r} after {timeout:g} s; it keeps running on the server "
                "(wait again, or fetch it later)",
                job=job,
                timeout=timeout,
            )
        await sleep(poll_interval)
