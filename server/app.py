"""Builds the app from explicit Settings; every route is listed here."""

import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from .realtime.broadcast import broadcast_from_url
from .realtime.hub import Hub
from .services import installation, invites, projectors, registrations
from .services.backends import Backends
from .services.breakouts import BreakoutClock
from .services.config_files import load_into
from .services.passwords import Passwords
from .services.presence import forget_stale_presence
from .services.rate_limits import RateLimits
from .settings import PROJECT_ROOT, Settings
from .store.database import Database
from .views.board import RoomRenderer
from .views.environment import Views
from .views.plenary import PlenaryRenderer
from .web import (
    accounts,
    calendars,
    conference_editor,
    console,
    directory_pages,
    live,
    pages,
    plenary_pages,
    registration_console,
    registration_editor,
    registration_pages,
    room_editor,
)
from .web.departures import Departures
from .web.headers import SecurityHeaders
from .web.members import SERVE_AFTER_ADMISSION
from .web.origin import OriginCheck
from .web.plenary_live import PlenarySocket, ProjectorSocket
from .web.runtime import Runtime
from .web.sessions import Sessions

log = logging.getLogger(__name__)

STATIC_FILES = {
    "htmx": "/static/vendor/htmx-2.0.11.min.js",
    "htmx_ws": "/static/vendor/htmx-ext-ws-2.0.4.min.js",
    "htmx_morph": "/static/vendor/idiomorph-ext-0.8.0.min.js",
    "js": "/static/plenum.js",
    "css": "/static/plenum.css",
    "favicon": "/static/favicon.svg",
    "export_js": "/static/export.js",  # the console's export progress
    "console_js": "/static/console.js",  # the console's copy buttons
}

ROUTES = [
    # --- Joining and rooms ---
    Route("/", pages.start_get, methods=["GET"]),
    Route("/code", pages.code_post, methods=["POST"]),
    Route("/language", pages.language_post, methods=["POST"]),
    Route("/favicon.ico", pages.favicon_get, methods=["GET"]),
    Route("/c/{slug}", pages.conference_get, methods=["GET"]),
    Route("/c/{slug}/join", pages.join_post, methods=["POST"]),
    Route("/c/{slug}/tables", pages.tables_post, methods=["POST"]),
    Route("/c/{slug}/calendar.ics", calendars.participant_get, methods=["GET"]),
    Route("/c/{slug}/people", directory_pages.people_get, methods=["GET"]),
    Route("/c/{slug}/people", directory_pages.people_post, methods=["POST"]),
    Route("/c/{slug}/register", registration_pages.form_get, methods=["GET"]),
    Route("/c/{slug}/register", registration_pages.form_post, methods=["POST"]),
    Route("/c/{slug}/registration/{token}", registration_pages.personal_get, methods=["GET"]),
    Route(
        "/c/{slug}/registration/{token}/cancel",
        registration_pages.cancel_post,
        methods=["POST"],
    ),
    Route("/c/{slug}/registration/{token}/enter", registration_pages.enter_post, methods=["POST"]),
    Route(
        "/c/{slug}/registration/{token}/calendar.ics",
        registration_pages.calendar_get,
        methods=["GET"],
    ),
    Route("/c/{slug}/rooms/{room}", pages.room_get, methods=["GET"]),
    Route("/c/{slug}/rooms/{room}/members", pages.room_members_get, methods=["GET"]),
    Route("/c/{slug}/moderate/{token}", pages.invite_get, methods=["GET"]),
    Route("/c/{slug}/moderate/{token}", pages.invite_post, methods=["POST"]),
    WebSocketRoute("/ws/rooms/{room_id:int}", live.RoomSocket()),
    # --- Organiser sign-in and console ---
    Route("/login", accounts.login_get, methods=["GET"]),
    Route("/login", accounts.login_post, methods=["POST"]),
    Route("/logout", accounts.logout_post, methods=["POST"]),
    Route("/logout/everywhere", accounts.logout_everywhere_post, methods=["POST"]),
    Route("/console", console.console_get, methods=["GET"]),
    Route("/console/conferences/new", conference_editor.new_get, methods=["GET"]),
    Route("/console/conferences/new", conference_editor.new_post, methods=["POST"]),
    Route("/console/conferences/upload", conference_editor.upload_post, methods=["POST"]),
    Route("/console/{slug}", console.conference_get, methods=["GET"]),
    Route("/console/{slug}/invites", console.invite_post, methods=["POST"]),
    Route("/console/{slug}/invites/{invite_id:int}/revoke", console.revoke_post, methods=["POST"]),
    Route("/console/{slug}/conference.yaml", console.conference_file_get, methods=["GET"]),
    Route("/console/{slug}/calendar.ics", calendars.console_get, methods=["GET"]),
    Route("/console/{slug}/edit", conference_editor.details_get, methods=["GET"]),
    Route("/console/{slug}/edit", conference_editor.details_post, methods=["POST"]),
    Route("/console/{slug}/edit/agenda", conference_editor.agenda_get, methods=["GET"]),
    Route("/console/{slug}/edit/agenda", conference_editor.agenda_post, methods=["POST"]),
    Route("/console/{slug}/edit/agenda/check", conference_editor.agenda_check, methods=["POST"]),
    Route(
        "/console/{slug}/edit/registration",
        registration_editor.registration_get,
        methods=["GET"],
    ),
    Route(
        "/console/{slug}/edit/registration",
        registration_editor.registration_post,
        methods=["POST"],
    ),
    Route("/console/{slug}/edit/rooms", room_editor.rooms_get, methods=["GET"]),
    Route("/console/{slug}/edit/rooms", room_editor.rooms_post, methods=["POST"]),
    Route("/console/{slug}/edit/rooms/{room}", room_editor.room_get, methods=["GET"]),
    Route("/console/{slug}/edit/rooms/{room}", room_editor.room_post, methods=["POST"]),
    Route("/console/{slug}/edit/rooms/{room}/remove", room_editor.remove_get, methods=["GET"]),
    Route("/console/{slug}/edit/rooms/{room}/remove", room_editor.remove_post, methods=["POST"]),
    Route("/console/{slug}/poster", console.poster_get, methods=["GET"]),
    Route("/console/{slug}/poster/qr.svg", console.poster_qr_get, methods=["GET"]),
    Route("/console/{slug}/poster/pdf", console.poster_pdf_get, methods=["GET"]),
    Route("/console/{slug}/exports", console.exports_get, methods=["GET"]),
    Route("/console/{slug}/registrations", registration_console.list_get, methods=["GET"]),
    Route("/console/{slug}/registrations.csv", registration_console.csv_get, methods=["GET"]),
    Route("/console/{slug}/registrations/open", registration_console.open_post, methods=["POST"]),
    Route(
        "/console/{slug}/registrations/allocate",
        registration_console.allocate_post,
        methods=["POST"],
    ),
    Route(
        "/console/{slug}/registrations/{registration_id:int}/move",
        registration_console.move_post,
        methods=["POST"],
    ),
    Route(
        "/console/{slug}/registrations/{registration_id:int}/cancel",
        registration_console.cancel_post,
        methods=["POST"],
    ),
    Route("/console/{slug}/exports/download", console.export_download, methods=["GET"]),
    # --- The plenary, the organiser's dashboard and the projectors ---
    Route("/console/{slug}/live", plenary_pages.dashboard_get, methods=["GET"]),
    Route("/c/{slug}/projector/{key}", plenary_pages.projector_get, methods=["GET"]),
    Route(
        "/c/{slug}/rooms/{room}/projector/{key}",
        plenary_pages.room_projector_get,
        methods=["GET"],
    ),
    WebSocketRoute("/ws/conferences/{conference_id:int}", PlenarySocket("plenary")),
    WebSocketRoute("/ws/conferences/{conference_id:int}/dashboard", PlenarySocket("dashboard")),
    WebSocketRoute(
        "/ws/conferences/{conference_id:int}/projector", ProjectorSocket(projectors.CONFERENCE)
    ),
    WebSocketRoute("/ws/rooms/{room_id:int}/projector", ProjectorSocket(projectors.ROOM)),
    Mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static"),
]


