#!/usr/bin/env python3
"""Import cost of making a client (issue 21, point 3).

``python -c 'import pictograph; pictograph.Client(api_key="pk_test_x")'`` against ``python -c 'import httpx,
attrs'`` in the same venv, the two run in turn (A B A B …), median wall time of ``--runs`` (≥ 15) each after
two warm-up rounds; target ratio of the medians ≤ 1.15. The pooled HTTP client, its TLS settings and the
httpcore/h11/anyio/certifi imports are made by the first request, so making a client should cost little more
than importing what it is built on.

Every command runs with its bytecode cached (in a temporary ``PYTHONPYCACHEPREFIX``, written by the warm-up),
as an installed wheel has it: with ``PYTHONDONTWRITEBYTECODE`` set, as here, a source checkout would compile
every pictograph module on every run and the figure would measure the compiler, not the import.

When ``bench/import_env.sh`` has made a venv with the official client (``pictograph==1.69.146``, default
``/tmp/official-venv``, or ``$BENCH_OFFICIAL_VENV``), the same command is timed there too, against the same
``import httpx, attrs`` of this venv, for information.

Usage::

    .venv/bin/python bench/bench_import.py [--runs 15] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET = 1.15
WARMUP_ROUNDS = 2
CLIENT_CODE = 'import pictograph; pictograph.Client(api_key="pk_test_x")'
BASE_CODE = "import httpx, attrs"
OFFICIAL_VENV = Path(os.environ.get("BENCH_OFFICIAL_VENV", "/tmp/official-venv"))


def _child_env(pycache: str) -> dict[str, str]:
    """This process's environment with cached bytecode and no pictograph settings that would change the work."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PICTOGRAPH_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def _run(python: str, code: str, env: dict[str, str], cwd: str) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + sys) of one fresh interpreter running ``code`` in ``cwd``.

    ``cwd`` is an empty folder: ``python -c`` puts the working directory first on ``sys.path``, and from the
    checkout the official venv would import this checkout's ``pictograph`` instead of its own.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([python, "-c", code], env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _official_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` without ``PYTHONPATH``, which may point at this checkout's own ``pictograph``."""
    return {k: v for k, v in env.items() if k != "PYTHONPATH"}


def _official_python(env: dict[str, str], cwd: str) -> str | None:
    """The official venv's interpreter, when it exists and imports the official client (version 1.x)."""
    python = OFFICIAL_VENV / "bin" / "python"
    if not python.exists():
        return None
    check = "import sys, pictograph; sys.exit(pictograph.__version__ != '1.69.146')"
    probe = subprocess.run([str(python), "-c", check], env=env, cwd=cwd, capture_output=True, check=False)
    return str(python) if probe.returncode == 0 else None


def bench(runs: int) -> dict[str, Any]:
    """Alternate the commands ``runs`` times after the warm-up; medians, ratios and the verdict."""
    scratch = Path(tempfile.mkdtemp(prefix="pictograph-bench-import-"))
    cwd = scratch / "cwd"
    cwd.mkdir()
    env = _child_env(str(scratch / "pycache"))
    official = _official_python(_official_env(env), str(cwd))
    commands: dict[str, tuple[str, str, dict[str, str]]] = {
        "client": (sys.executable, CLIENT_CODE, env),
        "httpx_attrs": (sys.executable, BASE_CODE, env),
    }
    if official is not None:
        commands["official_client"] = (official, CLIENT_CODE, _official_env(env))
    try:
        for _ in range(WARMUP_ROUNDS):  # writes the bytecode and warms the file cache
            for python, code, command_env in commands.values():
                _run(python, code, command_env, str(cwd))
        wall: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, (python, code, command_env) in commands.items():
                seconds, cpu_seconds = _run(python, code, command_env, str(cwd))
                wall[name].append(seconds)
                cpu[name].append(cpu_seconds)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    medians = {name: statistics.median(values) for name, values in wall.items()}
    base = medians["httpx_attrs"]
    ratio = medians["client"] / base
    result: dict[str, Any] = {
        "runs": runs,
        "client_median_s": round(medians["client"], 4),
        "httpx_attrs_median_s": round(base, 4),
        "ratio": round(ratio, 3),
        "target_ratio": TARGET,
        "meets_target": ratio <= TARGET,
        # informative: CPU time is less disturbed by other work on a shared machine than wall time
        "cpu_ratio": round(statistics.median(cpu["client"]) / statistics.median(cpu["httpx_attrs"]), 3),
        # informative: the ratio run by run (each client run against the base run right after it)
        "pairwise_ratio_median": round(
            statistics.median(a / b for a, b in zip(wall["client"], wall["httpx_attrs"], strict=True)), 3
        ),
        "official_client_median_s": None,
        "official_ratio": None,
    }
    if official is not None:
        result["official_client_median_s"] = round(medians["official_client"], 4)
        result["official_ratio"] = round(medians["official_client"] / base, 3)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command after the warm-up (≥ 15)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    if args.runs < 15:
        parser.error("--runs must be at least 15: fewer give a median that moves from run to run")
    result = bench(args.runs)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    verdict = "meets" if result["meets_target"] else "MISSES"
    print(f"import + Client(): median of {result['runs']} alternating runs each, bytecode cached")
    print(f"  {CLIENT_CODE:<58} {result['client_median_s'] * 1000:7.1f} ms")
    print(f"  {BASE_CODE:<58} {result['httpx_attrs_median_s'] * 1000:7.1f} ms")
    print(f"  ratio {result['ratio']:.3f}x ({verdict} the target of {TARGET:.2f}x); "
          f"CPU ratio {result['cpu_ratio']:.3f}x, run-by-run ratio {result['pairwise_ratio_median']:.3f}x")
    if result["official_ratio"] is not None:
        print(f"  official client 1.69.146 ({OFFICIAL_VENV}): {result['official_client_median_s'] * 1000:.1f} ms, "
              f"ratio {result['official_ratio']:.3f}x")
    else:
        print(f"  official client: not timed (no venv with it at {OFFICIAL_VENV}; bench/import_env.sh makes one)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
