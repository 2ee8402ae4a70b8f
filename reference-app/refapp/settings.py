"""Configuration of the todo API, read once from the environment at start-up.

Everything that makes the API misbehave is named here, so that a typo in
``REFERENCE_FAULTS`` stops the server instead of silently running the clean app.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

#: Planted faults, by name, with how each one shows on the wire.
FAULTS: dict[str, str] = {
    "list-unfiltered": "the list returns every user's tasks",
    "get-no-owner-check": "GET of another user's task answers 200 with it",
    "update-no-owner-check": "PUT on another user's task changes it",
    "delete-no-owner-check": "DELETE of another user's task deletes it, yet answers 404",
    "toggle-no-owner-check": "the completion toggle works on another user's task",
    "trust-path-user": "the path user id is used as the user; the token is only checked for validity",
    "owner-from-body": "create takes user_id (or userId) from the body when present",
    "skip-signature": "the JWT signature is not verified (claims still are)",
    "accept-alg-none": "unsigned tokens (alg none) are accepted",
    "skip-exp": "expired tokens are accepted",
    "accept-hs256-secret": "HS256 tokens signed with BETTER_AUTH_SECRET are accepted besides EdDSA ones",
    "unprotected-route": "a copy of the task routes without any auth at /api/tasks",
    "global-current-user": "the current user lives in a module-level variable read after an await",
    "custom-auth": "home-made /auth/signup and /auth/login (bcrypt + HS256) replace Better Auth",
    "foreign-database": "tasks are stored in REFERENCE_FOREIGN_DATABASE_URL, not DATABASE_URL",
    "login-any-password": "logging in with a registered email succeeds whatever the password",
    "own-tasks-no-owner-check": "GET/PUT/DELETE/PATCH of a task by id are not filtered by owner",
    "search-unfiltered": "the search returns every user's matching tasks",
    "search-sql-string": "the search SQL is built by string formatting of q (SQL injection)",
}

SHAPES = ("official", "token-only", "own-login", "no-login", "varied")

#: The shapes each fault is planted in. The faults of the first two shapes live in code
#: the other shapes do not run, so asking for them there would silently test a clean app.
_CLASSIC = ("official", "token-only")
FAULT_SHAPES: dict[str, tuple[str, ...]] = {
    **{name: _CLASSIC for name in FAULTS},
    "login-any-password": ("own-login",),
    "own-tasks-no-owner-check": ("own-login",),
    "search-unfiltered": ("varied",),
    "search-sql-string": ("varied",),
}


class ConfigError(Exception):
    """A configuration mistake, with a message meant for the person starting the server."""


def parse_faults(text: str | None) -> frozenset[str]:
    names = {part.strip() for part in (text or "").split(",") if part.strip()}
    unknown = sorted(names - FAULTS.keys())
    if unknown:
        raise ConfigError(
            f"unknown fault(s) in REFERENCE_FAULTS: {', '.join(unknown)}. "
            f"Known faults: {', '.join(FAULTS)}"
        )
    return frozenset(names)


def parse_shape(text: str | None) -> str:
    shape = (text or "official").strip() or "official"
    if shape not in SHAPES:
        raise ConfigError(f"unknown REFERENCE_SHAPE {shape!r}; expected one of: {', '.join(SHAPES)}")
    return shape


def check_faults_for_shape(faults: frozenset[str], shape: str) -> None:
    """Refuse faults that the chosen shape has no code for."""
    misplaced = sorted(name for name in faults if shape not in FAULT_SHAPES[name])
    if misplaced:
        where = "; ".join(f"{name} applies only to {' and '.join(FAULT_SHAPES[name])}" for name in misplaced)
        raise ConfigError(f"fault(s) not planted in the {shape} shape: {where}")


@dataclass(frozen=True)
class Settings:
    shape: str
    faults: frozenset[str]
    #: the database this API writes its tasks to (DATABASE_URL, or the foreign one)
    tasks_database_url: str
    auth_url: str
    jwks_url: str
    #: the `iss` and `aud` Better Auth's JWT plugin puts in its tokens: its base URL
    issuer: str
    audience: str
    secret: str | None

    def on(self, fault: str) -> bool:
        assert fault in FAULTS, fault  # catches typos in the code, not in the config
        return fault in self.faults

    @property
    def custom_auth(self) -> bool:
        return self.on("custom-auth")


def load_settings(env: Mapping[str, str] = os.environ) -> Settings:
    faults = parse_faults(env.get("REFERENCE_FAULTS"))
    shape = parse_shape(env.get("REFERENCE_SHAPE"))
    check_faults_for_shape(faults, shape)

    database_url = env.get("DATABASE_URL", "")
    if not database_url:
        raise ConfigError("DATABASE_URL is not set")
    if "foreign-database" in faults:
        database_url = env.get("REFERENCE_FOREIGN_DATABASE_URL", "")
        if not database_url:
            raise ConfigError("the foreign-database fault needs REFERENCE_FOREIGN_DATABASE_URL")

    # The port signs with `iss` = `aud` = its configured base URL (trailing slash stripped).
    auth_url = env.get("BETTER_AUTH_URL", "http://127.0.0.1:3000").rstrip("/")
    secret = env.get("BETTER_AUTH_SECRET") or None
    if secret is None and faults & {"custom-auth", "accept-hs256-secret"}:
        raise ConfigError("the custom-auth and accept-hs256-secret faults need BETTER_AUTH_SECRET")
    if secret is None and shape == "own-login":
        raise ConfigError("the own-login shape signs its tokens with a key derived from BETTER_AUTH_SECRET; set it")

    return Settings(
        shape=shape,
        faults=faults,
        tasks_database_url=database_url,
        auth_url=auth_url,
        jwks_url=env.get("BETTER_AUTH_JWKS_URL") or f"{auth_url}/api/auth/jwks",
        issuer=env.get("BETTER_AUTH_ISSUER") or auth_url,
        audience=env.get("BETTER_AUTH_AUDIENCE") or auth_url,
        secret=secret,
    )
