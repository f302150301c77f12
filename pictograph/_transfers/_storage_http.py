"""A lean HTTP/1.1 client for signed storage URLs: one event loop, asyncio streams, h11 for the framing.

Why it exists: a dataset transfer is thousands of small GETs or PUTs to storage, and on a small machine the
CPU each one costs, not the network, sets the pace. httpcore's general machinery (connection pool locks,
anyio streams, per-request state objects) costs several times what one request on a kept-alive connection
needs. Here every storage socket lives on the running event loop (the sync client runs its transfers on a
loop of its own: :mod:`pictograph._transfers._threaded`); a small body comes back whole with its head, a large
one in blocks of :data:`READ_SIZE`.

Scope: signed URLs only (no API key, no cookies, no redirects, no proxies: the transfer engine keeps httpx
for a proxied environment and for injected test transports). The transport is an httpx transport, so the
engine sees ordinary ``httpx.Response`` objects and ``httpx`` exceptions: ``ConnectError``,
``ConnectTimeout``, ``ReadError``, ``ReadTimeout``, ``WriteError``, ``WriteTimeout``, ``RemoteProtocolError``
(a body cut short, a malformed answer).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import h11
import httpx

#: Bytes asked of the socket per read.
READ_SIZE = 256 * 1024
#: Body bytes read together with the head: a file up to this size reaches the caller in one step.
PREFETCH = 1024 * 1024
#: An idle connection older than this is closed rather than reused (storage servers drop idle ones).
KEEPALIVE_SECONDS = 5.0

Origin = tuple[str, str, int]
#: A request body: whole (sent with the head in one write, and sent again as it is if a kept-alive connection
#: turns out to be closed), or in blocks.
Body = bytes | Iterable[bytes] | AsyncIterable[bytes] | None


_DEFAULT_PORTS = {"http": 80, "https": 443}


class Head(NamedTuple):
    """What is sent before the body: method, where to, target, headers; and the connect/read/write timeouts."""

    method: str
    origin: Origin
    target: str | bytes
    headers: list[tuple[str, str]] | list[tuple[bytes, bytes]]
    timeouts: tuple[float | None, float | None, float | None]


def _origin(scheme: str, host: str, port: int | None) -> Origin:
    if scheme not in _DEFAULT_PORTS:
        raise httpx.UnsupportedProtocol(f"signed URLs must be http or https, got {scheme!r}")
    return scheme, host, port or _DEFAULT_PORTS[scheme]


def _timeouts(values: Mapping[str, float | None] | None) -> tuple[float | None, float | None, float | None]:
    values = values or {}
    return values.get("connect"), values.get("read"), values.get("write")


def head_of(request: httpx.Request) -> Head:
    """The head of an ``httpx.Request``."""
    url = request.url
    return Head(request.method, _origin(url.scheme, url.host, url.port), url.raw_path, request.headers.raw,
                _timeouts(request.extensions.get("timeout")))


def plain_head(method: str, url: str, headers: Mapping[str, str],
               timeouts: Mapping[str, float | None] | None) -> Head | None:
    """The head of a request to ``url`` without building an ``httpx.Request``, for the plain URLs storage signs
    (printable ASCII, a DNS name or IPv4 address, no user info): parsing a 200-character signed URL with httpx
    costs a tenth of a small file's transfer. ``None`` for anything else (httpx then parses it). The target is
    sent as written; h11 still refuses one with spaces or control characters."""
    if not (url.isascii() and url.isprintable()) or " " in url:
        return None
    parts = urlsplit(url)
    host = parts.hostname
    try:
        port = parts.port
    except ValueError:
        return None
    if not host or parts.username is not None or ":" in host or "@" in parts.netloc:
        return None
    origin = _origin(parts.scheme, host, port)
    authority = host if port is None or port == _DEFAULT_PORTS[parts.scheme] else f"{host}:{port}"
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Head(method, origin, target, [("Host", authority), *headers.items()], _timeouts(timeouts))


def _deadline(seconds: float | None) -> contextlib.AbstractAsyncContextManager[Any]:
    return asyncio.timeout(seconds) if seconds is not None else contextlib.nullcontext()


class _Connection:
    __slots__ = ("idle_since", "protocol", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.protocol = h11.Connection(our_role=h11.CLIENT)
        self.idle_since = 0.0

    def usable(self, now: float) -> bool:
        return (now - self.idle_since < KEEPALIVE_SECONDS and not self.reader.at_eof()
                and not self.writer.is_closing())

    def close(self) -> None:
        self.writer.close()


class Exchange:
    """One request and its answer on one connection: the head, the body read so far, whether it is over."""

    __slots__ = ("buffered", "connection", "done", "headers", "origin", "read_timeout", "reason", "released", "status")

    def __init__(self, connection: _Connection, origin: Origin, read_timeout: float | None) -> None:
        self.connection = connection
        self.origin = origin
        self.read_timeout = read_timeout
        self.status = 0
        self.reason = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.buffered: list[bytes] = []
        self.done = False
        self.released = False

    def take_buffered(self) -> bytes:
        """The body bytes read so far and not yet handed out (``b""`` if none)."""
        block = b"".join(self.buffered)
        self.buffered.clear()
        return block

    def response(self, stream: httpx.SyncByteStream | httpx.AsyncByteStream) -> httpx.Response:
        return httpx.Response(self.status, headers=self.headers, stream=stream,
                              extensions={"http_version": b"HTTP/1.1", "reason_phrase": self.reason})


class StorageHTTP:
    """The connections and exchanges of one event loop; every method runs on that loop."""

    def __init__(self) -> None:
        self._idle: dict[Origin, list[_Connection]] = {}
        self._ssl: ssl.SSLContext | None = None

    async def _connect(self, origin: Origin, timeout: float | None) -> _Connection:
        scheme, host, port = origin
        context: ssl.SSLContext | None = None
        if scheme == "https":
            if self._ssl is None:
                self._ssl = httpx.create_ssl_context()
            context = self._ssl
        try:
            async with _deadline(timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, ssl=context, server_hostname=host if context else None, limit=READ_SIZE)
        except TimeoutError:
            raise httpx.ConnectTimeout(f"connecting to {host}:{port} timed out") from None
        except OSError as exc:
            raise httpx.ConnectError(f"connecting to {host}:{port} failed: {exc}") from None
        return _Connection(reader, writer)

    async def open(self, head: Head, body: Body) -> Exchange:
        """Send ``head`` and ``body`` and read the head of the answer and up to :data:`PREFETCH` bytes of its
        body. On any failure the connection is closed and an httpx error raised."""
        origin = head.origin
        connect_timeout, read_timeout, write_timeout = head.timeouts
        # A kept-alive connection may have been closed by the server a moment ago: a request whose body can be
        # sent again gets one more go on a new connection when the reused one fails before any answer.
        replayable = body is None or isinstance(body, (bytes, httpx.ByteStream))
        while True:
            connection = self._reuse(origin)
            reused = connection is not None
            if connection is None:
                connection = await self._connect(origin, connect_timeout)
            exchange = Exchange(connection, origin, read_timeout)
            try:
                await self._send(exchange, head, body, write_timeout)
                await self._read_head(exchange)
            except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError):
                self.release(exchange)
                if reused and replayable and exchange.status == 0:
                    continue
                raise
            except BaseException:
                self.release(exchange)
                raise
            return exchange

    def _reuse(self, origin: Origin) -> _Connection | None:
        idle = self._idle.get(origin)
        now = time.monotonic()
        while idle:
            connection = idle.pop()
            if connection.usable(now):
                return connection
            connection.close()
        return None

    async def _send(self, exchange: Exchange, head: Head, body: Body, timeout: float | None) -> None:
        connection = exchange.connection
        protocol, writer = connection.protocol, connection.writer
        method, host = head.method, head.origin[1]
        try:
            event = h11.Request(method=method, target=head.target, headers=head.headers)
            async with _deadline(timeout):
                if isinstance(body, bytes):  # head and body in one write: the server wakes once for both
                    parts = [protocol.send(event) or b""]
                    if body:
                        parts.append(protocol.send(h11.Data(data=body)) or b"")
                    parts.append(protocol.send(h11.EndOfMessage()) or b"")
                    writer.writelines(parts)
                    await writer.drain()
                    return
                writer.write(protocol.send(event) or b"")
                if isinstance(body, AsyncIterable):
                    async for chunk in body:
                        if chunk:
                            writer.write(protocol.send(h11.Data(data=chunk)) or b"")
                            await writer.drain()
                elif body is not None:
                    for chunk in body:
                        if chunk:
                            writer.write(protocol.send(h11.Data(data=chunk)) or b"")
                            await writer.drain()
                writer.write(protocol.send(h11.EndOfMessage()) or b"")
                await writer.drain()
        except TimeoutError:
            raise httpx.WriteTimeout(f"sending {method} to {host} timed out") from None
        except h11.LocalProtocolError as exc:
            raise httpx.LocalProtocolError(f"the request cannot be sent: {exc}") from None
        except OSError as exc:
            raise httpx.WriteError(f"sending {method} to {host} failed: {exc}") from None

    async def _event(self, exchange: Exchange) -> Any:
        connection = exchange.connection
        protocol = connection.protocol
        while True:
            try:
                event = protocol.next_event()
            except h11.RemoteProtocolError as exc:
                raise httpx.RemoteProtocolError(f"storage sent a malformed answer: {exc}") from None
            if event is not h11.NEED_DATA:
                return event
            try:
                async with _deadline(exchange.read_timeout):
                    data = await connection.reader.read(READ_SIZE)
            except TimeoutError:
                raise httpx.ReadTimeout(f"no answer from {exchange.origin[1]} in time") from None
            except OSError as exc:
                raise httpx.ReadError(f"reading from {exchange.origin[1]} failed: {exc}") from None
            protocol.receive_data(data)  # problems in the data surface from next_event

    async def _read_head(self, exchange: Exchange) -> None:
        while True:
            event = await self._event(exchange)
            if isinstance(event, h11.Response):
                exchange.status = event.status_code
                exchange.reason = event.reason
                exchange.headers = list(event.headers)
                break
            if not isinstance(event, h11.InformationalResponse):
                raise httpx.RemoteProtocolError(f"storage answered with {type(event).__name__} before a status line")
        size = 0
        while size < PREFETCH and not exchange.done:
            block = await self._pull(exchange)
            if block:
                exchange.buffered.append(block)
                size += len(block)

    async def _pull(self, exchange: Exchange) -> bytes:
        """The next body bytes from the socket; ``b""`` once the body is complete."""
        while not exchange.done:
            event = await self._event(exchange)
            if isinstance(event, h11.Data):
                return bytes(event.data)
            if isinstance(event, h11.EndOfMessage):
                exchange.done = True
            elif isinstance(event, h11.ConnectionClosed):
                raise httpx.RemoteProtocolError("storage closed the connection before the body was complete")
        return b""

    async def read(self, exchange: Exchange) -> bytes:
        """The body bytes after those already handed out (at least one block); ``b""`` at the end."""
        if exchange.buffered:
            return exchange.take_buffered()
        try:
            return await self._pull(exchange)
        except BaseException:
            self.release(exchange)
            raise

    def release(self, exchange: Exchange) -> None:
        """Give the connection back for reuse when its exchange ended cleanly, else close it."""
        if exchange.released:
            return
        exchange.released = True
        connection = exchange.connection
        protocol = connection.protocol
        if exchange.done and protocol.our_state is h11.DONE and protocol.their_state is h11.DONE:
            protocol.start_next_cycle()
            connection.idle_since = time.monotonic()
            self._idle.setdefault(exchange.origin, []).append(connection)
        else:
            connection.close()

    async def aclose(self) -> None:
        """Close the idle connections and wait until their sockets are gone."""
        connections = [c for idle in self._idle.values() for c in idle]
        self._idle.clear()
        for connection in connections:
            connection.close()
        for connection in connections:
            with contextlib.suppress(OSError):
                await connection.writer.wait_closed()


class _AsyncBody(httpx.AsyncByteStream):
    def __init__(self, core: StorageHTTP, exchange: Exchange) -> None:
        self._core = core
        self._exchange = exchange

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while block := await self._core.read(self._exchange):
            yield block

    async def aclose(self) -> None:
        self._core.release(self._exchange)


class AsyncStorageTransport(httpx.AsyncBaseTransport):
    """Storage requests on the running asyncio loop; under another async library, plain httpx."""

    def __init__(self) -> None:
        self._core: StorageHTTP | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._fallback: httpx.AsyncHTTPTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # trio and friends: no asyncio loop to put sockets on
            if self._fallback is None:
                self._fallback = httpx.AsyncHTTPTransport()
            return await self._fallback.handle_async_request(request)
        core = self._core_for(loop)
        body = request.stream if isinstance(request.stream, AsyncIterable) else None
        exchange = await core.open(head_of(request), body)
        return exchange.response(_AsyncBody(core, exchange))

    async def send(self, method: str, url: str, headers: Mapping[str, str], body: bytes | AsyncIterable[bytes] | None,
                   timeouts: Mapping[str, float | None]) -> httpx.Response:
        """The same as :meth:`handle_async_request` for ``httpx.Request(method, url, headers=headers,
        content=body, extensions={"timeout": timeouts})``, without building that request when ``url`` is plain
        (see :func:`plain_head`). ``headers`` must name ``Content-Length`` when there is a body."""
        plain = self._plain(method, url, headers, timeouts)
        if plain is None:
            request = httpx.Request(method, url, headers=headers, content=body, extensions={"timeout": timeouts})
            return await self.handle_async_request(request)
        core, head = plain
        exchange = await core.open(head, body)
        return exchange.response(_AsyncBody(core, exchange))

    async def call(self, method: str, url: str, headers: Mapping[str, str], body: bytes | AsyncIterable[bytes] | None,
                   timeouts: Mapping[str, float | None]) -> tuple[int, bytes]:
        """:meth:`send` with the whole answer read: its status and body, the connection already given back.

        For requests whose answer is small (an upload's): no ``httpx.Response`` is made on the usual path,
        which saves about a tenth of the CPU time an upload PUT costs."""
        plain = self._plain(method, url, headers, timeouts)
        if plain is None:
            response = await self.send(method, url, headers, body, timeouts)
            try:
                return response.status_code, await response.aread()
            finally:
                await response.aclose()
        core, head = plain
        exchange = await core.open(head, body)
        blocks = []
        try:
            while block := await core.read(exchange):
                blocks.append(block)
        finally:
            core.release(exchange)
        return exchange.status, b"".join(blocks)

    def _plain(self, method: str, url: str, headers: Mapping[str, str],
               timeouts: Mapping[str, float | None]) -> tuple[StorageHTTP, Head] | None:
        """The running loop's core and the request's head, when the request can skip ``httpx.Request``: a plain
        URL (:func:`plain_head`) and an asyncio loop (under another library, the fallback transport sends it)."""
        head = plain_head(method, url, headers, timeouts)
        if head is None:
            return None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        return self._core_for(loop), head

    def _core_for(self, loop: asyncio.AbstractEventLoop) -> StorageHTTP:
        if self._core is None or self._loop is not loop:
            # A core made on another loop (an earlier asyncio.run) is dropped: its sockets belong to that loop.
            self._core, self._loop = StorageHTTP(), loop
        return self._core

    async def aclose(self) -> None:
        if self._core is not None:
            core, self._core = self._core, None
            if self._loop is asyncio.get_running_loop():
                await core.aclose()
        if self._fallback is not None:
            await self._fallback.aclose()
            self._fallback = None
