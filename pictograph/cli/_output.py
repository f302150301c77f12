"""The one place the ``pictograph`` command line writes to the terminal.

Every command hands its result to :class:`Output`: a readable table (or a key/value listing for one object) by
default, the same data as JSON with ``--json``.  Errors leave through :func:`fail`: one line on stderr (a JSON
object with ``--json``) and an exit code that tells the error classes apart, so scripts can branch on it.
``--debug`` adds the traceback.

Exit codes (also in ``docs/cli.md``):

====  ======================================================================================
code  meaning
====  ======================================================================================
0     success
1     unexpected error (a bug: run again with ``--debug`` and report the traceback)
2     bad command line (unknown option, missing argument; click's own usage errors)
3     configuration: no API key, an unparsable setting or config file
4     authentication: the Pictograph API key is wrong or revoked (HTTP 401)
5     forbidden: the key's role or the plan does not allow this (HTTP 403)
6     not found: dataset, image, export or import does not exist (HTTP 404)
7     conflict: the name is taken or the change collides (HTTP 409)
8     invalid input: rejected by the server (HTTP 400/422) or by a local check
9     payment required: plan cap reached or credits exhausted (HTTP 402)
10    rate limited: too many requests (HTTP 429, after the SDK's retries)
11    server error: HTTP 5xx, or a response that does not match the API
12    network: no answer (DNS, connection, TLS) or a transport timeout, after retries
13    wait timed out: a job (export, import) is still running when the wait ended
14    bad annotation file: unreadable, or not in the expected format
15    local file problem: missing file, no permission, destination exists
16    other API error: a failed job, an unexpected HTTP status
17    partial failure: the command finished but some items failed (listed in the output)
130   interrupted (Ctrl-C)
====  ======================================================================================
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import enum
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import PurePath
from typing import Any, NoReturn

import click

__all__ = [
    "EXIT_CODES",
    "Column",
    "Output",
    "exit_code_for",
    "fail",
    "get_output",
    "to_jsonable",
]

# name -> (code, meaning); the single source of the table above, also shown by ``pictograph exit-codes``.
EXIT_CODES: dict[str, tuple[int, str]] = {
    "ok": (0, "success"),
    "unexpected": (1, "unexpected error (run again with --debug and report the traceback)"),
    "usage": (2, "bad command line (unknown option, missing argument)"),
    "configuration": (3, "no API key, an unparsable setting or config file, or a missing extra"),
    "authentication": (4, "the Pictograph API key is wrong or revoked (HTTP 401)"),
    "forbidden": (5, "the key's role or the plan does not allow this (HTTP 403)"),
    "not_found": (6, "dataset, image, export or import does not exist (HTTP 404)"),
    "conflict": (7, "the name is taken or the change collides (HTTP 409)"),
    "invalid": (8, "input rejected by the server (HTTP 400/422) or by a local check"),
    "payment_required": (9, "plan cap reached or credits exhausted (HTTP 402)"),
    "rate_limited": (10, "too many requests (HTTP 429, after retries)"),
    "server": (11, "server error (HTTP 5xx) or a response that does not match the API"),
    "network": (12, "no answer from the server or a transport timeout, after retries"),
    "wait_timeout": (13, "a job is still running when the wait ended"),
    "bad_file": (14, "annotation file unreadable or not in the expected format"),
    "local_file": (15, "missing file, no permission, or destination exists"),
    "api": (16, "other API error: a failed job, an unexpected HTTP status"),
    "partial": (17, "finished, but some items failed (listed in the output)"),
    "interrupted": (130, "interrupted (Ctrl-C)"),
}


def _code(name: str) -> int:
    return EXIT_CODES[name][0]


def exit_code_for(exc: BaseException) -> tuple[int, str]:
    """The exit code and its short name for an exception (most specific class first)."""
    from pictograph import errors

    table: Sequence[tuple[type[BaseException], str]] = (
        (errors.ConfigurationError, "configuration"),
        (errors.AuthError, "authentication"),
        (errors.ForbiddenError, "forbidden"),
        (errors.NotFoundError, "not_found"),
        (errors.ConflictError, "conflict"),
        (errors.PaymentRequiredError, "payment_required"),
        (errors.RateLimitError, "rate_limited"),
        (errors.ServerError, "server"),
        (errors.ValidationError, "invalid"),
        (errors.FormatError, "bad_file"),
        (errors.PollTimeoutError, "wait_timeout"),
        (errors.NetworkError, "network"),
        (errors.ApiError, "api"),
        (FileNotFoundError, "local_file"),
        (FileExistsError, "local_file"),
        (PermissionError, "local_file"),
        (IsADirectoryError, "local_file"),
        (NotADirectoryError, "local_file"),
        (ValueError, "invalid"),
        (OSError, "local_file"),
        (KeyboardInterrupt, "interrupted"),
    )
    for cls, name in table:
        if isinstance(exc, cls):
            return _code(name), name
    return _code("unexpected"), "unexpected"


# ---------------------------------------------------------------------------------------------- JSON


def to_jsonable(value: Any) -> Any:
    """Plain JSON data for models, attrs classes, dates, paths and enums (recursively)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_jsonable(to_dict())
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    import attrs

    if attrs.has(type(value)):
        return {a.name.lstrip("_"): to_jsonable(getattr(value, a.name)) for a in attrs.fields(type(value))
                if not a.name.startswith("_")}
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return str(value)


