"""Two and three sockets through Starlette's test client (one shared event loop)."""

import json
import re

from .helpers import MYK, join


def _room_and_column(client, cookie: str, room: str) -> tuple[int, int]:
    page = client.get(f"/c/{MYK}/rooms/{room}", headers={"cookie": cookie}).text
    room_id = int(re.search(r'ws-connect="/ws/rooms/(\d+)"', page).group(1))
    column = int(re.search(r'name="column" value="(\d+)"', page).group(1))
    return room_id, column


def _receive_until(socket, marker: str) -> str:
    for _ in range(20):
        frame = socket.receive_text()
        if marker in frame:
            return frame
    raise AssertionError(f"{marker!r} never arrived")


def test_a_card_reaches_both_sockets_of_the_room_and_not_the_other_room(client):
    anna, ben, carla = (join(client, name) for name in ("Anna", "Ben", "Carla"))
    client.cookies.clear()
    narrative, column = _room_and_column(client, anna, "narrative-der-smart-city")
    strategy, _ = _room_and_column(client, carla, "strategieentwicklung")

    with (
        client.websocket_connect(f"/ws/rooms/{narrative}", headers={"cookie": anna}) as a,
        client.websocket_connect(f"/ws/rooms/{narrative}", headers={"cookie": ben}) as b,
        client.websocket_connect(f"/ws/rooms/{strategy}", headers={"cookie": carla}) as c,
    ):
        for socket in (a, b, c):
            assert socket.receive_text().startswith("<!--plenum snapshot")
        message = {"command": "post_card", "cid": "c-1", "column": column, "text": "Zuhören"}
        a.send_text(json.dumps(message))
        a.send_text(json.dumps(message))  # a retry: applied once

        assert "Zuhören" in _receive_until(b, "card-text")
        _receive_until(a, "card-text")
        c.send_text(json.dumps({"command": "resync"}))
        snapshot = _receive_until(c, "plenum snapshot")
        assert "Zuhören" not in snapshot

    b_page = client.get(f"/c/{MYK}/rooms/narrative-der-smart-city", headers={"cookie": ben}).text
    assert len(re.findall(r'class="card-text" id="text-\d+">Zuhören<', b_page)) == 1
