#!/usr/bin/env bash
# Create the benchmark's own environment at bench/.env/ (gitignored) with the two reference tools.
# Usage: bash bench/formats_env.sh [python]   (idempotent; a failed install is reported, not fatal)
set -u
here="$(cd "$(dirname "$0")" && pwd)"
py="${1:-python3}"
env="$here/.env"
if [ ! -x "$env/bin/python" ]; then
    "$py" -m venv "$env" || { echo "bench: cannot create $env" >&2; exit 1; }
    "$env/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
fi
for pkg in globox datumaro; do
    if "$env/bin/python" -c "import importlib.util,sys; sys.exit(importlib.util.find_spec('$pkg') is None)"; then
        continue
    fi
    if ! "$env/bin/python" -m pip install -q "$pkg"; then
        echo "bench: could not install $pkg into $env; the benchmark will run without it" >&2
    fi
done