# ---------------------------------------------------------------------------------------------- tables

# A column: header and how to read the cell from a row (an attribute / key name, or a function).
Column = tuple[str, "str | Callable[[Any], Any]"]


def _cell(row: Any, getter: str | Callable[[Any], Any]) -> Any:
    if callable(getter):
        return getter(row)
    if isinstance(row, Mapping):
        return row.get(getter)
    return getattr(row, getter, None)


def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, _dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value) if value else "-"
    return str(value).replace("\n", " ")


def format_table(rows: Sequence[Any], columns: Sequence[Column]) -> str:
    """Rows under aligned headers; numbers right-aligned."""
    cells = [[_text(_cell(row, getter)) for _, getter in columns] for row in rows]
    numeric = [
        all(isinstance(_cell(row, getter), int | float) and not isinstance(_cell(row, getter), bool)
            for row in rows) and bool(rows)
        for _, getter in columns
    ]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, (h, _) in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(parts).rstrip()

    out = [line([h.upper() for h, _ in columns])]
    out.extend(line(r) for r in cells)
    return "\n".join(out)


def format_fields(pairs: Sequence[tuple[str, Any]]) -> str:
    """``key: value`` lines, keys aligned."""
    width = max((len(k) for k, _ in pairs), default=0)
    return "\n".join(f"{k + ':':<{width + 1}} {_text(v)}" for k, v in pairs)


# ---------------------------------------------------------------------------------------------- output


