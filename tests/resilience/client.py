"""A participant that survives drops the way plenum.js does.

It reads its socket in a task of its own; when the socket closes (a drop, a restart, a
slow-client close) it reconnects by itself, to any of the servers it knows, gets a fresh
snapshot and re-sends every command not yet answered. Every wait is bounded.
"""

import asyncio
import contextlib
import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import websockets

from ..bot import HEADER, Member

RECONNECT_FOR_S = 30  # give up reconnecting after this long


@dataclass(eq=False)
class Participant(Member):
    bases: list[str] = field(default_factory=list)  # servers to reconnect to, picked at random
    room_id: int = 0
    pending: dict[str, dict] = field(default_factory=dict)  # cid -> command, until answered
    acknowledged: dict[str, str] = field(default_factory=dict)  # cid -> text, applied
    close_codes: list[tuple[int | None, str]] = field(default_factory=list)
    reconnects: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    reader: asyncio.Task | None = None

    async def start(self, room_id: int) -> None:
        self.room_id = room_id
        await self._connect()
        self.reader = asyncio.create_task(self._read())

    async def stop(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
            await asyncio.gather(self.reader, return_exceptions=True)
        if self.socket is not None:
            await self.socket.close()

    async def post(self, column_id: int, text: str) -> str:
        cid = uuid.uuid4().hex
        self.pending[cid] = {"command": "post_card", "cid": cid, "column": str(column_id)}
        self.pending[cid]["text"] = text
        await self._send_quietly(self.pending[cid])
        return cid

    def drop(self) -> None:
        """Cut the connection without a goodbye, as a lost network does."""
        self.socket.transport.abort()

    async def wait_for(self, condition: Callable[["Participant"], bool], timeout: float) -> None:
        async with asyncio.timeout(timeout):
            while not condition(self):
                self.changed.clear()
                await self.changed.wait()

    def board(self) -> list[int]:
        """Card ids in the snapshot's order, column by column."""
        return [card for column in sorted(self.columns) for card, _ in self.columns[column]]

    async def _connect(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + RECONNECT_FOR_S
        delay = 0.05
        while True:
            self.base = random.choice(self.bases) if self.bases else self.base
            try:
                await self.enter(self.room_id, open_timeout=5)
                break
            except (OSError, TimeoutError, websockets.WebSocketException):
                if loop.time() > deadline:
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, 1.0)
        for command in list(self.pending.values()):  # the server applies each cid once
            await self._send_quietly(command)

    async def _read(self) -> None:
        while True:
            try:
                frame = await self.socket.recv()
            except websockets.ConnectionClosed as closed:
                received = closed.rcvd
                self.close_codes.append(
                    (received.code, received.reason) if received else (None, "")
                )
                self.reconnects += 1
                self.changed.set()
                await self._connect()
                self.changed.set()
                continue
            await self.apply(frame)
            self._settle_replies(frame)
            self.changed.set()

    def _settle_replies(self, frame: str) -> None:
        match = HEADER.match(frame)
        if match and match[1] == "reply" and match[2] in self.pending:
            command = self.pending.pop(match[2])
            if self.replies.get(match[2]) is None:
                self.acknowledged[match[2]] = command["text"]

    async def send(self, message: dict) -> None:
        await self._send_quietly(message)

    async def _send_quietly(self, message: dict) -> None:
        # A closed socket is the reader's business: it reconnects and re-sends.
        with contextlib.suppress(websockets.ConnectionClosed):
            await self.socket.send(json.dumps(message))
