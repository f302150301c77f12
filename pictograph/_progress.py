"""Progress of long transfers, without printing.

The engine talks to a :class:`ProgressReporter`; what it shows is the caller's choice: nothing (the default),
a callback, or a tqdm bar (``pip install 'pictograph[progress]'``) drawn on stderr only when stderr is a
terminal. All calls come from the thread that started the transfer, so reporters need no locking.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

logger = logging.getLogger("pictograph")

FileCallback = Callable[[int, int, str], object]
ByteCallback = Callable[[int, int], object]


@runtime_checkable
class ProgressReporter(Protocol):
    """Receives the progress of one transfer: ``start`` once, ``advance`` any number of times, ``finish`` once."""

    def start(self, total: int | None, *, unit: str, description: str) -> None: ...

    def advance(self, amount: int, item: str | None = None) -> None: ...

    def finish(self) -> None: ...


class NullProgress:
    """Reports nothing."""

    def start(self, total: int | None, *, unit: str, description: str) -> None:
        return None

    def advance(self, amount: int, item: str | None = None) -> None:
        return None

    def finish(self) -> None:
        return None


class _Counter:
    def __init__(self) -> None:
        self.done = 0
        self.total = 0

    def start(self, total: int | None, *, unit: str, description: str) -> None:
        self.done = 0
        self.total = total or 0

    def finish(self) -> None:
        return None


class FileCallbackProgress(_Counter):
    """Calls ``callback(done, total, filename)`` after each file (``datasets.download``'s ``progress``)."""

    def __init__(self, callback: FileCallback) -> None:
        super().__init__()
        self._callback = callback

    def advance(self, amount: int, item: str | None = None) -> None:
        self.done += amount
        self._callback(self.done, self.total, item or "")


class ByteCallbackProgress(_Counter):
    """Calls ``callback(bytes_done, bytes_total)`` as bytes arrive (``exports.download``'s ``progress``);
    ``bytes_total`` is 0 when the size is unknown."""

    def __init__(self, callback: ByteCallback) -> None:
        super().__init__()
        self._callback = callback

    def advance(self, amount: int, item: str | None = None) -> None:
        self.done += amount
        self._callback(self.done, self.total)


class TqdmProgress:
    """A tqdm bar on stderr (needs the ``progress`` extra)."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._bar: Any = None

    def start(self, total: int | None, *, unit: str, description: str) -> None:
        from tqdm.auto import tqdm

        scale = unit == "B"
        self._bar = tqdm(total=total or None, unit=unit, unit_scale=scale, unit_divisor=1024 if scale else 1000,
                         desc=description, file=sys.stderr, leave=True, **self._options)

    def advance(self, amount: int, item: str | None = None) -> None:
        if self._bar is not None:
            self._bar.update(amount)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class Tee:
    """Sends every event to several reporters."""

    def __init__(self, *reporters: ProgressReporter) -> None:
        self._reporters = reporters

    def start(self, total: int | None, *, unit: str, description: str) -> None:
        for r in self._reporters:
            r.start(total, unit=unit, description=description)

    def advance(self, amount: int, item: str | None = None) -> None:
        for r in self._reporters:
            r.advance(amount, item)

    def finish(self) -> None:
        for r in self._reporters:
            r.finish()


def _stderr_is_terminal() -> bool:
    try:
        return bool(sys.stderr is not None and sys.stderr.isatty())
    except (AttributeError, ValueError):
        return False


def terminal_bar() -> ProgressReporter:
    """A tqdm bar when tqdm is installed and stderr is a terminal, else nothing."""
    if not _stderr_is_terminal():
        return NullProgress()
    try:
        import tqdm  # noqa: F401
    except ImportError:
        logger.info("show_progress=True needs tqdm: pip install 'pictograph[progress]'")
        return NullProgress()
    return TqdmProgress()


def reporter_for(progress: object, show_progress: bool, *, per: str = "file") -> ProgressReporter:
    """The reporter for a transfer's ``progress``/``show_progress`` arguments.

    ``progress`` may be ``None``, a :class:`ProgressReporter`, or a callback: ``(done, total, filename)`` for
    file counts (``per="file"``) or ``(bytes_done, bytes_total)`` for bytes (``per="byte"``).
    """
    chosen: list[ProgressReporter] = []
    if isinstance(progress, ProgressReporter):
        chosen.append(progress)
    elif callable(progress):
        chosen.append(FileCallbackProgress(progress) if per == "file" else ByteCallbackProgress(progress))
    elif progress is not None:
        raise ValueError(f"progress must be a callable or a ProgressReporter, got {type(progress).__name__}")
    if show_progress:
        chosen.append(terminal_bar())
    if not chosen:
        return NullProgress()
    return chosen[0] if len(chosen) == 1 else Tee(*chosen)
