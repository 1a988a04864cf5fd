"""Command line: check and load sessions_config files, migrate the database, start the server."""

import argparse
import asyncio
import contextlib
import ctypes
import gc
import getpass
import logging
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import uvicorn

from . import log_filters
from .conference_files import ConfigError, load_conference_dir, load_conference_file
from .domain.errors import DomainError
from .domain.permissions import Role
from .services import conferences, installation, invites, organisers
from .services.backends import Backends
from .services.config_files import load_into
from .settings import Settings
from .socket_protocol import WebSocketProtocol
from .views.i18n import Translator

# The largest message a socket takes; a larger one closes it with 1009. The largest a
# person sends is an organiser's breakout plan (a CSV line per participant, thousands
# fit); uvicorn's default of 16 MiB would let every socket make the server hold that much.
MAX_MESSAGE_BYTES = 256 * 1024


def uvicorn_config(
    app, host: str, port: int, log_level: str = "info", trusted_proxies: tuple[str, ...] = ()
) -> uvicorn.Config:
    """The server options every entry point shares (the benchmark and tests use them too).

    websockets-sansio (server/socket_protocol.py) writes a frame straight to the socket
    when it has room, which the hub relies on; compression costs CPU and memory per
    connection, so it stays off. The client's address (which rate limits count) comes
    from X-Forwarded-For only when the request comes from one of `trusted_proxies`.
    Secrets in links are masked in its log lines.
    """
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        ws=WebSocketProtocol,
        ws_per_message_deflate=False,
        ws_max_size=MAX_MESSAGE_BYTES,
        lifespan="on",
        server_header=False,  # what runs here is nobody's business
        proxy_headers=bool(trusted_proxies),
        forwarded_allow_ips=list(trusted_proxies),
    )
    log_filters.install()  # after the Config: making it configures uvicorn's logging
    return config


class Server(uvicorn.Server):
    """uvicorn's server, but on SIGTERM (or Ctrl+C) the app closes its room sockets first,
    with 1012 "server restarting", so clients reconnect to another worker or to this one
    when it is back; uvicorn alone would close them without saying why."""

    def __init__(self, config: uvicorn.Config, app) -> None:
        super().__init__(config)
        self.app = app

    async def shutdown(self, sockets=None) -> None:
        goodbye = getattr(self.app.state, "before_shutdown", None)
        if goodbye is not None:
            await goodbye()
        await super().shutdown(sockets)


def _paths(values: list[str], settings: Settings) -> list[Path]:
    return [Path(v) for v in values] if values else list(settings.sessions_config)


def cmd_check(args, settings: Settings) -> int:
    for path in _paths(args.paths, settings):
        configs = load_conference_dir(path) if path.is_dir() else [load_conference_file(path)]
        for config in configs:
            print(
                f"ok  {config.slug}: {len(config.agenda)} agenda items, {len(config.rooms)} rooms"
            )
    return 0


@contextlib.contextmanager
def _ready(settings: Settings) -> Iterator[Backends]:
    """How every command that works on the data opens it: the database, at the newest
    schema, and the bus (connected only to tell running servers about a change)."""
    with installation.opened(settings) as backends:
        installation.migrate(backends)
        yield backends


def cmd_load(args, settings: Settings) -> int:
    with _ready(settings) as backends:
        changes = load_into(backends, _paths(args.paths, settings))
    for slug, count in changes.items():
        print(f"{slug}: {'unchanged' if count == 0 else f'{count} changes'}")
    return 0


def cmd_migrate(args, settings: Settings) -> int:
    with installation.opened(settings) as backends:
        upgrade = installation.migrate(backends)
    was = "" if upgrade.before == upgrade.after else f" (was {upgrade.before})"
    print(f"database at revision {upgrade.after}{was}")
    return 0


def cmd_revision(args, settings: Settings) -> int:
    path = installation.new_revision(args.message)
    print(f"wrote {path}; review it, then run it on SQLite and PostgreSQL (tests do both)")
    return 0


# --- Moderator invites ---


def cmd_invite(args, settings: Settings) -> int:
    with _ready(settings) as backends:
        signing = invites.signer(installation.secret_key(backends, settings))
        token = invites.create(backends, signing, args.conference, args.room, args.name)
    print(f"Moderation link for {args.name} (shown only now; keep it secret):")
    print(f"{args.base_url.rstrip('/')}/c/{args.conference}/moderate/{token}")
    return 0


