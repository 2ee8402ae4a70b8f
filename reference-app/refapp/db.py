"""Database plumbing shared by the auth server and the todo API."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import Table, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from .settings import ConfigError

# libpq's sslmode values mapped to asyncpg's `ssl` argument (asyncpg does not read sslmode).
_SSLMODES = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}


def async_url(url: str) -> str:
    """Turn a libpq-style DATABASE_URL (postgres[ql]://...) into SQLAlchemy's asyncpg form."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ConfigError(f"DATABASE_URL must start with postgresql://, got {parts.scheme or url!r}")
    query = []
    for key, value in parse_qsl(parts.query):
        if key == "sslmode" and value in _SSLMODES:
            query.append(("ssl", value))
        elif key not in ("channel_binding",):  # libpq-only; asyncpg negotiates by itself
            query.append((key, value))
    return urlunsplit(("postgresql+asyncpg", parts.netloc, parts.path, urlencode(query), ""))


def make_engine(url: str, overflow: int = 10) -> AsyncEngine:
    # A small pool: tests start many API instances against one cluster. A request waits up to
    # two minutes for a connection rather than answering 500 after SQLAlchemy's default 30 s:
    # on a loaded machine the harness under test would read the fixture's queue as the app's fault.
    return create_async_engine(async_url(url), pool_size=5, max_overflow=overflow, pool_timeout=120)


async def create_tables(engine: AsyncEngine, tables: list[Table]) -> None:
    """CREATE TABLE IF NOT EXISTS for exactly these tables.

    Several API instances may start at once against one database; the advisory lock
    turns their check-then-create into one at a time instead of a duplicate-table error.
    """
    async with engine.begin() as conn:
        await conn.execute(text("SELECT pg_advisory_xact_lock(727274)"))
        await conn.run_sync(lambda sync: tables[0].metadata.create_all(sync, tables=tables))
