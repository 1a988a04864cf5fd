"""The server's WebSocket protocol: frames a socket takes at once are written straight to
the transport, the same bytes the ASGI way would write; what cannot go at once is left to
the ASGI way; an idle socket keeps neither the handshake nor an empty queue's deques."""

import asyncio

import uvicorn
from starlette.middleware import Middleware
from starlette.routing import WebSocketRoute
from uvicorn.server import ServerState
from websockets.server import ServerProtocol

from server import socket_protocol
from server.app import Plenum
from server.socket_protocol import WRITE_TEXT, WebSocketProtocol, _Flag, _Inbox, _wire_bytes
from server.web.members import SERVE_AFTER_ADMISSION

HANDSHAKE = (
    b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
    b"Cookie: plenum_session=abc\r\n\r\n"
)


class Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()
        self.closing = False

    def write(self, data) -> None:
        self.written += data

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def get_extra_info(self, name, default=None):
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(name)


async def accepted_socket() -> tuple[WebSocketProtocol, Transport, dict]:
    """A protocol on a fake transport whose app accepted and now waits for messages."""
    scopes: list[dict] = []

    async def app(scope, receive, send) -> None:
        scopes.append(scope)
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        while (await receive())["type"] != "websocket.disconnect":
            pass

    config = uvicorn.Config(app, ws=WebSocketProtocol, ws_per_message_deflate=False)
    config.load()
    protocol = WebSocketProtocol(config, ServerState(), {})
    transport = Transport()
    protocol.connection_made(transport)
    protocol.data_received(HANDSHAKE)
    async with asyncio.timeout(5):
        while not protocol.handshake_complete:
            await asyncio.sleep(0)
    assert transport.written.startswith(b"HTTP/1.1 101")
    transport.written.clear()
    return protocol, transport, scopes[0]


def websockets_bytes(text: str) -> bytes:
    """What websockets itself writes for a server's text frame."""
    reference = ServerProtocol()
    reference.state = socket_protocol.State.OPEN
    reference.send_text(text.encode())
    return b"".join(reference.data_to_send())


async def test_a_frame_the_socket_takes_at_once_is_written_as_websockets_would():
    protocol, transport, scope = await accepted_socket()
    assert scope["extensions"][WRITE_TEXT] == protocol.write_text

    assert protocol.write_text("Grüße <b>1</b>") is True
    assert bytes(transport.written) == websockets_bytes("Grüße <b>1</b>")


async def test_a_paused_or_closed_socket_leaves_the_frame_to_the_asgi_way():
    protocol, transport, _ = await accepted_socket()

    protocol.pause_writing()  # the transport's buffer is full
    assert protocol.write_text("a") is False
    protocol.resume_writing()
    assert protocol.write_text("b") is True

    transport.closing = True
    assert protocol.write_text("c") is False
    assert bytes(transport.written) == websockets_bytes("b")


async def test_an_open_socket_keeps_neither_the_handshake_nor_empty_deques():
    protocol, _, _ = await accepted_socket()

    assert protocol.request is None and protocol.response is None
    assert isinstance(protocol.queue, _Inbox) and isinstance(protocol.writable, _Flag)
    assert protocol.queue._items == [] and protocol.queue._waiters is not None  # app waits
    assert protocol.writable._waiters is None


def test_one_frame_handed_to_many_sockets_is_encoded_once():
    frame = "<div>" + "x" * 500 + "</div>"
    assert _wire_bytes(frame) is _wire_bytes(frame)
    assert _wire_bytes(frame) == websockets_bytes(frame)

    # A snapshot handed to joiners one by one, with small frames to others in between.
    snapshot = "y" * (socket_protocol.SHARED_BYTES_MAX + 1)
    first = _wire_bytes(snapshot)
    assert first == websockets_bytes(snapshot)
    assert _wire_bytes("<p>a count</p>") == websockets_bytes("<p>a count</p>")
    assert _wire_bytes(snapshot) is first
    assert _wire_bytes(frame) == websockets_bytes(frame)
    # Only the last big frame is kept: the one before goes with its sending.
    _wire_bytes("z" * (socket_protocol.SHARED_BYTES_MAX + 1))
    assert _wire_bytes(snapshot) is not first


async def test_the_inbox_hands_over_messages_in_order_and_waits_while_empty():
    inbox = _Inbox()
    inbox.put_nowait(1)
    inbox.put_nowait(2)
    assert [await inbox.get(), await inbox.get()] == [1, 2]
    assert inbox.empty()

    waiting = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    assert not waiting.done()
    inbox.put_nowait(3)
    assert await waiting == 3

    cancelled = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    cancelled.cancel()
    await asyncio.gather(cancelled, return_exceptions=True)
    assert inbox._waiters is None  # a reader that gave up leaves nothing behind


async def test_the_flag_lets_writers_through_only_while_set():
    flag = _Flag()
    waiting = asyncio.ensure_future(flag.wait())
    await asyncio.sleep(0)
    assert not waiting.done()
    flag.set()
    assert await waiting is True
    assert await flag.wait() is True  # set: at once
    flag.clear()
    assert not flag.is_set()


async def test_an_admitted_socket_is_served_once_the_middleware_has_returned():
    events: list[str] = []

    class Layer:  # stands for the sessions and the origin check
        def __init__(self, app) -> None:
            self.app = app

        async def __call__(self, scope, receive, send) -> None:
            await self.app(scope, receive, send)
            events.append("middleware returned")

    class Socket:  # admits, and hands out the rest of its life (members.live_socket)
        async def __call__(self, scope, receive, send) -> None:
            async def serve() -> None:
                events.append("served")

            scope[SERVE_AFTER_ADMISSION].append(serve)

    app = Plenum(routes=[WebSocketRoute("/ws", Socket())], middleware=[Middleware(Layer)])
    scope = {"type": "websocket", "path": "/ws", "root_path": "", "headers": []}
    await app(scope, None, None)

    assert events == ["middleware returned", "served"]
