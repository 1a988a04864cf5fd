"""Refuse what a foreign page does in a visitor's name: cross-site POSTs and sockets.

Browsers always send Origin with WebSocket handshakes and cross-site POSTs; a client
without one (a bot, curl) is not acting with someone else's cookies.

The server's own origin is the scheme it is reached by (https behind a TLS proxy whose
X-Forwarded-Proto uvicorn trusts) and the Host header: an https page is not the same
origin as an http server on the same host and port.
"""

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

CLOSE_FORBIDDEN = 4403
PAGE_SCHEMES = {"ws": "http", "wss": "https"}
DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def own_origin(scope: Scope, headers: Headers) -> str:
    """As a browser writes it: a socket's ws/wss as the page's http/https, no default port."""
    scheme = PAGE_SCHEMES.get(scope["scheme"], scope["scheme"])
    origin = f"{scheme}://{headers.get('host', '').lower()}"
    return origin.removesuffix(DEFAULT_PORTS.get(scheme, ""))


def is_same_origin(scope: Scope, allowed: tuple[str, ...]) -> bool:
    headers = Headers(scope=scope)
    origin = headers.get("origin")
    if origin is None:
        return True
    return origin == own_origin(scope, headers) or origin in allowed


class OriginCheck:
    def __init__(self, app: ASGIApp, allowed: tuple[str, ...] = ()) -> None:
        self.app = app
        self.allowed = tuple(origin.rstrip("/").lower() for origin in allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        guarded = scope["type"] == "websocket" or (
            scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS")
        )
        if guarded and not is_same_origin(scope, self.allowed):
            if scope["type"] == "websocket":
                # Closing before accepting answers the handshake with HTTP 403.
                await send({"type": "websocket.close", "code": CLOSE_FORBIDDEN})
            else:
                response = PlainTextResponse("Cross-site request refused.", status_code=403)
                await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
