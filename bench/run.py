#!/usr/bin/env python3
"""Run every benchmark of bench/ (``make bench``), each in its own process, and say which ones failed.

A ``NAME_env.sh`` next to ``bench_NAME.py`` is run first: it builds the environment of the peers that benchmark
measures against. Each ``bench_*.py`` prints its own figures (medians and ratios against the peers named in its issue, measured in
the same run). ``make bench BENCH=formats`` runs only the benchmarks whose name contains ``formats``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    selected = os.environ.get("BENCH", "")
    scripts = [p for p in sorted(HERE.glob("bench_*.py")) if selected in p.stem]
    if not scripts:
        print(f"no benchmark matches {selected!r}", file=sys.stderr)
        return 2
    failed: list[str] = []
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        started = time.perf_counter()
        setup = HERE / f"{script.stem.removeprefix('bench_')}_env.sh"
        if setup.exists():  # the peers' own environment (e.g. globox and datumaro for bench_formats.py)
            subprocess.run(["bash", str(setup), sys.executable], cwd=HERE.parent, check=False)
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False)
        print(f"--- {script.name}: exit {result.returncode} in {time.perf_counter() - started:.1f} s", flush=True)
        if result.returncode != 0:
            failed.append(script.name)
    if failed:
        print("\nfailed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
