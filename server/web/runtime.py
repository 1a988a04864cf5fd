from dataclasses import dataclass

from itsdangerous import Signer
from starlette.requests import HTTPConnection

from ..domain.throttle import Throttle
from ..realtime.hub import Hub
from ..services.backends import Backends
from ..services.passwords import Passwords
from ..settings import Settings
from ..views.board import BoardRenderer
from ..views.environment import Views
from ..views.plenary import PlenaryRenderer


@dataclass
class Runtime:
    """What the handlers share, built by create_app and handed over in the lifespan state."""

    settings: Settings
    backends: Backends
    views: Views
    board_renderer: BoardRenderer
    hub: Hub
    invite_signer: Signer
    # --- Organiser accounts ---
    passwords: Passwords
    login_throttle: Throttle
    # --- The plenary ---
    plenary_renderer: PlenaryRenderer
    projector_signer: Signer  # projector links for screens in the hall


def runtime(connection: HTTPConnection) -> Runtime:
    return connection.state.runtime
