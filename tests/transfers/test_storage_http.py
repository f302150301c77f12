"""The lean storage client (pictograph._transfers._storage_http) against a raw socket server with scripted answers."""

from __future__ import annotations

import asyncio
import socket
import socketserver
import threading
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from pictograph._transfers._storage_http import AsyncStorageTransport, plain_head

BODY = bytes(range(256)) * 1200  # 300 KiB: more than one socket read


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        self.server.connections += 1
        while True:
            line = self.rfile.readline()
            if not line:
                return
            method, target, _ = line.decode().split(" ", 2)
            headers: dict[str, str] = {}
            while (header := self.rfile.readline()) not in (b"\r\n", b""):
                name, _, value = header.decode().partition(":")
                headers[name.strip().lower()] = value.strip()
            body = self.rfile.read(int(headers.get("content-length", "0")))
            self.server.seen.append((method, target, headers, body))
            if not self.answer(target, body):
                return

    def answer(self, target: str, body: bytes) -> bool:
        """Write the answer for ``target``; False closes the connection."""
        w = self.wfile
        if target == "/full":
            w.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(BODY) + BODY)
        elif target == "/close-after":  # answers, then drops the kept-alive connection
            w.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            w.flush()
            return False
        elif target == "/chunked":
            w.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
        elif target == "/truncated":
            w.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 400)
            w.flush()
            return False
        elif target == "/garbage":
            w.write(b"NOT HTTP AT ALL\r\n\r\n")
            w.flush()
            return False
        elif target == "/slow":
            threading.Event().wait(1.0)
            return False
        elif target == "/echo":
            w.write(b"HTTP/1.1 201 Created\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        else:
            w.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found")
        w.flush()
        return True


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.connections = 0
        self.seen: list[tuple[str, str, dict[str, str], bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


class Transport:
    """The async transport on one event loop kept across requests (so connections can be reused)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.transport = AsyncStorageTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def send() -> httpx.Response:
            response = await self.transport.handle_async_request(request)
            try:
                await response.aread()
            finally:
                await response.aclose()
            return response

        return self.loop.run_until_complete(send())

    def close(self) -> None:
        self.loop.run_until_complete(self.transport.aclose())
        self.loop.close()


@pytest.fixture
def transport() -> Iterator[Transport]:
    t = Transport()
    yield t
    t.close()


def _get(transport: Transport, url: str, **timeouts: float) -> httpx.Response:
    request = httpx.Request("GET", url, extensions={"timeout": timeouts} if timeouts else {})
    return transport.handle_request(request)


def test_a_body_larger_than_one_read_arrives_whole_and_the_connection_is_reused(
    server: _Server, transport: Transport
) -> None:
    for _ in range(3):
        response = _get(transport, server.url + "/full")
        assert response.status_code == 200 and response.content == BODY
    assert server.connections == 1
    assert all(headers.get("host") == server.url[len("http://"):] for _, _, headers, _ in server.seen)


def test_a_connection_closed_by_the_server_is_replaced_for_the_next_get(
    server: _Server, transport: Transport
) -> None:
    assert _get(transport, server.url + "/close-after").content == b"ok"
    assert _get(transport, server.url + "/close-after").content == b"ok"
    assert server.connections == 2


def test_chunked_bodies_are_decoded(server: _Server, transport: Transport) -> None:
    assert _get(transport, server.url + "/chunked").content == b"hello world"


def test_a_body_cut_short_raises_a_transport_error(server: _Server, transport: Transport) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        _get(transport, server.url + "/truncated")


def test_a_malformed_answer_raises_a_transport_error(server: _Server, transport: Transport) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        _get(transport, server.url + "/garbage")


def test_a_slow_answer_raises_read_timeout(server: _Server, transport: Transport) -> None:
    with pytest.raises(httpx.ReadTimeout):
        _get(transport, server.url + "/slow", read=0.2)


def test_a_refused_connection_raises_connect_error(transport: Transport) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: connections are refused
        with pytest.raises(httpx.ConnectError):
            _get(transport, f"http://127.0.0.1:{port}/x")


def test_a_streamed_put_body_arrives_intact_with_its_headers(server: _Server, transport: Transport) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield BODY[:1000]
        yield BODY[1000:]

    request = httpx.Request("PUT", server.url + "/echo", content=chunks(),
                            headers={"Content-Type": "image/jpeg", "Content-Length": str(len(BODY))})
    response = transport.handle_request(request)
    assert response.status_code == 201 and response.content == BODY
    method, _, headers, body = server.seen[-1]
    assert method == "PUT" and headers["content-type"] == "image/jpeg" and body == BODY


def test_only_http_and_https_urls_are_sent(transport: Transport) -> None:
    with pytest.raises(httpx.UnsupportedProtocol):
        _get(transport, "ftp://example.com/file")


def test_the_async_transport_reuses_connections_on_the_running_loop(server: _Server) -> None:
    async def main() -> list[bytes]:
        transport = AsyncStorageTransport()
        bodies = []
        try:
            for path in ("/full", "/chunked", "/full"):
                response = await transport.handle_async_request(httpx.Request("GET", server.url + path))
                bodies.append(await response.aread())
                await response.aclose()
        finally:
            await transport.aclose()
        return bodies

    assert asyncio.run(main()) == [BODY, b"hello world", BODY]
    assert server.connections == 1


def test_plain_heads_are_parsed_without_httpx_and_odd_urls_are_left_to_it() -> None:
    head = plain_head("GET", "http://storage.test:8080/b/k?expires=1&signature=ab%2F", {"Accept-Encoding": "identity"},
                      {"read": 5.0})
    assert head is not None
    assert head.origin == ("http", "storage.test", 8080)
    assert head.target == "/b/k?expires=1&signature=ab%2F"
    assert head.headers == [("Host", "storage.test:8080"), ("Accept-Encoding", "identity")]
    assert head.timeouts == (None, 5.0, None)
    https = plain_head("PUT", "https://s.test/x", {}, None)
    assert https is not None and https.origin == ("https", "s.test", 443) and https.headers == [("Host", "s.test")]
    for odd in ("http://s.test/a b", "http://s.tést/x", "http://user:pw@s.test/x", "http://[::1]:80/x",
                "http://s.test:99999999/x", "http://s.test/\r\nX-Injected: 1"):
        assert plain_head("GET", odd, {}, None) is None, odd
    with pytest.raises(httpx.UnsupportedProtocol):
        plain_head("GET", "ftp://s.test/x", {}, None)


def test_send_without_an_httpx_request_matches_the_transport(server: _Server, transport: Transport) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield BODY[:5000]
        yield BODY[5000:]

    async def go() -> tuple[httpx.Response, httpx.Response]:
        t = transport.transport
        got = await t.send("GET", server.url + "/full", {"Accept-Encoding": "identity"}, None, {"read": 5.0})
        await got.aread()
        await got.aclose()
        put = await t.send("PUT", server.url + "/echo", {"Content-Type": "image/png",
                                                             "Content-Length": str(len(BODY))}, chunks(), {})
        await put.aread()
        await put.aclose()
        return got, put

    got, put = transport.loop.run_until_complete(go())
    assert got.status_code == 200 and got.content == BODY
    assert put.status_code == 201 and put.content == BODY
    assert server.connections == 1  # both on one kept-alive connection
    (_, get_target, get_headers, _), (method, put_target, put_headers, body) = server.seen[-2:]
    assert get_target == "/full" and get_headers["host"] == server.url[len("http://"):]
    assert method == "PUT" and put_target == "/echo" and body == BODY
    assert put_headers["content-type"] == "image/png" and put_headers["content-length"] == str(len(BODY))


def test_call_returns_the_whole_answer_and_gives_the_connection_back(server: _Server, transport: Transport) -> None:
    async def go() -> list[tuple[int, bytes]]:
        t = transport.transport
        headers = {"Content-Type": "image/jpeg", "Content-Length": str(len(BODY))}
        return [
            await t.call("PUT", server.url + "/echo", headers, BODY, {}),  # whole: head and body in one write
            await t.call("GET", server.url + "/full", {}, None, {"read": 5.0}),  # more than one socket read
            await t.call("GET", server.url + "/chunked", {}, None, {}),
            await t.call("GET", server.url + "/missing", {}, None, {}),
        ]

    answers = transport.loop.run_until_complete(go())
    assert answers == [(201, BODY), (200, BODY), (200, b"hello world"), (404, b"not found")]
    assert server.connections == 1
    method, target, headers, body = server.seen[0]
    assert (method, target, body) == ("PUT", "/echo", BODY) and headers["content-type"] == "image/jpeg"


def test_a_whole_body_is_sent_again_when_the_kept_alive_connection_was_closed(
    server: _Server, transport: Transport
) -> None:
    async def go() -> tuple[int, bytes]:
        t = transport.transport
        assert await t.call("GET", server.url + "/close-after", {}, None, {}) == (200, b"ok")
        await asyncio.sleep(0.05)  # the server has closed the connection kept for reuse
        return await t.call("PUT", server.url + "/echo", {"Content-Length": "5"}, b"again", {})

    assert transport.loop.run_until_complete(go()) == (201, b"again")
    assert server.connections == 2 and server.seen[-1][3] == b"again"


def test_call_leaves_urls_it_cannot_send_as_written_to_httpx(server: _Server, transport: Transport) -> None:
    url = server.url + "/echo?name=\u00e9t\u00e9"  # not ASCII: httpx percent-encodes it
    status, body = transport.loop.run_until_complete(transport.transport.call("GET", url, {}, None, {}))
    assert (status, body) == (404, b"not found")
    assert server.seen[-1][1] == "/echo?name=%C3%A9t%C3%A9"


def test_a_cut_answer_to_a_call_closes_its_connection(server: _Server, transport: Transport) -> None:
    async def go() -> None:
        await transport.transport.call("GET", server.url + "/truncated", {}, None, {})

    with pytest.raises(httpx.RemoteProtocolError):
        transport.loop.run_until_complete(go())
    transport.loop.run_until_complete(transport.transport.call("GET", server.url + "/full", {}, None, {}))
    assert server.connections == 2  # the cut connection was not reused
