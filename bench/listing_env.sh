#!/usr/bin/env bash
# The listing benchmark's peer: the official pictograph client 1.69.146 in a throwaway venv at
# bench/.env/official (gitignored). It has the same package name as this SDK, so it must never go into .venv.
# Usage: bash bench/listing_env.sh [python]   (idempotent; a failed install is reported, not fatal)
set -u
here="$(cd "$(dirname "$0")" && pwd)"
py="${1:-python3}"
env="$here/.env/official"
version="1.69.146"
if [ ! -x "$env/bin/python" ]; then
    mkdir -p "$here/.env"
    "$py" -m venv "$env" || { echo "bench: cannot create $env" >&2; exit 1; }
    "$env/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
fi
installed="$("$env/bin/python" -c 'import importlib.metadata as m; print(m.version("pictograph"))' 2>/dev/null || true)"
if [ "$installed" != "$version" ]; then
    if ! "$env/bin/python" -m pip install -q --disable-pip-version-check "pictograph==$version"; then
        echo "bench: could not install pictograph==$version into $env; the listing benchmark runs without it" >&2
    fi
fi
