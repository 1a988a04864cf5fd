"""uvicorn's WebSocket protocol (websockets-sansio), lighter per socket and per frame, and
letting go of what a client never read.

A finished socket lets go. When the app is done with a socket, uvicorn closes the
transport, and asyncio then waits to write whatever is still buffered for the client
before it really closes: forever, for a client that stopped reading (its kernel keeps the
connection open with a zero window). Each such socket would keep a frame (often a whole
board's snapshot) and the connection for good, and a client could leave them behind one
after another. So a socket still open `ABORT_AFTER_SECONDS` after its app finished is cut,
and its buffer freed.

Lighter per socket. A room of thousands holds one of these per member, idle nearly all the
time. uvicorn keeps the handshake's request and response (two header maps) for the
socket's whole life, and an `asyncio.Queue` and an `asyncio.Event`, whose three empty
deques alone take ~1.8 KiB; here the handshake is let go once answered, and the queue and
the event are replaced by `_Inbox` and `_Flag`, which allocate only while someone waits.

Lighter per frame. The hub hands the same frame to every member of an audience. A frame
that the socket takes at once is written by `write_text` straight to the transport, as
`websockets.broadcast` does, instead of passing the ASGI send of every middleware layer
and uvicorn's, each a coroutine; and the frame's bytes (a server's frames are not masked,
so every socket sends the same ones) are encoded once for all of them. The middleware
never changes a text frame (they touch handshakes and HTTP responses only), so the bytes
are the same as the ASGI way. Whatever cannot go at once (the socket is paused, closing,
or closed) takes the ASGI way, which waits or fails as it must. The app finds
`write_text` in the scope's extensions under `WRITE_TEXT`.
"""

import asyncio
import logging

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame, Opcode
from websockets.protocol import State

# Time for a reading client to take the close frame and answer it.
ABORT_AFTER_SECONDS = 5.0

# The scope extension that holds the socket's `write_text` (absent in other servers and
# in Starlette's TestClient: the app then sends every frame the ASGI way).
WRITE_TEXT = "plenum.write_text"

# A frame's bytes are kept for the next socket handed the very same frame: the last small
# frame (a delta, a presence count) and, apart from it, the last frame above this size (a
# board's snapshot, handed to each joiner and to a whole room reconnecting at once, with
# small frames to others in between). So at most one big frame's bytes outlive its sending.
SHARED_BYTES_MAX = 64 * 1024

# websockets' own lines for each socket ("connection open", "connection closed") say
# nothing uvicorn's "[accepted]" line does not: 20,000 lines more when a room of 10,000
# reconnects, or while someone piles up sockets. Its warnings still show.
SOCKET_EVENTS_LOG = logging.getLogger("server.socket_protocol.events")
SOCKET_EVENTS_LOG.setLevel(logging.WARNING)


class WebSocketProtocol(WebSocketsSansIOProtocol):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.conn.logger = SOCKET_EVENTS_LOG
        self.queue = _Inbox()
        self.writable = _Flag()
        self.writable.set()  # as uvicorn's: writable until the transport says otherwise
        # Frames may go straight to the transport: set once the handshake is answered,
        # with no extension negotiated (compression is off); else the ASGI way.
        self.direct = False

    def handle_connect(self, event) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)  # none when the handshake was refused
        if scope is not None:
            # The app's task starts after this returns, so it finds the extension.
            scope["extensions"][WRITE_TEXT] = self.write_text

    def start_keepalive(self) -> None:
        # uvicorn calls this once, right after it wrote the handshake's answer: nothing
        # reads the request or the response again. websockets' parser keeps the request
        # (a local of its generator) for the socket's life; its headers at least go.
        super().start_keepalive()
        self.request.headers.clear()
        self.request = self.response = None
        self.direct = self.handshake_complete and not self.conn.extensions

    def write_text(self, text: str) -> bool:
        """Write a text frame if the socket takes it now, without waiting; False when it
        does not (paused, closing or closed): send it the ASGI way then."""
        # Every member of a big room passes here for every frame: the checks that cannot
        # change after the handshake were made once (`direct`).
        if (
            self.direct
            and self.writable._set
            and not self.close_sent
            and not self.disconnected
            and self.conn.state is State.OPEN
            and not self.transport.is_closing()
        ):
            self.transport.write(_wire_bytes(text))
            return True
        return False

    def on_task_complete(self, task: asyncio.Task) -> None:
        # The app is done (a callback rather than a wrapper around run_asgi, which would
        # keep one more coroutine per socket for its whole life).
        super().on_task_complete(task)
        self.loop.call_later(ABORT_AFTER_SECONDS, self._abort_if_still_open)

    def _abort_if_still_open(self) -> None:
        if self in self.connections:  # connection_lost takes it out
            self.transport.abort()


# The last frame handed over, and its bytes: one small, one big (see SHARED_BYTES_MAX).
_small: tuple[str, bytes] = ("", b"")
_big: tuple[str, bytes] = ("", b"")


def _wire_bytes(text: str) -> bytes:
    """A text frame's bytes as a server sends them (unmasked, no extension)."""
    global _small, _big
    # Each read once: servers in several threads of one process share them.
    small = _small
    if small[0] is text:  # the same frame, handed to the next member of its audience
        return small[1]
    big = _big
    if big[0] is text:
        return big[1]
    data = Frame(Opcode.TEXT, text.encode()).serialize(mask=False)
    if len(data) <= SHARED_BYTES_MAX:
        _small = (text, data)
    else:
        _big = (text, data)
    return data


class _Inbox:
    """What uvicorn uses of an `asyncio.Queue` for the messages the app receives
    (`put_nowait`, `get`, `empty`), with nothing allocated while it is empty and nobody
    waits. One reader at a time, as ASGI has it; a second one waits its turn."""

    __slots__ = ("_items", "_waiters")

    def __init__(self) -> None:
        self._items: list | None = None
        self._waiters: list[asyncio.Future] | None = None

    def put_nowait(self, item) -> None:
        if self._items is None:
            self._items = []
        self._items.append(item)
        _wake_one(self._waiters)

    def empty(self) -> bool:
        return not self._items

    async def get(self):
        while not self._items:
            if self._waiters is None:
                self._waiters = []
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                self._waiters = _without(self._waiters, waiter)
        item = self._items.pop(0)
        if self._items:
            _wake_one(self._waiters)  # another reader may take the next one
        return item


class _Flag:
    """What uvicorn uses of an `asyncio.Event` ("the socket may be written to"), with a
    list of waiters only while someone waits."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = False
        self._waiters: list[asyncio.Future] | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> bool:
        while not self._set:
            if self._waiters is None:
                self._waiters = []
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                self._waiters = _without(self._waiters, waiter)
        return True


def _without(
    waiters: list[asyncio.Future] | None, waiter: asyncio.Future
) -> list[asyncio.Future] | None:
    """The waiters but this one; None instead of an empty list. (Each wait above is
    written out in its method: a helper coroutine would be one more frame per socket.)"""
    if waiters is not None and waiter in waiters:
        waiters.remove(waiter)
    return waiters or None


def _wake_one(waiters: list[asyncio.Future] | None) -> None:
    for waiter in waiters or ():
        if not waiter.done():
            waiter.set_result(None)
            return
