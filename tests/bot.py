"""A bot client written from docs/protocol.md alone: the reference client, for tests.

It keeps its own copy of the page as an HTML tree: a snapshot replaces it, a delta's
out-of-band elements are swapped in by the doc's rules ("Applying a frame": an element
already in its target list is replaced where it is, one from elsewhere moves, and lists
of cards keep the snapshot's order; `#removed` names elements to drop). A test can then
ask what this member sees, in order, and compare it with the database or a snapshot.
"""

import asyncio
import json
import re
import uuid
from dataclasses import dataclass, field

import httpx2
import websockets
from lxml import html as lxml_html

KINDS = "snapshot|delta|reply|personal|summary"
HEADER = re.compile(rf"^<!--plenum ({KINDS})(?: (\S+))?(?: (\S+))?(?: (\S+))?-->")


def _fragments(frame: str) -> list:
    body = HEADER.sub("", frame, count=1)
    if not body.strip():
        return []
    return lxml_html.fragments_fromstring(body)


def _text(element) -> str:
    return element.text_content().strip()


def _classes(element) -> list[str]:
    return (element.get("class") or "").split()


def _order(element) -> tuple[int, int]:
    """A list of cards holds its clusters first, then its cards, each by ascending id."""
    kind = 0 if "cluster" in _classes(element) else 1
    return kind, int(element.get("id").rsplit("-", 1)[1])


@dataclass(frozen=True)
class RoomPage:
    """What the room page tells a client: its socket's path and its columns."""

    socket_path: str  # /ws/rooms/{room id}
    columns: dict[int, str]  # column id -> title, in the page's order

    @property
    def room_id(self) -> int:
        return int(self.socket_path.rsplit("/", 1)[1])


