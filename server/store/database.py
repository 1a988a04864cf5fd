"""Engine, schema and running work off the event loop.

Writes go through one thread: SQLite allows one writer anyway, and queueing them
in-process is cheaper than retrying on "database is locked". Reads use a small pool.
"""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

from . import tables  # noqa: F401  (registers the tables on SQLModel.metadata)

T = TypeVar("T")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # Reads must see one moment: a snapshot and the seq it is labelled with (see
    # room_updates). REPEATABLE READ gives each transaction a single snapshot.
    return create_engine(url, pool_pre_ping=True, isolation_level="REPEATABLE READ")


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
    connection.exec_driver_sql("BEGIN")


class Database:
    def __init__(self, url: str, read_threads: int = 4) -> None:
        self.engine = make_engine(url)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-write")
        self._readers = ThreadPoolExecutor(max_workers=read_threads, thread_name_prefix="db-read")

    def create_schema(self) -> None:
        SQLModel.metadata.create_all(self.engine)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def run_write(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one transaction, committed when it returns."""
        with self.session() as session, session.begin():
            return work(session)

    def run_read(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one read transaction: every query in it sees the same moment."""
        with self.session() as session, session.begin():
            return work(session)

    async def write(self, work: Callable[[Session], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, self.run_write, work)

    async def read(self, work: Callable[[Session], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self.run_read, work)

    def close(self) -> None:
        self._writer.shutdown(wait=True)
        self._readers.shutdown(wait=True)
        self.engine.dispose()
