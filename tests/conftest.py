"""Checks that apply to every test."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

#: The name of a sync client's transfer thread (pictograph/_transfers/_threaded.py).
TRANSFER_THREAD = "pictograph-transfers"


def _transfer_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == TRANSFER_THREAD}


@pytest.fixture(autouse=True)
def _no_transfer_thread_left_running() -> Iterator[None]:
    """A test that leaves a client's transfer thread running fails here, by name, instead of making a later test
    on the same worker (one that counts those threads) fail at random."""
    before = _transfer_threads()
    yield
    left = _transfer_threads() - before
    assert not left, f"the test left {len(left)} transfer thread(s) running: close the clients it makes"
