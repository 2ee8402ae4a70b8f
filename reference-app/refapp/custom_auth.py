"""Planted fault `custom-auth`: the home-made auth that Phase II apps were told to replace.

POST /auth/signup {name, email, password} and POST /auth/login {email, password} answer
{"token": <HS256 JWT signed with BETTER_AUTH_SECRET, sub = user id>, "user": {...}}.
Passwords are bcrypt hashes in the API's own `users` table. Better Auth is bypassed.
"""

from __future__ import annotations

import asyncio
import re
import time

import bcrypt
import jwt
from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel, select

from .settings import Settings
from .store import Store

TOKEN_LIFETIME = 7 * 24 * 3600  # what such apps typically hand out
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class SignUp(SQLModel):
    name: str = Field(min_length=1, max_length=100)
    email: str = Field(max_length=254)
    password: str = Field(min_length=8, max_length=72)  # bcrypt reads at most 72 bytes


class LogIn(SQLModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=72)


def custom_auth_routes(settings: Settings, store: Store, user_model: type[SQLModel]) -> APIRouter:
    router = APIRouter(prefix="/auth", tags=["auth"])

    def answer(user) -> dict:
        now = int(time.time())
        claims = {"sub": user.id, "email": user.email, "name": user.name, "iat": now, "exp": now + TOKEN_LIFETIME}
        token = jwt.encode(claims, settings.secret, algorithm="HS256")
        return {"token": token, "user": {"id": user.id, "email": user.email, "name": user.name}}

    @router.post("/signup", summary="Create an account (home-made)")
    async def signup(body: SignUp, session=Depends(store.session)):
        email = body.email.strip().lower()
        if not _EMAIL.match(email) or len(body.password.encode()) > 72:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, "Invalid email or password")
        # bcrypt is slow on purpose; keep it off the event loop.
        digest = await asyncio.to_thread(bcrypt.hashpw, body.password.encode(), bcrypt.gensalt(rounds=10))
        user = user_model(email=email, name=body.name, password_hash=digest.decode())
        session.add(user)
        try:
            await session.commit()
        except IntegrityError:
            raise HTTPException(status.HTTP_409_CONFLICT, "Email already registered") from None
        return answer(user)

    @router.post("/login", summary="Sign in (home-made)")
    async def login(body: LogIn, session=Depends(store.session)):
        user = (await session.exec(select(user_model).where(user_model.email == body.email.strip().lower()))).first()
        ok = user is not None and await asyncio.to_thread(
            bcrypt.checkpw, body.password.encode(), user.password_hash.encode()
        )
        if not ok:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Invalid email or password")
        return answer(user)

    return router
