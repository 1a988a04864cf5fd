"""Password hashing with argon2id (argon2-cffi's defaults, RFC 9106's second choice).

Hashing costs ~50 ms of CPU and 64 MiB of memory on purpose, so it never runs on the
event loop and never in the database's single writer thread: `Passwords` owns two
threads for it, which also bounds what a flood of login attempts can take.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()


@cache
def _unknown_user_hash() -> str:
    """Checked when the username is unknown, so a wrong username takes as long as a
    wrong password and the answer's timing does not tell which one was wrong."""
    return _hasher.hash("plenum: no such organiser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    try:
        matches = _hasher.verify(password_hash or _unknown_user_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return matches and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's defaults."""
    return _hasher.check_needs_rehash(password_hash)


class Passwords:
    """Runs hashing off the event loop, in a pool of its own."""

    def __init__(self, threads: int = 2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="passwords")

    async def verify(self, password_hash: str | None, password: str) -> bool:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, verify, password_hash, password)

    async def hash(self, password: str) -> str:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, hash_password, password)

    def close(self) -> None:
        self._pool.shutdown(wait=True)
