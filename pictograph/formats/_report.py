"""What a conversion did: counts per annotation type and every lossy or skipped item, with its reason and file.

Readers and writers append to a :class:`Notes` collector while they stream; :func:`pictograph.formats.convert`
freezes it into a :class:`ConversionReport`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

import attrs

__all__ = ["ConversionReport", "Issue", "Notes"]

IssueKind = Literal["skipped", "lossy", "normalized"]


@attrs.frozen(slots=True)
class Issue:
    """One skipped item or one lossy or normalising step.

    ``stage`` is ``read`` or ``write``; ``kind`` is ``skipped`` (the item is not in the output), ``lossy`` (it
    is, with less information) or ``normalized`` (it is, reshaped without loss); ``item_type`` the annotation
    type (or the source format's own type name, such as ``ellipse``); ``file`` and ``location`` where it was;
    ``count`` how many items of one image it stands for (writers group identical steps per image).
    """

    stage: str
    kind: IssueKind
    reason: str
    file: str | None = None
    location: str | None = None
    item_type: str | None = None
    count: int = 1

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


class Notes:
    """Mutable collector used while reading and writing (internal; see :class:`ConversionReport`)."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []
        self.read_counts: Counter[str] = Counter()
        self.written_counts: Counter[str] = Counter()
        self.images_read = 0
        self.images_written = 0

    def add(self, stage: str, kind: IssueKind, reason: str, file: str | None = None,
            location: str | None = None, item_type: str | None = None) -> None:
        self.issues.append(Issue(stage, kind, reason, file, location, item_type))

    def tally(self, stage: str, file: str, counts: dict[tuple[IssueKind, str, str], int]) -> None:
        """Record per-image grouped issues: ``{(kind, reason, item type): count}``."""
        for (kind, reason, item_type), n in counts.items():
            self.issues.append(Issue(stage, kind, reason, file, f"{n} annotation(s)", item_type, n))

    def skip(self, stage: str, reason: str, file: str | None = None, location: str | None = None,
             item_type: str | None = None) -> None:
        self.issues.append(Issue(stage, "skipped", reason, file, location, item_type))

    def lossy(self, stage: str, reason: str, file: str | None = None, location: str | None = None,
              item_type: str | None = None) -> None:
        self.issues.append(Issue(stage, "lossy", reason, file, location, item_type))


@attrs.frozen(slots=True)
class ConversionReport:
    """The outcome of :func:`pictograph.formats.convert`.

    ``read_counts`` / ``written_counts`` map an annotation type to how many were read from the source and
    written to the destination; ``issues`` lists every skipped item and lossy step.  ``summary()`` groups the
    issues by (stage, kind, reason) with counts; ``to_dict()`` is the JSON form the CLI prints with ``--json``.
    """

    source: str
    destination: str
    from_format: str
    to_format: str
    images_read: int
    images_written: int
    read_counts: dict[str, int]
    written_counts: dict[str, int]
    issues: tuple[Issue, ...]

    def count(self, kind: str, item_type: str | None = None, stage: str | None = None) -> int:
        """How many items were ``skipped`` / ``lossy`` / ``normalized`` (optionally of one type or stage)."""
        return sum(i.count for i in self.issues
                   if i.kind == kind and (item_type is None or i.item_type == item_type)
                   and (stage is None or i.stage == stage))

    @property
    def skipped(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.kind == "skipped")

    @property
    def lossy(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.kind == "lossy")

    def summary(self) -> list[dict[str, Any]]:
        """Issues grouped by stage, kind, item type and reason, with a count and up to 3 example files."""
        groups: dict[tuple[str, str, str, str], list[Issue]] = {}
        for issue in self.issues:
            key = (issue.stage, issue.kind, issue.item_type or "", issue.reason)
            groups.setdefault(key, []).append(issue)
        out = []
        for (stage, kind, item_type, reason), items in groups.items():
            files = list(dict.fromkeys(i.file for i in items if i.file))
            out.append({"stage": stage, "kind": kind, "item_type": item_type or None, "reason": reason,
                        "count": sum(i.count for i in items), "files": files[:3]})
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "destination": self.destination,
            "from_format": self.from_format,
            "to_format": self.to_format,
            "images_read": self.images_read,
            "images_written": self.images_written,
            "read_counts": dict(self.read_counts),
            "written_counts": dict(self.written_counts),
            "summary": self.summary(),
            "issues": [i.to_dict() for i in self.issues],
        }

    @classmethod
    def from_notes(cls, notes: Notes, *, source: str, destination: str, from_format: str,
                   to_format: str) -> ConversionReport:
        return cls(source, destination, from_format, to_format, notes.images_read, notes.images_written,
                   dict(notes.read_counts), dict(notes.written_counts), tuple(notes.issues))
