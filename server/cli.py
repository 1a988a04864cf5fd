"""Command line: check and load sessions_config files, start the server."""

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path

import uvicorn

from .conference_files import ConfigError, load_conference_dir, load_conference_file
from .services.config_files import load_into
from .settings import Settings
from .store.database import Database


def uvicorn_config(app, host: str, port: int, log_level: str = "info") -> uvicorn.Config:
    """The server options every entry point shares (the benchmark and tests use them too).

    websockets-sansio writes a frame straight to the socket when it has room, which the
    hub relies on; compression costs CPU and memory per connection, so it stays off.
    """
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        ws="websockets-sansio",
        ws_per_message_deflate=False,
        lifespan="on",
        proxy_headers=True,
    )


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


def cmd_load(args, settings: Settings) -> int:
    database = Database(settings.database_url)
    database.create_schema()
    try:
        changes = load_into(database, _paths(args.paths, settings))
    finally:
        database.close()
    for slug, count in changes.items():
        print(f"{slug}: {'unchanged' if count == 0 else f'{count} changes'}")
    return 0


def cmd_serve(args, settings: Settings) -> int:
    from .app import create_app

    if args.paths:
        settings = replace(settings, sessions_config=tuple(Path(p) for p in args.paths))
    app = create_app(settings)
    shown = "localhost" if args.host in ("0.0.0.0", "::", "127.0.0.1") else args.host
    print(f"Plenum runs at http://{shown}:{args.port}/  (stop with Ctrl+C)", flush=True)
    print(
        f"Demo conference: http://{shown}:{args.port}/c/regionalkonferenz-mayen-koblenz-2022"
        "  (code MYK2022)",
        flush=True,
    )
    uvicorn.Server(uvicorn_config(app, args.host, args.port)).run()
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
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = settings or Settings.from_env()
    handler = {"check": cmd_check, "load": cmd_load, "serve": cmd_serve}[args.command]
    try:
        return handler(args, settings)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