@dataclass
class Member:
    base: str  # "127.0.0.1:port"
    cookie: str
    name: str
    socket: websockets.ClientConnection | None = None
    seq: int | None = None
    page: object = None  # the lxml tree of what this member sees
    ids: dict = field(default_factory=dict)  # id -> element of `page`, kept in step
    replies: dict[str, str | None] = field(default_factory=dict)  # cid -> error text or None
    codes: dict[str, str] = field(default_factory=dict)  # cid -> error code, when refused
    created: dict[str, tuple[str, int]] = field(default_factory=dict)  # cid -> ("card", 42)
    notices: dict[str, str] = field(default_factory=dict)  # cid -> notice text
    frames: list[str] = field(default_factory=list)
    resyncs: int = 0
    closed_with: int | None = None

    @classmethod
    async def join(
        cls, base: str, slug: str, name: str, organisation: str = "", name_consent: bool = False
    ) -> "Member":
        """Join the conference with its join form; the session cookie is the identity."""
        form = {"display_name": name, "organisation": organisation}
        if name_consent:
            form["name_consent"] = "yes"
        async with httpx2.AsyncClient(base_url=f"http://{base}") as client:
            response = await client.post(f"/c/{slug}/join", data=form)
            assert response.status_code == 303, response.text
            return cls(base, f"plenum_session={client.cookies['plenum_session']}", name)

    async def get(self, path: str) -> httpx2.Response:
        async with httpx2.AsyncClient(base_url=f"http://{self.base}") as client:
            return await client.get(path, headers={"Cookie": self.cookie})

    async def room_slugs(self, slug: str) -> list[str]:
        """The rooms the lobby (/c/{conference}) links to, in its order."""
        response = await self.get(f"/c/{slug}")
        assert response.status_code == 200, response.status_code
        prefix = f"/c/{slug}/rooms/"
        links = lxml_html.fromstring(response.text).xpath(f"//a[starts-with(@href, '{prefix}')]")
        slugs = [link.get("href").removeprefix(prefix) for link in links]
        return list(dict.fromkeys(slug for slug in slugs if "/" not in slug))

    async def room_page(self, slug: str, room_slug: str) -> RoomPage:
        """Open /c/{conference}/rooms/{room}: `#live[ws-connect]` is the room's socket,
        `section.column[data-column]` its columns (ids for `post_card` and `move_cards`)."""
        response = await self.get(f"/c/{slug}/rooms/{room_slug}")
        assert response.status_code == 200, response.status_code
        page = lxml_html.fromstring(response.text)
        columns = {
            int(section.get("data-column")): _text(section.find("h3"))
            for section in page.xpath("//section[@data-column]")
        }
        return RoomPage(page.get_element_by_id("live").get("ws-connect"), columns)

    async def accept_invite(self, link: str) -> str:
        """Accept a moderator's link (POST to it, as its page's button does); returns the
        room page it sends to."""
        path = "/" + link.split("://", 1)[-1].split("/", 1)[1]
        async with httpx2.AsyncClient(base_url=f"http://{self.base}") as client:
            response = await client.post(path, headers={"Cookie": self.cookie})
        assert response.status_code == 303, response.text
        return response.headers["location"]

    async def enter(self, room_id: int, **connect_options) -> None:
        """Open the room socket and wait for the first snapshot."""
        await self.open(f"/ws/rooms/{room_id}", **connect_options)

    async def attend(self, conference_id: int, kind: str = "") -> None:
        """Open the plenary's socket (kind: "" or "dashboard"; a projector's needs a key:
        tests/helpers.screen)."""
        await self.open(f"/ws/conferences/{conference_id}" + (f"/{kind}" if kind else ""))

    async def open(self, path: str, **connect_options) -> None:
        self.socket = await websockets.connect(
            f"ws://{self.base}{path}",
            additional_headers={"Cookie": self.cookie},
            compression=None,
            **connect_options,
        )
        self.seq = None
        await self.until(lambda m: m.seq is not None)

    async def leave(self) -> None:
        await self.socket.close()

    async def post(self, column_id: int, text: str, cid: str | None = None) -> str:
        return await self.command("post_card", cid=cid, column=str(column_id), text=text)

    async def command(self, command: str, cid: str | None = None, **fields) -> str:
        """Send a command as the page's forms do; returns its command id."""
        cid = cid or uuid.uuid4().hex
        await self.send({"command": command, "cid": cid, **fields})
        return cid

    async def act(self, command: str, **fields) -> str | None:
        """Send a command and wait for its reply: None if applied, else the error text."""
        cid = await self.command(command, **fields)
        await self.until(lambda m: cid in m.replies)
        return self.replies[cid]

    async def send(self, message: dict) -> None:
        await self.socket.send(json.dumps(message))

    async def receive(self, timeout: float = 5) -> str:
        try:
            frame = await asyncio.wait_for(self.socket.recv(), timeout)
        except websockets.ConnectionClosed as closed:
            self.closed_with = closed.rcvd.code if closed.rcvd else None
            raise
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
        kind, a, b, c = match.groups()
        if kind == "reply":
            self._reply(a, b, c, frame)
        elif kind in ("personal", "summary"):
            if self.page is not None:
                self._swap(_fragments(frame))
        elif kind == "snapshot":
            self.seq = int(a)
            self.page = lxml_html.fragment_fromstring("<div id='page'></div>")
            self.ids = {}
            for element in _fragments(frame):
                element.attrib.pop("hx-swap-oob", None)
                self._upsert(self.page, element)
        elif self.seq is not None and int(b) > self.seq:
            if int(a) != self.seq + 1:
                self.seq = None
                self.resyncs += 1
                await self.send({"command": "resync"})
                return
            self.seq = int(b)
            self._swap(_fragments(frame))

    def _reply(self, cid: str, outcome: str, detail: str | None, frame: str) -> None:
        """`ok` [kind=id of what was created] or `error` code; `#room-error` says it."""
        elements = _fragments(frame)
        box = elements[0] if elements else None
        if outcome == "error":
            self.codes[cid] = detail
            self.replies[cid] = _text(box) if box is not None else detail
            return
        self.replies[cid] = None
        if detail:
            kind, _, ident = detail.partition("=")
            self.created[cid] = (kind, int(ident))
        notice = box.find_class("room-notice") if box is not None else []
        if notice:
            self.notices[cid] = _text(notice[0])

    def find(self, element_id: str):
        return self.ids.get(element_id)

    def _index(self, element) -> None:
        for node in element.iter():
            if isinstance(node.tag, str) and node.get("id"):
                self.ids[node.get("id")] = node

    def _remove(self, element) -> None:
        self._remove_keep(element)
        element.getparent().remove(element)

    def _remove_keep(self, element) -> None:
        """Forget an element's ids before it is replaced in place."""
        for node in element.iter():
            if isinstance(node.tag, str) and self.ids.get(node.get("id")) is node:
                del self.ids[node.get("id")]

    def _upsert(self, parent, element) -> None:
        """Already in `parent`: replaced where it is. Elsewhere: removed there, then put
        in `parent` as new. New: at its place in a list of cards, else at the end."""
        old = element.get("id") and self.find(element.get("id"))
        if old is not None and old.getparent() is parent:
            self._remove_keep(old)
            parent.replace(old, element)
        else:
            if old is not None:
                self._remove(old)
            self._place(parent, element)
        self._index(element)

    @staticmethod
    def _place(parent, element) -> None:
        if "cards" in _classes(parent):
            after = _order(element)
            for index, sibling in enumerate(parent):
                if _order(sibling) > after:
                    parent.insert(index, element)
                    return
        parent.append(element)

    def _swap(self, elements: list) -> None:
        """Out-of-band swaps, as htmx does them (only the styles our fragments use)."""
        for element in elements:
            spec = element.attrib.pop("hx-swap-oob", "true")
            style, _, selector = spec.partition(":")
            if style in ("beforeend", "afterbegin"):
                target_id = selector.lstrip("#")
                if target_id == "removed":
                    for mark in element.xpath(".//*[@data-remove]"):
                        gone = self.find(mark.get("data-remove"))
                        if gone is not None:
                            self._remove(gone)
                    continue
                target = self.find(target_id)
                assert target is not None, f"no #{target_id} for {spec}"
                for child in list(element):
                    self._upsert(target, child)
            elif style == "delete":
                old = self.find(element.get("id"))
                if old is not None:
                    self._remove(old)
            elif style == "innerHTML":
                target = self.find(element.get("id"))
                if target is None:
                    continue
                for child in list(target):
                    self._remove(child)
                target.text = element.text
                for child in list(element):
                    target.append(child)
                    self._index(child)
            else:
                old = self.find(element.get("id"))
                if old is None:
                    self.page.append(element)
                else:
                    parent = old.getparent()
                    self._remove_keep(old)
                    parent.replace(old, element)
                self._index(element)

    # --- What this member sees -------------------------------------------------------

    def cards(self, column_id: int | None = None) -> list:
        """Card elements in page order: a column's clusters' cards, then its other cards."""
        root = self.find(f"cards-{column_id}") if column_id is not None else self.page
        if root is None:
            return []
        return root.xpath(".//li[contains(concat(' ', @class, ' '), ' card ')]")

    def lists(self) -> dict[str, list[str]]:
        """Every list of cards (columns, clusters, the queue): the ids in it, in order."""
        if self.page is None:
            return {}
        lists = self.page.xpath(".//ol[contains(concat(' ', @class, ' '), ' cards ')]")
        return {ol.get("id"): [item.get("id") for item in ol] for ol in lists}

    @property
    def columns(self) -> dict[int, list[tuple[int, str]]]:
        """Column id -> (card id, text) in page order, clustered cards included."""
        if self.page is None:
            return {}
        lists = self.page.xpath("//ol[starts-with(@id, 'cards-')]")
        return {
            int(column.get("id")[6:]): [
                (int(card.get("id")[5:]), _text(card.find_class("card-text")[0]))
                for card in self.cards(int(column.get("id")[6:]))
            ]
            for column in lists
        }

    def newest_text(self, column_id: int) -> str | None:
        """The text of the card appended last to a column (cheap, for load tests)."""
        column = self.find(f"cards-{column_id}")
        if column is None or not len(column):
            return None
        text = column[-1].find("p[@class='card-text']")
        return _text(text) if text is not None else None

    def texts(self, column_id: int) -> list[str]:
        return [_text(card.find_class("card-text")[0]) for card in self.cards(column_id)]

    def card_ids(self) -> list[int]:
        return [int(card.get("id").split("-")[1]) for card in self.cards()]

    def card(self, card_id: int):
        return self.find(f"card-{card_id}")

    def card_text(self, card_id: int) -> str | None:
        card = self.card(card_id)
        return _text(card.find_class("card-text")[0]) if card is not None else None

    def votes(self, card_id: int) -> int | None:
        """The dots this member sees on a card (None: not shown to them)."""
        count = self.find(f"votes-{card_id}")
        return int(count.get("data-votes")) if count is not None else None

    def my_votes(self) -> dict:
        mine = self.find("my-votes")
        if mine is None:
            return {}
        return {
            "left": int(mine.get("data-left")),
            "cards": {int(k): v for k, v in json.loads(mine.get("data-cards")).items()},
        }

    def clusters(self) -> dict[str, list[int]]:
        """Cluster name -> card ids in it, in page order."""
        result = {}
        for cluster in self.page.find_class("cluster") if self.page is not None else []:
            name = cluster.find_class("cluster-name")[0].get("data-name")
            cards = cluster.xpath(".//li[contains(concat(' ', @class, ' '), ' card ')]")
            result[name] = [int(c.get("id").split("-")[1]) for c in cards]
        return result

    def takeaways(self) -> list[str]:
        results = self.find("results")
        if results is None:
            return []
        return [_text(t) for t in results.find_class("takeaway-text")]

    def queue(self) -> list[int]:
        queue = self.find("queue")
        return [int(c.get("id").split("-")[1]) for c in queue] if queue is not None else []

    def has(self, element_id: str) -> bool:
        return self.find(element_id) is not None

    @property
    def members(self) -> dict[int, str]:
        members = self.find("members")
        if members is None:
            return {}
        return {
            int(item.get("data-participant")): " ".join(
                "".join(item.xpath("./text() | ./span//text()")).split()
            )
            for item in members
        }

    def state(self) -> dict:
        state = self.find("room-state")
        return dict(state.attrib) if state is not None else {}