def cmd_invites(args, settings: Settings) -> int:
    with _ready(settings) as backends:
        rows = invites.of_conference(backends, args.conference)
    for invite, room_slug in rows:
        state = f"revoked {invite.revoked_at:%Y-%m-%d %H:%M}" if invite.revoked_at else "valid"
        print(f"{invite.id:>5}  {room_slug:<32} {invite.name:<30} {state}")
    return 0


def cmd_revoke_invite(args, settings: Settings) -> int:
    with _ready(settings) as backends:
        revoked = invites.revoke(backends, args.invite_id)
        if revoked is not None and revoked.seq is not None:
            asyncio.run(_announce(backends, revoked.room_id, revoked.seq))
    print(f"invite {args.invite_id}: {'revoked' if revoked else 'not found or already revoked'}")
    return 0 if revoked else 2


async def _announce(backends: Backends, room_id: int, seq: int) -> None:
    """Tell running servers about a change made here, through the bus. With the embedded
    default (memory://) no other process hears it: the room's pages learn of it with the
    room's next event."""
    await backends.broadcast.connect()
    try:
        await backends.announce(room_id, seq)
    finally:
        await backends.broadcast.disconnect()


# --- Organiser accounts ---


class PasswordNotGiven(Exception):
    pass


def _read_password(args) -> str:
    """From stdin's first line with --password-stdin; otherwise asked twice, unechoed."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise PasswordNotGiven("no terminal to ask for the password: use --password-stdin")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != first:
        raise PasswordNotGiven("the two passwords differ; nothing was changed")
    return first


def cmd_create_organiser(args, settings: Settings) -> int:
    password = _read_password(args)
    with _ready(settings) as backends:
        account = organisers.create(backends, args.username, args.name, password)
    print(f"organiser {account.username} ({account.display_name}) created; sign in at /login")
    return 0


def cmd_organisers(args, settings: Settings) -> int:
    with _ready(settings) as backends:
        accounts = organisers.all_accounts(backends)
    for account in accounts:
        print(f"{account.username:<40} {account.display_name:<40} {account.created_at:%Y-%m-%d}")
    if not accounts:
        print("no organiser accounts yet (create one with create-organiser)")
    return 0


def cmd_delete_organiser(args, settings: Settings) -> int:
    with _ready(settings) as backends:
        deleted = organisers.delete(backends, args.username)
    print(f"organiser {args.username}: {'deleted' if deleted else 'not found'}")
    return 0 if deleted else 2


def cmd_set_password(args, settings: Settings) -> int:
    password = _read_password(args)
    with _ready(settings) as backends:
        organisers.set_password(backends, args.username, password)
    print(f"organiser {args.username}: new password set; older sign-ins have ended")
    return 0


def _add_organiser_commands(commands) -> None:
    create = commands.add_parser("create-organiser", help="create an organiser's account")
    create.add_argument("username", help="2-40 characters: a-z, 0-9, '.', '-', '_'")
    create.add_argument("--name", required=True, help="the name shown in the console and rooms")
    create.add_argument("--password-stdin", action="store_true", help="read it from stdin")
    commands.add_parser("organisers", help="list the organisers' accounts")
    delete = commands.add_parser("delete-organiser", help="delete an organiser's account")
    delete.add_argument("username")
    password = commands.add_parser("set-password", help="give an organiser a new password")
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true", help="read it from stdin")


ORGANISER_COMMANDS = {
    "create-organiser": cmd_create_organiser,
    "organisers": cmd_organisers,
    "delete-organiser": cmd_delete_organiser,
    "set-password": cmd_set_password,
}

# --- Exports and retention ---


def cmd_export(args, settings: Settings) -> int:
    from .exports import Authors, ExportOptions, Format, scope
    from .services import exports
    from .store.conferences import agenda_of
    from .views.environment import Views

    with _ready(settings) as backends:
        conference = conferences.named(backends, args.conference)
        agenda = backends.database.run_read(lambda s: agenda_of(s, conference.id))
        options = ExportOptions(
            format=Format(args.format),
            room=args.room,
            day=scope.day_asked(args.day, conference),
            track=scope.track_asked(args.track, agenda),
            include_hidden=args.include_hidden,
            authors=Authors.PSEUDONYMS if args.pseudonyms else Authors.NAMES,
            language=args.language or conference.language,
            delimiter="," if args.comma else ";",
        )
        views = Views()
        export = exports.open_export(
            backends,
            Role.ORGANISER,  # whoever runs the command line runs the installation
            conference,
            options,
            views.translator(options.language),
            views.env.get_template("report.html"),
        )
        with contextlib.closing(export), _output(args.out) as target:
            for chunk in export.chunks:
                target.write(chunk)
    if args.out:
        print(f"{args.out}: {Path(args.out).stat().st_size} bytes", file=sys.stderr)
    return 0


@contextlib.contextmanager
def _output(path: str | None):
    if path is None:
        yield sys.stdout.buffer
        return
    with open(path, "wb") as target:
        yield target


def cmd_export_config(args, settings: Settings) -> int:
    from .services.config_files import conference_file

    with _ready(settings) as backends:
        conference = conferences.named(backends, args.conference)
        text = conference_file(backends, Role.ORGANISER, conference)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    # The loader takes a file only under its conference's name (sessions_config's rule).
    out = Path(args.out)
    if out.is_dir():
        out = out / f"{conference.slug}.yaml"
    elif out.name != f"{conference.slug}.yaml":
        message = f"error: {out}: a conference file must be named {conference.slug}.yaml"
        print(f"{message} (or give a folder)", file=sys.stderr)
        return 2
    out.write_text(text, encoding="utf-8")
    print(f"{out}: load it with: plenum load {out}", file=sys.stderr)
    return 0


def cmd_purge(args, settings: Settings) -> int:
    from .services import retention

    with _ready(settings) as backends:
        reports = retention.purge(backends, Role.ORGANISER, Translator, dry_run=args.dry_run)
    for report in reports:
        print(retention.describe(report, dry_run=args.dry_run))
    if not reports:
        print("no conference is past its retention period")
    return 0


def _add_export_commands(commands) -> None:
    export = commands.add_parser("export", help="export a conference's results")
    export.add_argument("conference", help="conference slug")
    export.add_argument(
        "--format", choices=["csv", "json", "md", "html", "docx", "pdf"], default="csv"
    )
    export.add_argument("--room", help="only this room (its slug)")
    export.add_argument("--day", help="only this day of the programme (e.g. 2022-04-27)")
    export.add_argument("--track", help="only this track, with the plenary's items")
    export.add_argument(
        "--include-hidden",
        action="store_true",
        help="also hidden cards and cards waiting for approval",
    )
    names = export.add_mutually_exclusive_group()
    names.add_argument(
        "--names", action="store_true", help="names of those who agreed when joining (the default)"
    )
    names.add_argument("--pseudonyms", action="store_true", help="pseudonyms for everyone")
    export.add_argument("--language", choices=["de", "en"], help="default: the conference's")
    export.add_argument("--comma", action="store_true", help="CSV: ',' instead of ';'")
    export.add_argument("--out", help="file to write (default: standard output)")
    config = commands.add_parser(
        "export-config",
        help="write a conference as a sessions_config file (its structure, not its results)",
    )
    config.add_argument("conference", help="conference slug")
    config.add_argument(
        "--out", help="folder, or file named <slug>.yaml, to write (default: standard output)"
    )
    purge = commands.add_parser(
        "purge", help="pseudonymise the people of conferences past their retention period"
    )
    purge.add_argument("--dry-run", action="store_true", help="show what would change")


EXPORT_COMMANDS = {"export": cmd_export, "export-config": cmd_export_config, "purge": cmd_purge}


def return_big_blocks_to_the_system() -> None:
    """Serve big frames from mmap, so their memory goes back to the system when freed.

    A snapshot of a big board is a few megabytes, and a socket that does not take it at
    once keeps the rest in its own buffer. glibc's malloc serves blocks above a threshold
    (128 KiB) with mmap, but raises that threshold each time such a block is freed, up to
    32 MiB: after the first few snapshots, the copies come from the heap, which keeps what
    it once held. A pile of sockets that closed then left the server hundreds of MB bigger
    for good (see bench/README.md, "abuse.py"). A fixed threshold turns the adjustment off.
    """
    if sys.platform != "linux":
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, 256 * 1024)


M_MMAP_THRESHOLD = -3  # glibc's malloc.h


def lighter_log_records() -> None:
    """Log records without their caller's file and line, thread or process: no format of
    ours or uvicorn's shows them, and uvicorn logs a line per socket handshake. Finding
    the caller walks the stack each time: 6 % of the server's CPU while a room of 1,000
    reconnected. The switches are the ones the logging HOWTO lists under "Optimization".
    """
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def leave_start_up_out_of_collections() -> None:
    """Keep what start-up built (modules, classes, the mappers, the templates' globals:
    150,000-200,000 objects) out of the garbage collector's full passes.

    A full pass visits every object that is not frozen; with all of start-up's it took
    90-140 ms on the 2-core test machine, during which no socket is served
    (bench/abuse.py met two within its 10-second attack). What start-up built lives as
    long as the process, so the passes had nothing to find there.
    """
    gc.collect()
    gc.freeze()


def cmd_serve(args, settings: Settings) -> int:
    from .app import create_app

    return_big_blocks_to_the_system()
    lighter_log_records()

    if args.paths:
        settings = replace(settings, sessions_config=tuple(Path(p) for p in args.paths))
    app = create_app(settings)
    leave_start_up_out_of_collections()
    shown = "localhost" if args.host in ("0.0.0.0", "::", "127.0.0.1") else args.host
    print(f"Plenum runs at http://{shown}:{args.port}/  (stop with Ctrl+C)", flush=True)
    print(
        f"Demo conference: http://{shown}:{args.port}/c/regionalkonferenz-mayen-koblenz-2022"
        "  (code MYK2022)",
        flush=True,
    )
    Server(
        uvicorn_config(app, args.host, args.port, trusted_proxies=settings.trusted_proxies), app
    ).run()
    return 0


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    parser = argparse.ArgumentParser(prog="plenum", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate sessions_config files, change nothing")
    check.add_argument("paths", nargs="*", help="files or folders (default: sessions_config/)")
    load = commands.add_parser("load", help="validate and load sessions_config into the database")
    load.add_argument("paths", nargs="*", help="files or folders (default: sessions_config/)")
    serve = commands.add_parser("serve", help="load sessions_config and start the server")
    serve.add_argument("paths", nargs="*", help="files or folders (default: sessions_config/)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    commands.add_parser("migrate", help="create the database schema or upgrade it to the newest")
    revision = commands.add_parser(
        "revision", help="write a new migration for what changed in server/store/tables.py"
    )
    revision.add_argument("message", help="what the migration does, e.g. 'votes and comments'")
    invite = commands.add_parser("invite", help="make a moderator's link for one room")
    invite.add_argument("conference", help="conference slug")
    invite.add_argument("room", help="room slug")
    invite.add_argument("--name", required=True, help="the moderator's name, as suggested")
    invite.add_argument("--base-url", default="http://localhost:8000")
    listing = commands.add_parser("invites", help="list a conference's moderator invites")
    listing.add_argument("conference", help="conference slug")
    revoke = commands.add_parser("revoke-invite", help="revoke a moderator invite by its id")
    revoke.add_argument("invite_id", type=int)
    _add_organiser_commands(commands)
    _add_export_commands(commands)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # Alembic narrates every step; store/schema.py logs the one line that matters.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        settings = settings or Settings.from_env()
    except ValueError as error:  # a setting that does not parse, named in the message
        print(f"error: {error}", file=sys.stderr)
        return 2
    handler = {
        "check": cmd_check,
        "load": cmd_load,
        "serve": cmd_serve,
        "migrate": cmd_migrate,
        "revision": cmd_revision,
        "invite": cmd_invite,
        "invites": cmd_invites,
        "revoke-invite": cmd_revoke_invite,
        **ORGANISER_COMMANDS,
        **EXPORT_COMMANDS,
    }[args.command]
    try:
        return handler(args, settings)
    except (ConfigError, PasswordNotGiven) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except DomainError as refused:
        error = _explained(refused, settings)
        print(f"error: {Translator('en')(f'errors.{error.code}', **error.params)}", file=sys.stderr)
        return 2


def _explained(error: DomainError, settings: Settings) -> DomainError:
    """An unknown conference that a sessions_config file defines is one not loaded yet."""
    if error.code != "unknown_conference":
        return error
    slug = str(error.params["conference"])
    file = _file_of(settings, slug)
    return (
        error if file is None else DomainError("conference_not_loaded", conference=slug, file=file)
    )


def _file_of(settings: Settings, slug: str) -> Path | None:
    """The sessions_config file that defines a conference (files that do not load are
    skipped: `plenum check` names their problems)."""
    for place in settings.sessions_config:
        files = sorted(place.iterdir()) if place.is_dir() else [place]
        for path in (p for p in files if p.suffix in (".yaml", ".yml") and p.is_file()):
            with contextlib.suppress(ConfigError):
                if load_conference_file(path).slug == slug:
                    return path
    return None
