"""Every ``§`` citation in the code and the docs names a page of this repository and a section that page has.

Code comments cite the reference pages as ``docs/wire-protocol.md §3.3`` or ``docs/formats-notes.md §2.2, C6``;
a bare ``§4.4`` means the page cited last above it in the same file, and in a page of ``docs/`` a bare ``§`` means
that page itself. Checking every citation keeps them from pointing at documents a maintainer does not have, and
makes renumbering a section fail here, naming each comment to update, instead of leaving them wrong.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
THIS = Path(__file__).resolve()

# Where citations live: the code, its scripts, tests and benchmarks, and the prose around them.
TREES = ["pictograph", "scripts", "tests", "bench", "examples"]
TOP_FILES = ["README.md", "CONTRIBUTING.md", "openapi.yaml", "Makefile", "pyproject.toml"]
SUFFIXES = {".py", ".md", ".yaml", ".yml", ".jinja", ".sh", ".toml", ""}

SECTION = r"§\d+(?:\.\d+)*"
# A page named, then a run of sections: "docs/wire-protocol.md §1.6–§1.8", "formats-notes.md §1.1, §2.1".
CITATION = re.compile(rf"(?P<page>(?:docs/)?[\w-]+\.md)\)?\s+(?P<run>{SECTION}(?:\s*(?:[–,-]|and|or)\s*{SECTION})*)")
SECTION_NUMBER = re.compile(r"§(\d+(?:\.\d+)*)")
HEADING = re.compile(r"^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s", re.M)
# Names of documents that lived outside the repository; the pages of docs/ replaced them.
STALE = re.compile(r"api[ -]reference|formats[ -]notes(?!\.md)|notes §|/work/shared", re.I)
CONVENTION = re.compile(r"\b(C\d{1,2}|P-[A-Z]\d)\b")


def scanned_files() -> list[Path]:
    """The text files whose citations are checked (virtual environments and tool folders left out)."""
    found = [ROOT / name for name in TOP_FILES if (ROOT / name).exists()]
    found += sorted(DOCS.glob("*.md"))
    for tree in TREES:
        for path in sorted((ROOT / tree).rglob("*")):
            parts = path.relative_to(ROOT).parts
            if any(p.startswith(".") or p in {"node_modules", "__pycache__", "golden"} for p in parts):
                continue
            if path.is_file() and path.suffix in SUFFIXES and path.resolve() != THIS:
                found.append(path)
    return found


def resolve(page: str) -> Path:
    """The file a cited page name stands for: ``docs/x.md`` and ``x.md`` are pages of ``docs/`` when one exists."""
    name = page.removeprefix("docs/")
    return DOCS / name if (DOCS / name).exists() else ROOT / page


@cache
def sections_of(page: Path) -> frozenset[str]:
    return frozenset(HEADING.findall(page.read_text(encoding="utf-8")))


def citations(path: Path, text: str) -> list[tuple[int, Path | None, str]]:
    """(line, cited page or ``None`` when the file names none, section number) of every ``§`` in ``text``."""
    named: dict[int, Path] = {}  # offset of a section token -> the page its citation names
    for m in CITATION.finditer(text):
        cited = resolve(m.group("page"))
        for s in SECTION_NUMBER.finditer(m.group("run")):
            named[m.start("run") + s.start()] = cited
    is_doc_page = path.parent == DOCS
    out: list[tuple[int, Path | None, str]] = []
    last: Path | None = None
    for s in SECTION_NUMBER.finditer(text):
        page: Path | None = named.get(s.start())
        if page is None:
            page = path if is_doc_page else last
        elif not is_doc_page:
            last = page
        out.append((text.count("\n", 0, s.start()) + 1, page, s.group(1)))
    return out


FILES = scanned_files()


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


def test_the_reference_pages_exist_with_numbered_sections() -> None:
    for name in ("wire-protocol.md", "formats-notes.md"):
        numbers = sections_of(DOCS / name)
        assert {"1", "1.1", "2", "4"} <= numbers, name
    assert {"1.5", "1.12", "2.3", "3.3", "4.4", "5.2", "6.3", "8", "8.10"} <= sections_of(DOCS / "wire-protocol.md")


def test_every_section_citation_names_an_existing_page_and_section() -> None:
    wrong: list[str] = []
    checked = 0
    for path in FILES:
        text = path.read_text(encoding="utf-8", errors="replace")
        for line, page, number in citations(path, text):
            checked += 1
            if page is None:
                wrong.append(f"{_where(path, line)}: §{number} names no page; write docs/<page>.md §{number}")
            elif not page.exists():
                wrong.append(f"{_where(path, line)}: §{number} cites {page.relative_to(ROOT)}, which does not exist")
            elif number not in sections_of(page):
                wrong.append(f"{_where(path, line)}: {page.relative_to(ROOT)} has no section {number}")
    assert checked > 50, "the scan found almost no citations: has the citation style changed?"
    assert not wrong, "\n".join(wrong)


def test_no_citation_points_at_a_document_outside_the_repository() -> None:
    stale = []
    for path in FILES:
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if STALE.search(line):
                stale.append(f"{_where(path, line=number)}: {line.strip()}")
    assert not stale, "cite docs/wire-protocol.md or docs/formats-notes.md instead:\n" + "\n".join(stale)


def test_conventions_and_pitfalls_cited_by_the_converters_are_defined_in_the_notes() -> None:
    notes = (DOCS / "formats-notes.md").read_text(encoding="utf-8")
    defined = set(re.findall(r"\*\*(C\d{1,2}) —", notes)) | set(re.findall(r"^\| (P-[A-Z]\d) \|", notes, re.M))
    assert len(defined) >= 11 + 20
    missing = [
        f"{_where(path, text.count(chr(10), 0, m.start()) + 1)}: {m.group(1)}"
        for path in sorted((ROOT / "pictograph" / "formats").glob("*.py"))
        for text in [path.read_text(encoding="utf-8")]
        for m in CONVENTION.finditer(text)
        if m.group(1) not in defined
    ]
    assert not missing, "not defined in docs/formats-notes.md:\n" + "\n".join(missing)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see docs/wire-protocol.md §1.6–§1.8 and §1.2", [("wire-protocol.md", "1.6"), ("wire-protocol.md", "1.8"),
                                                         ("wire-protocol.md", "1.2")]),
        ("docs/formats-notes.md §2.2, C6\nlater (§1.3)", [("formats-notes.md", "2.2"), ("formats-notes.md", "1.3")]),
        ("(§4.4) before any page", [(None, "4.4")]),
    ],
)
def test_a_bare_section_belongs_to_the_page_cited_last_above_it(
    text: str, expected: list[tuple[str | None, str]]
) -> None:
    found = [(None if page is None else page.name, number) for _, page, number in citations(ROOT / "x.py", text)]
    assert found == expected


def test_in_a_docs_page_a_bare_section_is_the_page_itself() -> None:
    page = DOCS / "formats-notes.md"
    found = citations(page, "like wire-protocol.md §4.3 allows; see §1.1")
    assert [(p.name if p else None, n) for _, p, n in found] == [("wire-protocol.md", "4.3"), ("formats-notes.md", "1.1")]
