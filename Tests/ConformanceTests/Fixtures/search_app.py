"""A tiny, real task API for the harness's own tests: FastAPI on asyncpg, with a search route
built one of three ways (`--mode`):

- filtered:   the owner's tasks only, the term a bound parameter (correct);
- unfiltered: every user's tasks, the term a bound parameter (a search that ignores the owner);
- formatted:  the owner's tasks, the SQL built by string formatting (a real SQL injection).

And `PUT /api/archive/{id}`, which answers 404 to everyone, with or without a token.

The bearer token's `sub` is taken as the caller without verifying its signature: the tests
that use this app probe the search, not the token (the reference app verifies tokens).
Run: python search_app.py --mode M --database-url URL --table T --port-file F
"""

from __future__ import annotations

import argparse
import base64
import json
import socket

import asyncpg
import uvicorn
from fastapi import Depends, FastAPI, Header, HTTPException, Query
from pydantic import BaseModel, Field


class TaskCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)


def caller(authorization: str | None = Header(default=None)) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    parts = token.split(".")
    if scheme != "Bearer" or len(parts) != 3:
        raise HTTPException(401, "Not authenticated")
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        raise HTTPException(401, "Not authenticated") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("sub"), str):
        raise HTTPException(401, "Not authenticated")
    return payload["sub"]


def create_app(mode: str, database_url: str, table: str) -> FastAPI:
    pool: dict[str, asyncpg.Pool] = {}
    columns = "id, user_id, title, description, completed"

    async def lifespan(app: FastAPI):
        pool["db"] = await asyncpg.create_pool(database_url, min_size=1, max_size=4)
        await pool["db"].execute(
            f"CREATE TABLE IF NOT EXISTS {table} (id serial PRIMARY KEY, user_id text NOT NULL, "
            "title text NOT NULL, description text, completed boolean NOT NULL DEFAULT false)"
        )
        yield
        await pool["db"].close()

    app = FastAPI(title="search fixture", lifespan=lifespan)

    def owner(user_id: str, sub: str = Depends(caller)) -> str:
        if user_id != sub:
            raise HTTPException(403, "Not your path")
        return sub

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/api/{user_id}/tasks", status_code=201)
    async def create(body: TaskCreate, user: str = Depends(owner)) -> dict:
        row = await pool["db"].fetchrow(
            f"INSERT INTO {table} (user_id, title, description) VALUES ($1, $2, $3) RETURNING {columns}",
            user, body.title, body.description,
        )
        return dict(row)

    @app.get("/api/{user_id}/tasks")
    async def list_tasks(user: str = Depends(owner)) -> list[dict]:
        rows = await pool["db"].fetch(f"SELECT {columns} FROM {table} WHERE user_id = $1 ORDER BY id", user)
        return [dict(r) for r in rows]

    @app.get("/api/{user_id}/tasks/search")
    async def search(q: str = Query(min_length=1), user: str = Depends(owner)) -> list[dict]:
        db = pool["db"]
        if mode == "filtered":
            rows = await db.fetch(
                f"SELECT {columns} FROM {table} WHERE user_id = $1 AND title ILIKE '%' || $2 || '%' ORDER BY id", user, q
            )
        elif mode == "unfiltered":
            rows = await db.fetch(f"SELECT {columns} FROM {table} WHERE title ILIKE '%' || $1 || '%' ORDER BY id", q)
        else:
            rows = await db.fetch(
                f"SELECT {columns} FROM {table} WHERE user_id = '{user}' AND title ILIKE '%{q}%' ORDER BY id"
            )
        return [dict(r) for r in rows]

    @app.get("/api/{user_id}/vault")
    async def vault(user: str = Depends(owner)) -> dict:
        # Refuses every token, its owner's valid one too: a 401 or 403 here says nothing about
        # who is asking.
        raise HTTPException(403, "The vault is closed")

    @app.put("/api/archive/{id}")
    async def archive(id: int) -> dict:
        # Refuses everyone the same way: a refusal here says nothing about credentials.
        raise HTTPException(404, "Nothing archived")

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["filtered", "unfiltered", "formatted"], required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--table", required=True)
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    with open(args.port_file, "w") as f:
        f.write(str(sock.getsockname()[1]))
    server = uvicorn.Server(uvicorn.Config(create_app(args.mode, args.database_url, args.table), log_level="warning"))
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