class Output:
    """How this run prints: human tables or JSON, quiet or not, debug tracebacks or not.

    Commands never call ``print``/``click.echo`` themselves; they call :meth:`result` once with their data.
    """

    def __init__(self, json_mode: bool = False, debug: bool = False, quiet: bool = False) -> None:
        self.json_mode = json_mode
        self.debug = debug
        self.quiet = quiet
        self._secrets: list[str] = []

    # -- secrets never leave through this helper
    def add_secret(self, value: str | None) -> None:
        """Mask ``value`` (an API key) wherever it would appear in printed text."""
        if value and len(value) >= 4 and value not in self._secrets:
            self._secrets.append(value)

    def _mask(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    # -- results
    def result(
        self,
        data: Any,
        *,
        columns: Sequence[Column] | None = None,
        fields: Sequence[tuple[str, str | Callable[[Any], Any]]] | None = None,
        text: str | Callable[[Any], str] | None = None,
        footer: str | None = None,
    ) -> None:
        """Print a command's result: ``data`` as JSON with ``--json``; otherwise a table (``columns``, for a
        list), a key/value listing (``fields``, for one object) or ``text``."""
        if self.json_mode:
            click.echo(self._mask(json.dumps(to_jsonable(data), ensure_ascii=False, indent=2)))
            return
        if text is not None:
            body = text(data) if callable(text) else text
        elif columns is not None:
            rows = list(data)
            body = format_table(rows, columns) if rows else "(none)"
        elif fields is not None:
            body = format_fields([(label, _cell(data, getter)) for label, getter in fields])
        else:
            body = json.dumps(to_jsonable(data), ensure_ascii=False, indent=2)
        if footer:
            body = f"{body}\n{footer}"
        click.echo(self._mask(body))

    def note(self, message: str) -> None:
        """A human remark on stderr (hidden with ``--json`` or ``--quiet``); never part of the result."""
        if not (self.json_mode or self.quiet):
            click.echo(self._mask(message), err=True)

    def warn(self, message: str) -> None:
        """A warning on stderr, shown even with ``--json`` (scripts read stdout only)."""
        if not self.quiet:
            click.echo(self._mask(f"warning: {message}"), err=True)

    # -- progress
    def show_progress(self) -> bool:
        """Bars only on an interactive stderr, and never with ``--json`` or ``--quiet``."""
        if self.json_mode or self.quiet or os.environ.get("PICTOGRAPH_NO_PROGRESS"):
            return False
        try:
            return sys.stderr.isatty()
        except (AttributeError, ValueError):
            return False

    def reporter(self) -> Any:
        """A progress reporter for the SDK's ``progress=`` argument: a tqdm bar on a terminal (from
        :mod:`pictograph._progress`), ``None`` elsewhere."""
        if not self.show_progress():
            return None
        try:
            from pictograph._progress import terminal_bar
        except ImportError:  # pragma: no cover - older SDK
            return None
        return terminal_bar()

    @contextlib.contextmanager
    def progress(self, label: str, total: int | None = None,
                 unit: str = "files") -> Iterator[Callable[[int, int | None], None]]:
        """A context giving ``update(done, total)``; it draws a bar on a terminal and does nothing elsewhere."""
        if not self.show_progress():

            def ignore(done: int, total: int | None = None) -> None:
                return None

            yield ignore
            return
        bar = _make_bar(label, total, unit)
        state = {"done": 0}

        def update(done: int, new_total: int | None = None) -> None:
            if new_total is not None and new_total != bar.total:
                bar.total = new_total
            step = done - state["done"]
            if step > 0:
                bar.update(step)
                state["done"] = done

        try:
            yield update
        finally:
            bar.close()

    # -- errors
    def error(self, exc: BaseException) -> NoReturn:
        """Print ``exc`` as one line (or one JSON object) on stderr and exit with its class's code."""
        code, kind = exit_code_for(exc)
        message = self._mask(describe(exc))
        if self.debug:
            click.echo(self._mask("".join(traceback.format_exception(exc))), err=True, nl=False)
        if self.json_mode:
            payload: dict[str, Any] = {"type": type(exc).__name__, "kind": kind, "exit_code": code,
                                       "message": message}
            for attr in ("status_code", "code", "request_id", "retry_after", "field_errors"):
                value = getattr(exc, attr, None)
                if value not in (None, []):
                    payload[attr] = to_jsonable(value)
            click.echo(self._mask(json.dumps({"error": payload}, ensure_ascii=False)), err=True)
        else:
            click.echo(f"error: {message}", err=True)
        raise SystemExit(code)


def _make_bar(label: str, total: int | None, unit: str) -> Any:
    try:
        from tqdm import tqdm

        return tqdm(total=total, desc=label, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True)
    except ImportError:
        return _ClickBar(label, total)


class _ClickBar:
    """Fallback bar on click's own progress bar when tqdm is not installed."""

    def __init__(self, label: str, total: int | None) -> None:
        self.total = total
        self._bar = click.progressbar(length=total or 0, label=label, file=sys.stderr)
        self._bar.__enter__()

    def update(self, n: int) -> None:
        if self.total and self._bar.length != self.total:
            self._bar.length = self.total
        self._bar.update(n)

    def close(self) -> None:
        self._bar.__exit__(None, None, None)


def describe(exc: BaseException) -> str:
    """One line saying what went wrong (and for invalid input, where)."""
    from pictograph import errors

    text = str(exc) or type(exc).__name__
    if isinstance(exc, errors.ValidationError) and exc.field_errors:
        first = exc.field_errors[0]
        loc = ".".join(str(p) for p in first.get("loc", []))
        more = f" (+{len(exc.field_errors) - 1} more)" if len(exc.field_errors) > 1 else ""
        detail = f"{loc}: {first.get('msg', '')}" if loc else str(first.get("msg", ""))
        if detail and detail not in text:
            text = f"{text} [{detail}{more}]"
    if isinstance(exc, KeyboardInterrupt):
        text = "interrupted"
    elif type(exc).__name__ not in text and not isinstance(exc, OSError | click.ClickException):
        text = f"{type(exc).__name__}: {text}"
    return " ".join(text.split())


def get_output(ctx: click.Context | None = None) -> Output:
    """The :class:`Output` of the current command (built from the root's settings)."""
    ctx = ctx or click.get_current_context()
    root = ctx.find_root()
    obj = root.ensure_object(dict)
    out = obj.get("output")
    if not isinstance(out, Output):
        out = Output()
        obj["output"] = out
    return out


def fail(kind: str, message: str) -> NoReturn:
    """Stop the command with a one-line message and the exit code named ``kind`` (a key of EXIT_CODES)."""
    out = get_output()
    code = _code(kind)
    if out.json_mode:
        click.echo(out._mask(json.dumps({"error": {"type": "CliError", "kind": kind, "exit_code": code,
                                                    "message": message}}, ensure_ascii=False)), err=True)
    else:
        click.echo(out._mask(f"error: {message}"), err=True)
    raise SystemExit(code)
