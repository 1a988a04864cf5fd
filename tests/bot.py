"""A bot client that speaks docs/protocol.md the way plenum.js does, for tests.

It keeps its own copy of the board from snapshots and deltas, so a test can compare
what a member sees with the database.
"""

import asyncio
import html
import json
import re
import uuid
from dataclasses import dataclass, field

import httpx2
import websockets

HEADER = re.compile(r"^<!--plenum (snapshot|delta|reply) (\S+)(?: (\S+))?-->")
COLUMN = re.compile(r'<ol id="cards-(\d+)"[^>]*>(.*?)</ol>', re.S)
CARD = re.compile(r'<li id="card-(\d+)"[^>]*>\s*<p class="card-text">(.*?)</p>', re.S)
INSERT = re.compile(r'<div hx-swap-oob="beforeend:#cards-(\d+)">(.*?)</div>', re.S)
MEMBER = re.compile(r'<li id="member-(\d+)">(.*?)</li>', re.S)
MEMBER_GONE = re.compile(r'<li id="member-(\d+)" hx-swap-oob="delete">')
ERROR = re.compile(r'<div id="room-error" hx-swap-oob="innerHTML">(.*?)</div>', re.S)


@dataclass
class Member:
    base: str  # "127.0.0.1:port"
    cookie: str
    name: str
    socket: websockets.ClientConnection | None = None
    seq: int | None = None
    columns: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    members: dict[int, str] = field(default_factory=dict)
    replies: dict[str, str | None] = field(default_factory=dict)  # cid -> error text or None
    frames: list[str] = field(default_factory=list)
    resyncs: int = 0

    @classmethod
    async def join(cls, base: str, slug: str, name: str, organisation: str = "") -> "Member":
        async with httpx2.AsyncClient(base_url=f"http://{base}") as client:
            response = await client.post(
                f"/c/{slug}/join", data={"display_name": name, "organisation": organisation}
            )
            assert response.status_code == 303, response.text
            return cls(base, f"plenum_session={client.cookies['plenum_session']}", name)

    async def enter(self, room_id: int, **connect_options) -> None:
        """Open the room socket and wait for the first snapshot."""
        self.socket = await websockets.connect(
            f"ws://{self.base}/ws/rooms/{room_id}",
            additional_headers={"Cookie": self.cookie},
            compression=None,
            **connect_options,
        )
        self.seq = None
        await self.until(lambda m: m.seq is not None)

    async def leave(self) -> None:
        await self.socket.close()

    async def post(self, column_id: int, text: str, cid: str | None = None) -> str:
        cid = cid or uuid.uuid4().hex
        await self.send(
            {"command": "post_card", "cid": cid, "column": str(column_id), "text": text}
        )
        return cid

    async def send(self, message: dict) -> None:
        await self.socket.send(json.dumps(message))

    async def receive(self, timeout: float = 5) -> str:
        frame = await asyncio.wait_for(self.socket.recv(), timeout)
        self.frames.append(frame)
        await self.apply(frame)
        return frame

    async def until(self, condition, timeout: float = 5) -> None:
        """Read frames until `condition(self)` holds; fail after `timeout` seconds."""
        async with asyncio.timeout(timeout):
            while not condition(self):
                await self.receive(timeout)

    async def apply(self, frame: str) -> None:
        match = HEADER.match(frame)
        assert match, f"frame without header: {frame[:80]!r}"
        kind, a, b = match.groups()
        if kind == "reply":
            error = ERROR.search(frame)
            text = html.unescape(error.group(1)) if error else ""
            self.replies[a] = text or None
        elif kind == "snapshot":
            self.seq = int(a)
            self.columns = {
                int(col): [(int(i), html.unescape(t)) for i, t in CARD.findall(body)]
                for col, body in COLUMN.findall(frame)
            }
            self.members = {int(i): html.unescape(n) for i, n in MEMBER.findall(frame)}
        elif self.seq is not None and int(b) > self.seq:
            if int(a) != self.seq + 1:
                self.seq = None
                self.resyncs += 1
                await self.send({"command": "resync"})
                return
            self.seq = int(b)
            for col, body in INSERT.findall(frame):
                self.columns[int(col)].extend(
                    (int(i), html.unescape(t)) for i, t in CARD.findall(body)
                )
            for i in MEMBER_GONE.findall(frame):
                self.members.pop(int(i), None)
            for i, n in MEMBER.findall(frame):
                self.members[int(i)] = html.unescape(n)

    def texts(self, column_id: int) -> list[str]:
        return [text for _, text in self.columns.get(column_id, [])]

    def card_ids(self) -> list[int]:
        return sorted(i for cards in self.columns.values() for i, _ in cards)
