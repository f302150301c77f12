#!/usr/bin/env bash
# Make a throwaway venv with the official client (pictograph==1.69.146), the peer bench_import.py times for
# information. It lives outside the checkout (default /tmp/official-venv, or $BENCH_OFFICIAL_VENV) and is never
# the project's venv, so the two packages named pictograph never meet.
# Usage: bash bench/import_env.sh [python]   (idempotent; a failed install is reported, not fatal)
set -u
# Probes run from / so that `python -c` never finds this checkout's own pictograph through the working directory.
py="${1:-python3}"
env="${BENCH_OFFICIAL_VENV:-/tmp/official-venv}"
if [ -x "$env/bin/python" ] && (cd / && "$env/bin/python" -c "import pictograph") 2>/dev/null; then
    exit 0
fi
if [ ! -x "$env/bin/python" ]; then
    "$py" -m venv "$env" || { echo "bench: cannot create $env; the official client will not be timed" >&2; exit 0; }
fi
if ! "$env/bin/python" -m pip install -q "pictograph==1.69.146"; then
    echo "bench: could not install pictograph==1.69.146 into $env; the official client will not be timed" >&2
fi
