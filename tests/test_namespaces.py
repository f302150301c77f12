"""Public modules show their public API and nothing else (issue 21, point 4).

A module is public when no part of its dotted name starts with an underscore.  The modules are found by walking
the package, so a module added later is checked without editing this file.  For each one: ``__all__`` exists
and names only public objects that resolve, ``dir()`` lists exactly ``__all__`` (plus dunders), and in the
library (outside the CLI) every public-looking name the module defines is in ``__all__`` — PEP 8's rule that
internal names carry a leading underscore even when ``__all__`` is set.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType

import pytest

import pictograph

# Fewer than this means the walk broke (a package failing to import is skipped silently by pkgutil).
_MIN_PUBLIC_MODULES = 25


def _is_public(dotted: str) -> bool:
    return not any(part.startswith("_") for part in dotted.split("."))


def _public_module_names() -> list[str]:
    names = ["pictograph"]
    for info in pkgutil.walk_packages(pictograph.__path__, "pictograph."):
        if _is_public(info.name):
            names.append(info.name)
    return sorted(names)


PUBLIC_MODULES = _public_module_names()
# CLI command modules are public modules too, so the namespace rules hold for them; but their click commands
# (``delete``, ``get``, ...) are reached through the shell, and click derives command names from their Python
# names, so the "every definition exported or private" rule is the library's only.
LIBRARY_MODULES = [name for name in PUBLIC_MODULES if name != "pictograph.cli" and
                   not name.startswith("pictograph.cli.")]


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _module(name: str) -> ModuleType:
    return importlib.import_module(name)


def _public_all(module: ModuleType) -> list[str]:
    names = module.__dict__.get("__all__")
    assert isinstance(names, list | tuple), f"{module.__name__} has no __all__ list"
    return list(names)


def _bound_by(targets: Sequence[ast.expr]) -> Iterator[str]:
    """The names an assignment binds (``x = ...``, ``x, y = ...``), not ``x.attr = ...`` or ``x[i] = ...``."""
    for target in targets:
        if isinstance(target, ast.Name):
            yield target.id
        elif isinstance(target, ast.Tuple | ast.List):
            yield from _bound_by(target.elts)
        elif isinstance(target, ast.Starred):
            yield from _bound_by([target.value])


def _defined_names(body: list[ast.stmt]) -> Iterator[str]:
    """Names a module binds itself at top level (functions, classes, assignments), not the ones it imports."""
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node.name
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets: list[ast.expr] = node.targets if isinstance(node, ast.Assign) else [node.target]
            yield from _bound_by(targets)
        elif isinstance(node, ast.If | ast.Try):
            yield from _defined_names(node.body)
            yield from _defined_names(node.orelse)
            for handler in getattr(node, "handlers", []):
                yield from _defined_names(handler.body)


def test_the_walk_finds_every_kind_of_public_module() -> None:
    assert len(PUBLIC_MODULES) >= _MIN_PUBLIC_MODULES, PUBLIC_MODULES
    for expected in ("pictograph", "pictograph.formats", "pictograph.formats.coco", "pictograph.models",
                     "pictograph.render", "pictograph.testing", "pictograph.cli", "pictograph.cli.datasets"):
        assert expected in PUBLIC_MODULES
    assert not [name for name in PUBLIC_MODULES if "._" in name]
    assert len(LIBRARY_MODULES) >= 15


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_lists_unique_public_names(name: str) -> None:
    names = _public_all(_module(name))
    assert names, f"{name}.__all__ is empty"
    assert all(isinstance(n, str) for n in names)
    assert len(names) == len(set(names)), f"{name}.__all__ repeats a name"
    assert not [n for n in names if n.startswith("_") and not _is_dunder(n)], f"{name}.__all__ names a private name"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_every_name_in_all_resolves(name: str) -> None:
    module = _module(name)
    unresolved = [n for n in _public_all(module) if not hasattr(module, n)]
    assert not unresolved, f"{name}.__all__ names {unresolved}, which the module does not provide"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_dir_lists_exactly_all(name: str) -> None:
    module = _module(name)
    shown = {n for n in dir(module) if not _is_dunder(n)}
    exported = {n for n in _public_all(module) if not _is_dunder(n)}
    assert shown - exported == set(), f"dir({name}) shows names outside __all__"
    assert exported - shown == set(), f"dir({name}) hides names of __all__"


@pytest.mark.parametrize("name", LIBRARY_MODULES)
def test_every_public_definition_is_exported(name: str) -> None:
    module = _module(name)
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    defined = {n for n in _defined_names(tree.body) if not n.startswith("_")}
    left_out = sorted(defined - set(_public_all(module)))
    assert not left_out, f"{name} defines {left_out} without a leading underscore and without exporting it"


def test_formats_namespace_no_longer_shows_its_imports() -> None:
    from pictograph import formats

    shown = set(dir(formats))
    for leaked in ("Any", "Iterator", "Path", "contextlib", "gc", "operator", "shutil", "tempfile", "weakref",
                   "annotations"):
        assert leaked not in shown
    assert {"convert", "read", "write", "detect_format", "FORMATS", "AnnotatedDataset"} <= shown


def test_documented_names_still_import() -> None:
    from pictograph import Client, FormatError, formats, render
    from pictograph.formats import (
        AnnotatedDataset,
        Annotation,
        ImageRecord,
        convert,
        detect_format,
        read,
        write,
    )
    from pictograph.render import contact_sheet
    from pictograph.testing import MockServer

    assert callable(render) and callable(contact_sheet) and MockServer.__name__ == "MockServer"
    assert formats.FormatError is FormatError and Client.__name__ == "Client"
    assert all(callable(f) for f in (convert, detect_format, read, write, Annotation.bbox))
    assert AnnotatedDataset.__name__ == "AnnotatedDataset" and ImageRecord.__name__ == "ImageRecord"


def test_import_and_dir_of_the_package_load_nothing_else() -> None:
    code = ("import sys, pictograph; dir(pictograph); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pictograph'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['pictograph', 'pictograph._version']"
