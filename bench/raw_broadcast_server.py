"""Baseline for bench/fanout.py and storm.py: about the least a Python server can do.

No database, no templates, no presence: every socket gets one hello frame when it
connects (standing in for Plenum's snapshot; `--hello-bytes` pads it to a snapshot's
size), and every message any client sends is broadcast at once, padded to
`--frame-bytes`, to every connected socket with `websockets.broadcast()` (a
synchronous write per socket, no task per recipient). Compression is off, as in
Plenum. The sent text is embedded in the frame, so the benchmark finds its card
markers in it exactly as in Plenum's frames.

    python bench/raw_broadcast_server.py --port 8765 --frame-bytes 700
"""

import argparse
import asyncio
import contextlib

import websockets
from websockets.asyncio.server import ServerConnection, serve

HELLO = "<!--raw hello-->"
DELTA = "<!--raw delta-->"


def padded_frame(message: str, frame_bytes: int) -> str:
    """The sender's message behind a header, padded with spaces to the requested size."""
    body = DELTA + message
    # Messages are ASCII in the benchmark, so characters and bytes agree.
    return body + " " * max(0, frame_bytes - len(body))


async def serve_forever(port: int, frame_bytes: int, hello_bytes: int = 0) -> None:
    members: set[ServerConnection] = set()
    hello = HELLO + " " * max(0, hello_bytes - len(HELLO))

    async def handler(connection: ServerConnection) -> None:
        members.add(connection)
        try:
            await connection.send(hello)
            async for message in connection:
                text = message if isinstance(message, str) else message.decode()
                websockets.broadcast(members, padded_frame(text, frame_bytes))
        finally:
            members.discard(connection)

    # The listen backlog is raised (uvicorn uses 2048) so that a burst of connects is
    # queued by the kernel rather than refused.
    async with serve(handler, "127.0.0.1", port, compression=None, backlog=1024) as server:
        print(f"raw broadcast server on ws://127.0.0.1:{port}/", flush=True)
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--frame-bytes", type=int, default=400)
    # bench/storm.py pads the hello to the size of Plenum's snapshot.
    parser.add_argument("--hello-bytes", type=int, default=0)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_forever(args.port, args.frame_bytes, args.hello_bytes))


if __name__ == "__main__":
    main()
