"""REFERENCE_SHAPE=own-login: the API registers and logs in its users itself, the way many
FastAPI tutorials do it, with no Better Auth in the API's path.

POST /api/auth/register {email, password, name} -> 201 {id, email, name} (409 if the email
is taken, 422 for an address pydantic's EmailStr refuses); POST /api/auth/login
{email, password} -> {access_token, token_type: "bearer"} (401 otherwise). The token is an
HS256 JWT with sub = str(user id), iat, exp = iat + 7 days and no iss/aud, signed with a key
derived from BETTER_AUTH_SECRET. Tasks at /api/tasks[/{id}] and PATCH /api/tasks/{id}/complete,
owned by the token's user; the official shape's bodies and answers, but integer owner ids.
Tables app_users and app_tasks.

Faults: `login-any-password`, `own-tasks-no-owner-check` (see settings.FAULTS).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from typing import Any

import bcrypt
import jwt
from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, select

from .identity import unauthorized
from .models import AccessToken, Login, OwnTaskRead, Register, TaskCreate, TaskDeleted, TaskUpdate, UserRead
from .official import TaskId, not_found
from .settings import Settings
from .store import Store

TOKEN_LIFETIME = 7 * 24 * 3600  # the spec's 7 days
_SIGNING_LABEL = b"refapp own-login access tokens"

_bearer = HTTPBearer(auto_error=False, description="An access token from POST /api/auth/login")


def signing_key(secret: str) -> bytes:
    """The API's own HS256 key: HMAC-SHA256 of a fixed label under BETTER_AUTH_SECRET, so the
    Better Auth secret itself never signs (or verifies) anything here."""
    return hmac.new(secret.encode(), _SIGNING_LABEL, hashlib.sha256).digest()


def _password_bytes(password: str) -> bytes | None:
    """What bcrypt compares, or None for a password no stored hash can match (bcrypt 5
    refuses more than 72 bytes; a lone surrogate has no UTF-8 form)."""
    try:
        raw = password.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return raw if len(raw) <= 72 else None


class OwnAuth:
    """Registration, login and the bearer-token check of the own-login shape."""

    def __init__(self, settings: Settings, store: Store, users: type[SQLModel]):
        assert settings.secret is not None  # load_settings refuses own-login without it
        self.settings = settings
        self.store = store
        self.users = users
        self.key = signing_key(settings.secret)

    def issue(self, user_id: int) -> str:
        now = int(time.time())
        return jwt.encode({"sub": str(user_id), "iat": now, "exp": now + TOKEN_LIFETIME}, self.key, algorithm="HS256")

    async def owner(self, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> int:
        """FastAPI dependency: the token's user id; 401 for a missing, invalid or expired token."""
        if credentials is None:
            raise unauthorized("Not authenticated")
        try:
            claims = jwt.decode(credentials.credentials, self.key, algorithms=["HS256"], options={"require": ["sub", "exp"]})
        except jwt.ExpiredSignatureError:
            raise unauthorized("Token expired") from None
        except jwt.PyJWTError:
            raise unauthorized("Could not validate credentials") from None
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject.isascii() or not subject.isdigit():
            raise unauthorized("Could not validate credentials")
        user_id = int(subject)
        if user_id > 2**31 - 1:
            raise unauthorized("Could not validate credentials")
        return user_id

    def routes(self) -> APIRouter:
        router = APIRouter(prefix="/api/auth", tags=["auth"])
        users = self.users

        @router.post("/register", response_model=UserRead, status_code=201, summary="Create an account")
        async def register(body: Register, session=Depends(self.store.session)):
            email = body.email.lower()
            # bcrypt is slow on purpose; keep it off the event loop.
            digest = await asyncio.to_thread(bcrypt.hashpw, body.password.encode(), bcrypt.gensalt(rounds=10))  # 12 (the default) is slow on a shared test machine
            user = users(email=email, name=body.name, hashed_password=digest.decode())
            session.add(user)
            try:
                await session.commit()
            except IntegrityError:
                raise HTTPException(status.HTTP_409_CONFLICT, "Email already registered") from None
            return user

        @router.post("/login", response_model=AccessToken, summary="Log in; answers a bearer token")
        async def login(body: Login, session=Depends(self.store.session)):
            user = (await session.exec(select(users).where(users.email == body.email.strip().lower()))).first()
            if user is None:
                raise unauthorized("Incorrect email or password")
            if not self.settings.on("login-any-password"):
                password = _password_bytes(body.password)
                ok = password is not None and await asyncio.to_thread(
                    bcrypt.checkpw, password, user.hashed_password.encode()
                )
                if not ok:
                    raise unauthorized("Incorrect email or password")
            return AccessToken(access_token=self.issue(user.id))

        return router


def own_task_routes(settings: Settings, store: Store, owner_dep: Any) -> APIRouter:
    """The task routes at /api/tasks, the owner from the token only."""
    router = APIRouter(prefix="/api/tasks", tags=["tasks"])

    def by_id(owner: int) -> int | None:
        return None if settings.on("own-tasks-no-owner-check") else owner

    async def find(session, id: int, owner: int):
        row = await store.get(session, id, by_id(owner))
        if row is None:
            raise not_found()
        return row

    @router.get("", response_model=list[OwnTaskRead], summary="List the caller's tasks")
    async def list_tasks(owner: int = Depends(owner_dep), session=Depends(store.session)):
        return await store.list(session, owner)

    @router.post("", response_model=OwnTaskRead, status_code=201, summary="Create a task")
    async def create_task(body: TaskCreate, owner: int = Depends(owner_dep), session=Depends(store.session)):
        return await store.create(session, owner, body.model_dump())

    @router.get("/{id}", response_model=OwnTaskRead, summary="Get one task")
    async def get_task(id: int = TaskId, owner: int = Depends(owner_dep), session=Depends(store.session)):
        return await find(session, id, owner)

    @router.put("/{id}", response_model=OwnTaskRead, summary="Update a task")
    async def update_task(body: TaskUpdate, id: int = TaskId, owner: int = Depends(owner_dep), session=Depends(store.session)):
        return await store.update(session, await find(session, id, owner), body.model_dump(exclude_unset=True))

    @router.delete("/{id}", response_model=TaskDeleted, summary="Delete a task")
    async def delete_task(id: int = TaskId, owner: int = Depends(owner_dep), session=Depends(store.session)):
        await store.delete(session, await find(session, id, owner))
        return TaskDeleted(message="Task deleted", id=id)

    @router.patch("/{id}/complete", response_model=OwnTaskRead, summary="Toggle completion")
    async def toggle_task(id: int = TaskId, owner: int = Depends(owner_dep), session=Depends(store.session)):
        return await store.toggle(session, await find(session, id, owner))

    return router
