"""uvicorn's WebSocket protocol (websockets-sansio), except that a finished socket lets go
of what its client never read.

When the app is done with a socket, uvicorn closes the transport, and asyncio then waits
to write whatever is still buffered for the client before it really closes: forever, for
a client that stopped reading (its kernel keeps the connection open with a zero window).
Each such socket would keep a frame (often a whole board's snapshot) and the connection
for good, and a client could leave them behind one after another. So a socket still open
`ABORT_AFTER_SECONDS` after its app finished is cut, and its buffer freed.
"""

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

# Time for a reading client to take the close frame and answer it.
ABORT_AFTER_SECONDS = 5.0


class WebSocketProtocol(WebSocketsSansIOProtocol):
    async def run_asgi(self) -> None:
        await super().run_asgi()
        self.loop.call_later(ABORT_AFTER_SECONDS, self._abort_if_still_open)

    def _abort_if_still_open(self) -> None:
        if self in self.connections:  # connection_lost takes it out
            self.transport.abort()
