"""Engine, schema and running work off the event loop.

Writes go through writer threads: one on SQLite, which allows one writer anyway (queueing
them in-process is cheaper than retrying on "database is locked"), a few on PostgreSQL,
where the commands to one room (or plenary) keep to one of them. Commands to one room
that queue up behind a transaction in flight are committed together in the next one
(`Database.write`). Reads use a small pool. On PostgreSQL several processes write to one
database; an advisory lock keeps what could race apart (see `_take_write_lock`).
"""

import asyncio
import contextlib
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from . import schema

T = TypeVar("T")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # Writes run in READ COMMITTED (PostgreSQL's default): `UPDATE room SET last_seq =
    # last_seq + 1` then waits for a concurrent writer and sees its result, where
    # REPEATABLE READ would fail with a serialization error. Reads get their own level.
    return create_engine(url, pool_pre_ping=True)


def _read_engine(engine: Engine) -> Engine:
    # Reads must see one moment: a snapshot and the seq it is labelled with (see
    # room_updates). REPEATABLE READ gives each transaction a single snapshot; SQLite's
    # BEGIN (below) does the same there.
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="REPEATABLE READ")
    return engine


def _sqlite_connect(dbapi_connection, _record) -> None:
    # pysqlite starts transactions only before writes, so a multi-query read would see
    # several moments; we issue BEGIN ourselves (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection) -> None:
    # Writes take the write lock up front (IMMEDIATE): a deferred transaction that reads
    # and then writes fails with "database is locked" at once, without waiting, when
    # another process (a second worker, the CLI) wrote in between.
    connection.exec_driver_sql(connection.get_execution_options().get("sqlite_begin", "BEGIN"))


# Any constant: the key of the PostgreSQL advisory lock every write transaction holds,
# shared by the commands to one room or one plenary, alone by every other write.
# Advisory locks belong to the database, not the schema: the second key (the schema's
# name, hashed) keeps deployments in two schemas of one database from waiting for each other.
_WRITE_LOCK = 0x706C7772
_TAKE_WRITE_LOCK = text(f"SELECT pg_advisory_xact_lock({_WRITE_LOCK}, hashtext(current_schema()))")
_SHARE_WRITE_LOCK = text(
    f"SELECT pg_advisory_xact_lock_shared({_WRITE_LOCK}, hashtext(current_schema()))"
)


def _take_write_lock(session: Session, shared: bool) -> None:
    """Make this write transaction wait for other processes' writes that it could race.

    A command (services/change.py) shares the lock, and takes its room's or its
    plenary's row lock before it reads or writes anything else: the commands to one room
    or plenary thus run one at a time in every process (its seq, the command ids checked
    for retries, the ids its new rows draw), while the others go on beside them. A room's
    command locks no row but its room's and its own rows; a plenary's also appends
    events to its rooms (their rows, after its own): so none waits for another in a
    circle. Every other write (entering and leaving rooms, starting the app, the
    console) holds the lock alone, as if the deployment had one writer, as SQLite has
    anyway. The lock ends with the transaction.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_SHARE_WRITE_LOCK if shared else _TAKE_WRITE_LOCK)


# What the commands to one room, or one plenary, queue under: ("room", id) or ("plenary",
# conference id).
Lane = tuple[str, int]


def _in_savepoint(session: Session, work: Callable[[Session], Any]) -> Any:
    """The work's result, or the exception that rolled back what it wrote."""
    session.expire_all()  # what the works before it read is read again, as it is now
    try:
        with session.begin_nested():
            return work(session)
    except Exception as failed:  # noqa: BLE001 (the caller gets it, as raised)
        return failed


def _settle(futures: list[asyncio.Future], outcomes: list[Any]) -> None:
    for future, outcome in zip(futures, outcomes, strict=True):
        if future.done():  # its caller gave up waiting
            continue
        if isinstance(outcome, Exception):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


# Writer threads per process on PostgreSQL: the commands to one room (or plenary) always
# go to the same one (its id modulo this), so they keep their order in the process, while
# a slow room holds up only those that share its thread. SQLite takes one writer at a time
# anyway.
POSTGRES_WRITE_THREADS = 4


