"""The todo API: FastAPI + SQLModel, verifying Better Auth JWTs against its JWKS.

Environment: DATABASE_URL, BETTER_AUTH_URL (JWKS at /api/auth/jwks; also the expected
`iss` and `aud`), BETTER_AUTH_SECRET (only for the faults that use it),
REFERENCE_SHAPE (official | token-only | own-login | no-login | varied), REFERENCE_FAULTS (comma-separated, see
settings.FAULTS), REFERENCE_FOREIGN_DATABASE_URL (for the foreign-database fault).
Optional overrides: BETTER_AUTH_JWKS_URL, BETTER_AUTH_ISSUER, BETTER_AUTH_AUDIENCE.

Run: python -m refapp.todo_api [--port 8000] [--port-file FILE]
"""

from __future__ import annotations

import json
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from . import serve
from .custom_auth import custom_auth_routes
from .db import create_tables, make_engine
from .identity import Identity, no_owner, path_user_unchecked
from .models import app_tasks_table, app_users_table, task_table, todo_table, users_table, varied_tables
from .official import official_routes
from .own_login import OwnAuth, own_task_routes
from .settings import Settings, load_settings
from .store import Store
from .token_only import token_only_routes
from .tokens import JWKSCache, TokenVerifier
from .varied import varied_routes

log = logging.getLogger("refapp.todo_api")


class _EscapedJSONResponse(JSONResponse):
    """FastAPI's 422 echoes the input; a lone surrogate in it ("\\ud800") cannot be
    UTF-8 encoded and would turn the 422 into a 500. Escaped output is valid JSON."""

    def render(self, content) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode()


async def _validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    return _EscapedJSONResponse({"detail": jsonable_encoder(error.errors())}, status_code=422)


def _owner_reference(settings: Settings) -> str | None:
    """What the owner column's foreign key points at."""
    if settings.on("foreign-database"):
        return None  # the foreign database has no Better Auth tables to point at
    return "users.id" if settings.custom_auth else "user.id"


def _base_app(settings: Settings, engine, tables: list, table_names: str) -> FastAPI:
    """The FastAPI app every shape shares: table creation, /health, the 422 handler."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await create_tables(engine, tables)
        log.info("shape %s, faults %s, tables %s", settings.shape, ",".join(sorted(settings.faults)) or "none", table_names)
        yield
        await engine.dispose()

    app = FastAPI(title="Reference todo API", version="1.0.0", lifespan=lifespan)
    app.add_exception_handler(RequestValidationError, _validation_error)

    @app.get("/health", tags=["health"], summary="Liveness (public, no user data)")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _own_login_app(settings: Settings) -> FastAPI:
    users, tasks = app_users_table(), app_tasks_table()
    engine = make_engine(settings.tasks_database_url)
    store = Store(engine, tasks, "completed")
    auth = OwnAuth(settings, store, users)
    app = _base_app(settings, engine, [users.__table__, tasks.__table__], "app_users, app_tasks")
    app.include_router(auth.routes())
    app.include_router(own_task_routes(settings, store, auth.owner))
    return app


def _no_login_app(settings: Settings) -> FastAPI:
    # The owner is any string the path names, so there is nothing to reference.
    tasks = task_table("open_tasks", None)
    engine = make_engine(settings.tasks_database_url)
    store = Store(engine, tasks, "completed")
    app = _base_app(settings, engine, [tasks.__table__], "open_tasks")
    app.include_router(official_routes(settings, store, path_user_unchecked, "/api/{user_id}/tasks"))
    return app


def _varied_app(settings: Settings) -> FastAPI:
    tasks, notes = varied_tables("user.id")
    engine = make_engine(settings.tasks_database_url)
    store = Store(engine, tasks, "completed")
    identity = Identity(settings, TokenVerifier(settings, JWKSCache(settings.jwks_url)))
    app = _base_app(settings, engine, [tasks.__table__, notes.__table__], "varied_tasks, varied_notes")
    app.include_router(varied_routes(settings, store, notes, identity.path_owner(), "/api/{user_id}/tasks"))
    return app


def create_app(port: int = 8000, settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    if settings.shape == "own-login":
        return _own_login_app(settings)
    if settings.shape == "no-login":
        return _no_login_app(settings)
    if settings.shape == "varied":
        return _varied_app(settings)
    official = settings.shape == "official"
    # custom-auth gets its own table names: its owners are not Better Auth users, so it
    # must not share the clean app's table (and foreign key) in the same database.
    table = ("user_" if settings.custom_auth else "") + ("tasks" if official else "todos")
    model = (task_table if official else todo_table)(table, _owner_reference(settings))
    users = users_table() if settings.custom_auth else None

    engine = make_engine(settings.tasks_database_url)
    store = Store(engine, model, "completed" if official else "is_complete")
    identity = Identity(settings, TokenVerifier(settings, JWKSCache(settings.jwks_url)))

    tables = ([users.__table__] if users else []) + [model.__table__]
    app = _base_app(settings, engine, tables, table)
    routes = official_routes if official else token_only_routes
    if official:
        app.include_router(routes(settings, store, identity.path_owner(), "/api/{user_id}/tasks"))
    else:
        app.include_router(routes(settings, store, identity.token_owner(), "/api/todos"))
    if settings.on("unprotected-route"):
        # A second copy of the router mounted without its auth dependency.
        app.include_router(routes(settings, store, no_owner, "/api/tasks", create=False))
    if settings.custom_auth:
        app.include_router(custom_auth_routes(settings, store, users))
    return app


if __name__ == "__main__":
    serve.main("todo_api", 8000, create_app)
