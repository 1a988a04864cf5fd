"""Refuse what a foreign page does in a visitor's name: cross-site POSTs and sockets.

Browsers always send Origin with WebSocket handshakes and cross-site POSTs; a client
without one (a bot, curl) is not acting with someone else's cookies.
"""

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

CLOSE_FORBIDDEN = 4403


def is_same_origin(headers: Headers, allowed: tuple[str, ...]) -> bool:
    origin = headers.get("origin")
    if origin is None:
        return True
    return origin.split("://", 1)[-1] == headers.get("host", "") or origin in allowed


class OriginCheck:
    def __init__(self, app: ASGIApp, allowed: tuple[str, ...] = ()) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        guarded = scope["type"] == "websocket" or (
            scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS")
        )
        if guarded and not is_same_origin(Headers(scope=scope), self.allowed):
            if scope["type"] == "websocket":
                # Closing before accepting answers the handshake with HTTP 403.
                await send({"type": "websocket.close", "code": CLOSE_FORBIDDEN})
            else:
                response = PlainTextResponse("Cross-site request refused.", status_code=403)
                await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
