"""Checks of an installed pictograph, run by the python of a fresh venv, from a folder outside the checkout.

    python smoke.py {none,server,full} WORK_DIR

``none`` is a bare ``pip install pictograph``, ``server`` adds the ``server`` extra, ``full`` the ``cli``,
``server``, ``images`` and ``progress`` extras. Only the standard library and the installed package are used
(the venv has nothing else). Each check prints one line; the first failure ends the script with a non-zero
code and the reason, which the install test shows.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import Callable
from pathlib import Path

COMBINATIONS = ("none", "server", "full")

# Top-level modules of the extras (and of the heavy libraries users often have installed next to the SDK):
# `import pictograph` must import none of them, so the base import stays cheap whatever else is installed.
EXTRA_MODULES = frozenset({"click", "PIL", "tqdm", "starlette", "uvicorn", "werkzeug", "openapi_core",
                           "jsonschema_rs", "orjson", "uvloop", "numpy", "torch", "datasets", "ray"})

BIN = Path(sys.executable).parent
TIMEOUT = 60


class SmokeFailure(Exception):
    """A check found the installed package wrong."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT,
                          check=False)


# ------------------------------------------------------------------------------------------ what is installed


def check_installed_files(work: Path) -> None:
    """The package, the generated client, the type marker and the spec come from this venv's site-packages."""
    import pictograph_api
    import pictograph_api.api
    import pictograph_api.models

    import pictograph

    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    package = Path(pictograph.__file__).resolve().parent
    for module in (pictograph, pictograph_api):
        where = Path(str(module.__file__)).resolve()
        expect(where.is_relative_to(site), f"{module.__name__} was imported from {where}, not from {site}")
    expect((package / "py.typed").is_file(),
           "pictograph/py.typed is not installed: type checkers would ignore the package's hints")
    endpoints = list(Path(pictograph_api.api.__path__[0]).rglob("*.py"))
    expect(len(endpoints) > 10,
           f"pictograph_api.api holds {len(endpoints)} modules: the generated client is cut short")
    spec = package / "testing" / "openapi.yaml"
    expect(spec.is_file(), f"{spec} is not installed: the local server cannot validate")

    from pictograph.testing._spec import find_spec_file

    expect(find_spec_file() == spec, f"the local server reads {find_spec_file()}, not the installed {spec}")


def _top_modules_after(code: str, work: Path) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = run([sys.executable, "-I", "-c", probe], cwd=work)
    expect(done.returncode == 0, f"python -c {code!r} failed:\n{done.stderr}")
    return {name.partition(".")[0] for name in json.loads(done.stdout)}


def check_import_pulls_in_no_extra(work: Path) -> None:
    """``import pictograph`` imports no extra's module beyond what ``import httpx`` itself imports."""
    by_httpx = _top_modules_after("import httpx", work)
    by_pictograph = _top_modules_after("import pictograph", work)
    leaked = sorted((by_pictograph - by_httpx) & EXTRA_MODULES)
    expect(not leaked, f"import pictograph imports {leaked}")


# ------------------------------------------------------------------------------------------ what works


def check_mock_server(work: Path) -> None:
    """The demo server starts from the installed spec; a client lists the datasets and downloads one."""
    from pictograph.testing import MockServer

    target = work / "road-scenes"
    with MockServer(seed="demo") as server, server.client() as client:
        names = {d.name for d in client.datasets.list()}
        expect({"road-scenes", "people-poses"} <= names, f"the demo server lists {sorted(names)}")
        report = client.datasets.download("road-scenes", target)
    expect(report.ok and report.images_downloaded > 0, f"the demo download reported {report!r}")
    images = list(target.rglob("*.jpg"))
    expect(len(images) == report.images_downloaded,
           f"{report.images_downloaded} images reported, {len(images)} on disk under {target}")


def _write_coco(folder: Path) -> Path:
    from pictograph.formats import AnnotatedDataset, Annotation, ImageRecord, write

    dataset = AnnotatedDataset(
        images=[ImageRecord("street/a.jpg", 640, 480, (Annotation.bbox("car", 100, 200, 50, 80),))],
        classes=["car"],
    )
    path = folder / "instances.json"
    write(dataset, path, "coco")
    return path


def _yolo_labels(out: Path) -> list[str]:
    return [line for p in sorted(out.rglob("*.txt")) if p.name != "classes.txt"
            for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]


def check_conversion(work: Path) -> None:
    """``pictograph.formats.convert`` turns a COCO file into YOLO labels without any extra."""
    from pictograph.formats import convert

    out = work / "yolo-api"
    report = convert(_write_coco(work / "coco-api"), out, to_format="yolo")
    expect(dict(report.written_counts) == {"bbox": 1}, f"convert wrote {report.written_counts}")
    expect(len(_yolo_labels(out)) == 1, f"convert wrote the labels {_yolo_labels(out)}")


