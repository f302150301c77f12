#!/usr/bin/env python3
"""Signed file GETs per second against the local Pictograph server (issue: at least 1,500/s).

Setup: the server runs in its own process (``python -m pictograph.testing``); 16 images of 100 KB are uploaded
through the API; the load is 16 keep-alive connections, each GETting the signed storage URLs in a loop for a
fixed time.  The load generator is ``wrk`` when installed (C, so it leaves the CPU to the server), else a small
asyncio client speaking raw HTTP/1.1.  Then it says where a request's time goes, by timing the pieces of the
storage route in-process: signature check, file read, and the rest (HTTP parsing and writing in uvicorn).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

CONNECTIONS = 16
DURATION = float(os.environ.get("BENCH_SECONDS", "8"))
FILE_SIZE = 100 * 1024
TARGET = 1500


def start_server(data_dir: Path) -> tuple[subprocess.Popen[str], str, str]:
    proc = subprocess.Popen([sys.executable, "-m", "pictograph.testing", "--port", "0", "--seed", "empty",
                             "--data-dir", str(data_dir)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    url = key = ""
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while not (url and key) and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if m := re.search(r"listening on (\S+)", line):
            url = m.group(1)
        if m := re.search(r"API key: (\S+)", line):
            key = m.group(1)
    if not (url and key):
        proc.kill()
        raise SystemExit("the server did not start")
    return proc, url, key


def make_files(url: str, key: str) -> list[str]:
    api = httpx.Client(base_url=url + "/api/v1/developer", headers={"X-API-Key": key}, timeout=30)
    api.post("/datasets/", json={"name": "bench"}).raise_for_status()
    for i in range(CONNECTIONS):
        body = os.urandom(FILE_SIZE)
        meta = {"dataset": "bench", "filename": f"f{i}.jpg", "directory_path": "/", "content_type": "image/jpeg"}
        put = api.post("/images/upload-url", json=meta).json()["data"]["upload_url"]
        httpx.put(put, content=body, headers={"Content-Type": "image/jpeg"}).raise_for_status()
        api.post("/images/register", json={**meta, "file_size": FILE_SIZE}).raise_for_status()
    items = api.get("/datasets/bench/download", params={"mode": "images_only", "limit": 10000}).json()["data"]["items"]
    api.close()
    return [str(i["image_url"]) for i in items]


async def _worker(host: str, port: int, targets: list[str], stop_at: float, counts: list[int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    n = 0
    i = 0
    while time.perf_counter() < stop_at:
        target = targets[i % len(targets)]
        i += 1
        writer.write(f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(head.decode(errors="replace"))
        length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))  # type: ignore[union-attr]
        await reader.readexactly(length)
        n += 1
    counts.append(n)
    writer.close()


async def asyncio_load(urls: list[str]) -> float:
    parts = urlsplit(urls[0])
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    targets = [u[u.index("/", len("http://")):] for u in urls]
    counts: list[int] = []
    started = time.perf_counter()
    stop_at = started + DURATION
    await asyncio.gather(*(_worker(host, port, targets[k:] + targets[:k], stop_at, counts)
                           for k in range(CONNECTIONS)))
    return sum(counts) / (time.perf_counter() - started)


def wrk_load(urls: list[str]) -> float | None:
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    script = Path(tempfile.mkdtemp()) / "paths.lua"
    paths = ", ".join(f'"{u[u.index("/", len("http://")):]}"' for u in urls)
    script.write_text(f"local paths = {{{paths}}}\nlocal i = 0\n"
                      "request = function()\n  i = i + 1\n  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n")
    root = urls[0][: urls[0].index("/", len("http://"))]
    out = subprocess.run([wrk, "-t", "2", "-c", str(CONNECTIONS), "-d", f"{int(DURATION)}s", "-s", str(script),
                          root + "/"], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise SystemExit("wrk saw error answers:\n" + out)
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return float(m.group(1)) if m else None


def pieces(data_dir: Path, url: str) -> dict[str, float]:
    """Microseconds per call of the parts of the storage route, measured in this process."""
    from pictograph.testing._signing import Clock, Signer
    from pictograph.testing._storage import Storage

    storage = Storage(data_dir)
    signer = Signer(storage.secret(), Clock())
    signed = signer.sign("", "GET", "/_storage/blobs/x/y")
    q = dict(p.split("=") for p in signed.split("?")[1].split("&"))
    blob = next((storage.blob_dir).rglob("*"))
    while blob.is_dir():
        blob = next(blob.iterdir())
    n = 20000
    t = time.perf_counter()
    for _ in range(n):
        signer.check("GET", "/_storage/blobs/x/y", q["expires"], q["signature"])
    sig = (time.perf_counter() - t) / n * 1e6
    t = time.perf_counter()
    for _ in range(n // 4):
        with open(blob, "rb") as fh:
            fh.read()
    read = (time.perf_counter() - t) / (n // 4) * 1e6
    storage.close()
    return {"signature check": sig, "file open+read (100 KB)": read}


def main() -> int:
    data_dir = Path(tempfile.mkdtemp(prefix="bench-server-"))
    proc, url, key = start_server(data_dir)
    try:
        urls = make_files(url, key)
        asyncio.run(asyncio_load(urls[:4]))  # warm up
        rate_wrk = wrk_load(urls)
        rate_py = asyncio.run(asyncio_load(urls))
        parts = pieces(data_dir, url)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        shutil.rmtree(data_dir, ignore_errors=True)
    best = rate_wrk if rate_wrk is not None else rate_py
    print(f"signed file GETs, {FILE_SIZE // 1024} KB files, {CONNECTIONS} keep-alive connections, {DURATION:.0f} s, "
          f"{os.cpu_count()} cores")
    if rate_wrk is not None:
        print(f"  wrk load generator:     {rate_wrk:8.0f} GET/s")
    print(f"  asyncio load generator: {rate_py:8.0f} GET/s  (the client shares the 2 cores with the server)")
    per_request = 1e6 / best
    print(f"where a request's time goes (server wall time per request at {best:.0f}/s: {per_request:.0f} us):")
    for name, us in parts.items():
        print(f"  {name:28s} {us:7.1f} us")
    rest = per_request - sum(parts.values())
    print(f"  {'uvicorn/httptools + socket':28s} {rest:7.1f} us  (HTTP parse, ASGI dispatch, 100 KB send)")
    verdict = "meets" if best >= TARGET else "MISSES"
    print(f"result: {best:.0f} GET/s {verdict} the {TARGET}/s target")
    return 0 if best >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
