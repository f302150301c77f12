#!/usr/bin/env bash
# bench_torch.py's peer: the official client 1.69.146 in its throwaway venv (bench/listing_env.sh makes it), plus
# torch for its as_pytorch, pinned as in make install (torch==2.13.0 is the CPU build here; never a newer one,
# which would pull a CUDA build of several GB). torchvision is not needed.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/listing_env.sh" "${1:-python3}" || exit 0
env="$here/.env/official"
if ! "$env/bin/python" -c 'import torch' >/dev/null 2>&1; then
    "$env/bin/python" -m pip install -q --disable-pip-version-check 'torch==2.13.0' \
        || echo "bench: could not install torch into $env; bench_torch.py runs without the official client" >&2
fi