def check_cli_conversion(work: Path) -> None:
    """``pictograph convert`` does the same from the console script."""
    src = _write_coco(work / "coco-cli")
    out = work / "yolo-cli"
    done = run([str(BIN / "pictograph"), "convert", str(src), str(out), "--to", "yolo", "--json"], cwd=work)
    expect(done.returncode == 0, f"pictograph convert exited {done.returncode}:\n{done.stderr}")
    json.loads(done.stdout)
    expect(len(_yolo_labels(out)) == 1, f"pictograph convert wrote the labels {_yolo_labels(out)}")


def _cli_against_server(work: Path, server_cmd: list[str], list_cmd: list[str]) -> None:
    """Start a server from the shell, list its datasets with the CLI's --json, stop it with SIGTERM."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen([*server_cmd, "--port", "0"], cwd=work, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    # Reading its output blocks until it prints: a server that hangs before printing is killed, not waited on.
    watchdog = threading.Timer(TIMEOUT, server.kill)
    watchdog.start()
    try:
        url = key = ""
        assert server.stdout is not None
        for line in server.stdout:
            if line.startswith("Pictograph local server listening on "):
                url = line.rsplit(" ", 1)[1].strip()
            elif line.startswith("API key: "):
                key = line.split(": ", 1)[1].strip()
                break
        expect(bool(url and key), f"{' '.join(server_cmd)} printed no URL and key; it exited {server.poll()}")
        client_env = {**env, "PICTOGRAPH_BASE_URL": url, "PICTOGRAPH_API_KEY": key,
                      "PICTOGRAPH_CONFIG_DIR": str(work / "config")}
        done = run([*list_cmd, "datasets", "list", "--json"], cwd=work, env=client_env)
        expect(done.returncode == 0,
               f"{' '.join(list_cmd)} datasets list exited {done.returncode}:\n{done.stderr}")
        listed = json.loads(done.stdout)
        names = {d["name"] for d in (listed if isinstance(listed, list) else listed.get("datasets", []))}
        expect("road-scenes" in names, f"datasets list --json printed {done.stdout[:300]}")
    finally:
        watchdog.cancel()
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            raise SmokeFailure(f"{' '.join(server_cmd)} did not stop on SIGTERM") from None
    expect(code == 0, f"{' '.join(server_cmd)} exited {code} on SIGTERM")


def check_cli_against_mock_server(work: Path) -> None:
    """``pictograph mock-server`` serves ``pictograph datasets list --json``."""
    _cli_against_server(work, [str(BIN / "pictograph"), "mock-server"], [str(BIN / "pictograph")])


def check_module_server(work: Path) -> None:
    """``python -m pictograph.testing`` serves ``python -m pictograph.cli datasets list --json``."""
    _cli_against_server(work, [sys.executable, "-m", "pictograph.testing"],
                        [sys.executable, "-m", "pictograph.cli"])


# ------------------------------------------------------------------------------------------ missing extras


def _expect_hint(args: list[str], work: Path, hint: str) -> None:
    done = run(args, cwd=work)
    lines = done.stderr.strip().splitlines()
    expect(done.returncode == 3 and lines == [hint],
           f"{' '.join(args)} exited {done.returncode} with stderr:\n{done.stderr}\n(expected only: {hint})")


def check_cli_hint(work: Path) -> None:
    """Without click, the console script prints its one-line install hint and exits 3."""
    _expect_hint([str(BIN / "pictograph"), "datasets", "list"], work,
                 "error: the pictograph command needs the cli extra: pip install 'pictograph[cli]'")
    _expect_hint([sys.executable, "-m", "pictograph.testing"], work,
                 "error: python -m pictograph.testing needs the server extra: "
                 "pip install 'pictograph[server]'")


def check_server_hint(work: Path) -> None:
    """Without the server extra, MockServer refuses to start with the install command in its message."""
    from pictograph.testing import MockServer

    try:
        MockServer(seed="demo", data_dir=work / "no-server").start()
    except ModuleNotFoundError as exc:
        expect("pip install 'pictograph[server]'" in str(exc), f"MockServer.start() raised {exc!r}")
    else:
        raise SmokeFailure("MockServer.start() worked without the server extra installed")


CHECKS: dict[str, list[Callable[[Path], None]]] = {
    "none": [check_installed_files, check_import_pulls_in_no_extra, check_conversion, check_cli_hint,
             check_server_hint],
    "server": [check_installed_files, check_import_pulls_in_no_extra, check_conversion, check_mock_server,
               check_module_server],
    # MockServer and python -m pictograph.testing are checked with [server] above; each server process costs
    # about a second of CPU, so the full set checks only what its extras add: the console script's commands.
    "full": [check_installed_files, check_import_pulls_in_no_extra, check_conversion,
             check_cli_against_mock_server, check_cli_conversion],
}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in COMBINATIONS:
        print(f"usage: smoke.py {{{','.join(COMBINATIONS)}}} WORK_DIR", file=sys.stderr)
        return 2
    combination, work = argv[0], Path(argv[1])
    work.mkdir(parents=True, exist_ok=True)
    for check in CHECKS[combination]:
        started = time.monotonic()
        try:
            check(work)
        except SmokeFailure as exc:
            print(f"FAILED {check.__name__}: {exc}")
            return 1
        print(f"ok {check.__name__} ({time.monotonic() - started:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
