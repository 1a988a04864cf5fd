from dataclasses import dataclass

from itsdangerous import Signer
from starlette.requests import HTTPConnection

from ..realtime.hub import Hub
from ..services.backends import Backends
from ..services.passwords import Passwords
from ..services.rate_limits import RateLimits
from ..settings import Settings
from ..views.board import RoomRenderer
from ..views.environment import Views
from ..views.plenary import PlenaryRenderer
from .departures import Departures


@dataclass
class Runtime:
    """What the handlers share, built by create_app and handed over in the lifespan state."""

    settings: Settings
    backends: Backends
    views: Views
    room_renderer: RoomRenderer  # a room's frames, pages and replies (the plenary's too)
    hub: Hub
    invite_signer: Signer
    passwords: Passwords
    plenary_renderer: PlenaryRenderer
    projector_signer: Signer  # projector links for screens in the hall
    limits: RateLimits  # how often a participant, address or account may act
    departures: Departures  # closed sockets that may come straight back
    registration_signer: Signer  # personal links of people who registered before the event


def runtime(connection: HTTPConnection) -> Runtime:
    return connection.state.runtime
