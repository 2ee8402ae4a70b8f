"""Auth server: Better Auth (PyPI `better-auth-server`) mounted at /api/auth/* in FastAPI.

Email/password sign-up and sign-in, sessions in PostgreSQL, and the JWT plugin
(EdDSA keys, /api/auth/token, /api/auth/jwks; tokens valid 7 days). Better Auth creates its own tables
("user", session, account, verification, jwks) at start-up.

Environment: DATABASE_URL (required), BETTER_AUTH_SECRET (required, >= 32 characters),
BETTER_AUTH_URL (default http://127.0.0.1:<port>), REFERENCE_JWT_LIFETIME (default 7d). Rate limiting is Better Auth's own
default: on only when BETTER_AUTH_ENV (or NODE_ENV) is "production" (`scripts/services up
--auth-env production`).

Run: python -m refapp.auth_server [--port 3000] [--port-file FILE]
"""

from __future__ import annotations

import os
import re
from contextlib import asynccontextmanager

from better_auth import BetterAuth, EmailAndPassword
from better_auth.adapters.sqlalchemy import SQLAlchemyAdapter
from better_auth.integrations.fastapi import BetterAuthFastAPI
from better_auth.plugins_ext.jwt import JWTPlugin
from fastapi import FastAPI

from . import serve
from .db import make_engine
from .settings import ConfigError


#: how long the JWTs from /api/auth/token (and the set-auth-jwt header) are valid, unless
#: REFERENCE_JWT_LIFETIME says otherwise (`scripts/services up --jwt-lifetime 15m`)
JWT_LIFETIME = "7d"
_SPAN = re.compile(r"[1-9][0-9]*[smhd]")


def create_app(port: int) -> FastAPI:
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        raise ConfigError("DATABASE_URL is not set")
    secret = os.environ.get("BETTER_AUTH_SECRET", "")
    if len(secret) < 32:
        raise ConfigError("BETTER_AUTH_SECRET must be set to at least 32 characters")
    base_url = os.environ.get("BETTER_AUTH_URL") or f"http://127.0.0.1:{port}"
    lifetime = os.environ.get("REFERENCE_JWT_LIFETIME") or JWT_LIFETIME
    if not _SPAN.fullmatch(lifetime):
        raise ConfigError(f"REFERENCE_JWT_LIFETIME must be a number and a unit (s, m, h, d), like 7d or 15m; got {lifetime!r}")

    # Every test's sign-ups go through one auth server: a deeper pool than an API's.
    engine = make_engine(database_url, overflow=30)
    adapter = SQLAlchemyAdapter(engine)
    auth = BetterAuth(
        secret=secret,
        # Also the JWT `iss` and `aud`, and the one trusted origin for CSRF checks.
        base_url=base_url,
        adapter=adapter,
        email_and_password=EmailAndPassword(enabled=True),
        # The spec's 7 days instead of the plugin's 15 minutes. A string: a bare number
        # would be taken as an absolute `exp` (seconds since 1970), not a lifetime.
        plugins=[JWTPlugin(expiration_time=lifetime)],
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await adapter.create_tables()
        yield
        await engine.dispose()

    app = FastAPI(title="Reference auth server (Better Auth)", lifespan=lifespan)
    app.include_router(BetterAuthFastAPI(auth).router)
    return app


if __name__ == "__main__":
    serve.main("auth_server", 3000, create_app)