class Database:
    def __init__(self, url: str, read_threads: int = 4) -> None:
        self.engine = make_engine(url)
        self._read_engine = _read_engine(self.engine)
        self._write_engine = self.engine.execution_options(sqlite_begin="BEGIN IMMEDIATE")
        writers = POSTGRES_WRITE_THREADS if self.engine.dialect.name == "postgresql" else 1
        self._writers = [
            ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"db-write-{n}")
            for n in range(writers)
        ]
        self._readers = ThreadPoolExecutor(max_workers=read_threads, thread_name_prefix="db-read")
        # Per lane, the commands waiting for their transaction (see `write`).
        self._queued: dict[Lane, list[tuple[Callable[[Session], Any], asyncio.Future]]] = {}
        self._queued_lock = threading.Lock()

    def migrate(self) -> schema.Upgrade:
        """Create the schema, or upgrade it to the newest migration."""
        # IMMEDIATE on SQLite: workers starting together take turns, as on PostgreSQL.
        return schema.upgrade(self._write_engine)

    def session(self) -> Session:
        """A session at the write engine's level (READ COMMITTED on PostgreSQL): each query
        sees its own moment. For tests and one-off checks; the app reads in a read
        transaction."""
        return Session(self.engine, expire_on_commit=False)

    def run_write(self, work: Callable[[Session], T], shared: bool = False) -> T:
        """Run `work` in one transaction, committed when it returns. `shared`: the work is
        one room's or plenary's command, which locks that row first (_take_write_lock)."""
        with Session(self._write_engine, expire_on_commit=False) as session, session.begin():
            _take_write_lock(session, shared)
            return work(session)

    @contextlib.contextmanager
    def read_transaction(self) -> Iterator[Session]:
        """One read transaction for as long as the caller reads (a streamed export): every
        query in it sees the same moment. It ends when the block does, or when the
        generator holding it is closed."""
        with Session(self._read_engine, expire_on_commit=False) as session, session.begin():
            yield session

    def run_read(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one read transaction: every query in it sees the same moment."""
        with self.read_transaction() as session:
            return work(session)

    async def write(self, work: Callable[[Session], T], lane: Lane | None = None) -> T:
        """`work` in a write transaction on a writer thread.

        Without `lane`, in a transaction of its own on the first thread, holding the
        write lock alone (see _take_write_lock). With `lane` (a command: ("room", id) or
        ("plenary", conference id), whose row the work locks first), on that lane's
        thread, sharing the write lock; and the lane's commands that queue up while a
        transaction is in flight are committed together in the next one (group commit),
        in the order they came, each in a savepoint of its own: one refused or failing
        rolls back alone, and each gets its own seq and outcome. So a busy room pays one
        transaction per round, not per command.
        """
        loop = asyncio.get_running_loop()
        if lane is None:
            return await loop.run_in_executor(self._writers[0], self.run_write, work, False)
        done = loop.create_future()
        with self._queued_lock:
            queued = self._queued.setdefault(lane, [])
            queued.append((work, done))
            first = len(queued) == 1
        if first:  # the rest of this round's commands join it before it starts
            writer = self._writers[lane[1] % len(self._writers)]
            writer.submit(self._write_together, lane, loop)
        return await done

    def _write_together(self, lane: Lane, loop: asyncio.AbstractEventLoop) -> None:
        with self._queued_lock:
            commands = self._queued.pop(lane)
        outcomes = self._run_commands([work for work, _ in commands])
        loop.call_soon_threadsafe(_settle, [done for _, done in commands], outcomes)

    def _run_commands(self, works: list[Callable[[Session], Any]]) -> list[Any]:
        """Each work's result, or the exception it (or its transaction) ended with."""
        outcomes: list[Any] = []

        def together(session: Session) -> None:
            if len(works) == 1:  # alone, it needs no savepoint: its error ends the transaction
                outcomes.append(works[0](session))
            else:
                outcomes.extend(_in_savepoint(session, work) for work in works)

        try:
            self.run_write(together, shared=True)
        except Exception as failed:  # noqa: BLE001 (handed to each caller, as raised)
            # The transaction failed as a whole: with it, every work not failed already.
            ran = outcomes + [failed] * (len(works) - len(outcomes))
            return [o if isinstance(o, Exception) else failed for o in ran]
        return outcomes

    async def read(self, work: Callable[[Session], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self.run_read, work)

    def close(self) -> None:
        for writer in self._writers:
            writer.shutdown(wait=True)
        self._readers.shutdown(wait=True)
        self.engine.dispose()
