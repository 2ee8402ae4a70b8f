"""Who is calling: FastAPI dependencies that turn the bearer token into the owner id
every query is filtered by."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import Depends, HTTPException, Path, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .models import StorableText
from .settings import Settings
from .tokens import TokenError, TokenVerifier

_bearer = HTTPBearer(auto_error=False, description="A Better Auth JWT from /api/auth/token")

# Planted fault `global-current-user`: one variable for the whole process, so two requests
# in flight overwrite each other's user. Harmless one request at a time, which is why it ships.
_current_user: str | None = None
#: how long the faulty path awaits between setting and reading it (stands for a DB round trip)
GLOBAL_USER_DELAY = 0.005


def unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"})


class Identity:
    def __init__(self, settings: Settings, verifier: TokenVerifier):
        self.settings = settings
        self.verifier = verifier

    async def token_user(self, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> str:
        """The token's `sub`; 401 when the token is missing or not valid."""
        if credentials is None:
            raise unauthorized("Not authenticated")
        try:
            claims = await self.verifier.verify(credentials.credentials)
        except TokenError as error:
            raise unauthorized(str(error)) from None
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise unauthorized("Token has no subject")
        return subject

    async def _settle(self, user: str) -> str:
        """The owner the handler will use: `user`, except under `global-current-user`."""
        global _current_user
        if not self.settings.on("global-current-user"):
            return user
        _current_user = user
        await asyncio.sleep(GLOBAL_USER_DELAY)
        return _current_user  # by now possibly another request's user

    def path_owner(self):
        """Official shape: the path's {user_id} must be the token's user (403 otherwise)."""

        async def owner(user_id: str, subject: str = Depends(self.token_user)) -> str:
            if self.settings.on("trust-path-user"):
                return await self._settle(user_id)  # the token only had to be valid
            if user_id != subject:
                raise HTTPException(status.HTTP_403_FORBIDDEN, "The path user id does not match the token")
            return await self._settle(subject)

        return owner

    def token_owner(self):
        """Token-only shape: the user comes from the token alone."""

        async def owner(subject: str = Depends(self.token_user)) -> str:
            return await self._settle(subject)

        return owner


async def path_user_unchecked(user_id: Annotated[StorableText, Path(min_length=1, max_length=64)]) -> str:
    """The no-login shape: whoever the path names is the owner; nothing is checked."""
    return user_id


async def no_owner() -> None:
    """The `unprotected-route` fault's copy of the routes: no token, no owner."""
    return None