class Plenum(Starlette):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A live socket is admitted through the middleware and then served from here
        (web/members.live_socket): a big room's thousands of idle sockets do not each keep
        every middleware layer's coroutine suspended. The serving runs also when
        admission ended in an exception after handing it out: it is what leaves the hub
        and the room again."""
        if scope["type"] != "websocket":
            await super().__call__(scope, receive, send)
            return
        after: list[Callable[[], Awaitable[None]]] = []
        scope[SERVE_AFTER_ADMISSION] = after
        try:
            await super().__call__(scope, receive, send)
        finally:
            for serve in after:
                await serve()

    def build_middleware_stack(self) -> ASGIApp:
        # Around Starlette's own error handling, so that its 500s carry the headers too.
        return SecurityHeaders(super().build_middleware_stack())


def create_app(settings: Settings) -> Starlette:
    database = Database(settings.database_url)
    backends = Backends(database, broadcast_from_url(settings.broadcast_url))
    installation.migrate(backends)
    secret = installation.secret_key(backends, settings)
    views = Views(static_files=STATIC_FILES)
    room_renderer = RoomRenderer(views)
    plenary_renderer = PlenaryRenderer(views, room_renderer)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        broadcast = backends.broadcast
        load_into(backends, list(settings.sessions_config), changed_only=True)
        await broadcast.connect()
        if settings.broadcast_url.startswith("memory:"):
            # One process by definition: connections counted before are gone. With a bus,
            # other processes' connections are live and must not be forgotten.
            forget_stale_presence(backends)
        # What a joiner is sent after a cached snapshot stays a quarter of its backlog.
        replay = settings.socket_backlog_bytes // 4
        hub = Hub(database, broadcast, settings.coalesce_ms / 1000, replay)
        clock = BreakoutClock(backends, settings.breakout_tick_seconds)
        clock.start()
        passwords = Passwords()
        limits = RateLimits(settings.broadcast_url, settings.rate_limits)
        departures = Departures(settings.departure_grace_seconds)
        # On SIGTERM the CLI's server calls this before uvicorn closes sockets itself.
        app.state.before_shutdown = hub.say_goodbye
        try:
            runtime = Runtime(
                settings,
                backends,
                views,
                room_renderer,
                hub,
                invites.signer(secret),
                passwords,
                plenary_renderer,
                projectors.signer(secret),
                limits,
                departures,
                registrations.signer(secret),
            )
            yield {"runtime": runtime}
        finally:
            await departures.close()
            await clock.stop()
            await limits.close()
            passwords.close()
            await hub.close()
            await broadcast.disconnect()
            database.close()

    middleware = [
        Middleware(
            Sessions,
            secret_key=secret,
            session_cookie="plenum_session",
            max_age=int(timedelta(days=settings.session_days).total_seconds()),
            same_site="lax",
            https_only=settings.secure_cookies,
        ),
        Middleware(OriginCheck, allowed=settings.allowed_origins),
    ]
    return Plenum(
        routes=ROUTES,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: pages.http_error},
    )
