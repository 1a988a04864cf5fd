"""Signed-cookie sessions (Starlette's), made light for long-lived sockets."""

from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send


class Sessions:
    """Starlette's SessionMiddleware for requests; for sockets only its decoding.

    A socket only reads its session and may stay open for hours. Wrapped like a request,
    it would keep the middleware's connection object and send wrapper alive all that
    time; in a room of a thousand that is a measurable share of the memory per socket.
    """

    def __init__(self, app: ASGIApp, **options) -> None:
        self.app = app
        self.requests = SessionMiddleware(app, **options)
        self.reader = SessionMiddleware(_decoded, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.requests(scope, receive, send)
            return
        await self.reader(scope, receive, send)  # fills scope["session"], then returns
        await self.app(scope, receive, send)


async def _decoded(scope: Scope, receive: Receive, send: Send) -> None:
    """The reader's app: by the time it is called the session is in the scope."""
