"""The auth server speaks Better Auth (as described in shared/reference/better-auth.md)."""

from __future__ import annotations

import re
import time
import uuid

import httpx
import pytest
from support import claims_of, header_of, sql


class Auth:
    """Requests to the auth server without a cookie jar: every cookie sent is explicit."""

    def __init__(self, url: str):
        self.url = url

    def get(self, path: str, **kwargs) -> httpx.Response:
        return httpx.get(self.url + path, **kwargs)

    def post(self, path: str, headers: dict | None = None, **kwargs) -> httpx.Response:
        return httpx.post(self.url + path, headers={"Origin": self.url, **(headers or {})}, **kwargs)


@pytest.fixture
def auth(stack):
    return Auth(stack["BETTER_AUTH_URL"])


def cookie_header(response: httpx.Response) -> dict[str, str]:
    return {"Cookie": f"better-auth.session_token={response.cookies['better-auth.session_token']}"}


def new_email() -> str:
    return f"wire-{uuid.uuid4().hex[:10]}@example.com"


def test_ok(auth):
    assert auth.get("/api/auth/ok").json() == {"ok": True}


def test_sign_up_sign_in_session_token_sign_out(auth, stack):
    email = new_email()
    up = auth.post("/api/auth/sign-up/email", json={"name": "Wire", "email": email.upper(), "password": "longenough1"})
    assert up.status_code == 200
    body = up.json()
    assert re.fullmatch(r"[A-Za-z0-9]{32}", body["token"])
    assert body["user"]["email"] == email  # lower-cased
    assert body["user"]["emailVerified"] is False
    assert set(body["user"]) == {"id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt"}
    cookie = up.cookies.get("better-auth.session_token")
    assert cookie and cookie.split(".")[0] == body["token"]

    sign_in = auth.post("/api/auth/sign-in/email", json={"email": email, "password": "longenough1"})
    assert sign_in.status_code == 200
    assert sign_in.json()["redirect"] is False and sign_in.json()["url"] is None

    # the cookie alone gives the session, and the JWT in `set-auth-jwt`
    session_cookie = cookie_header(sign_in)
    session = auth.get("/api/auth/get-session", headers=session_cookie)
    assert session.json()["user"]["id"] == body["user"]["id"]
    assert header_of(session.headers["set-auth-jwt"])["alg"] == "EdDSA"

    token = auth.get("/api/auth/token", headers=session_cookie).json()["token"]
    header, claims = header_of(token), claims_of(token)
    assert header["alg"] == "EdDSA" and header["kid"]
    origin = stack["BETTER_AUTH_URL"]
    assert claims["sub"] == body["user"]["id"] and claims["iss"] == origin and claims["aud"] == origin
    assert claims["exp"] - claims["iat"] == 7 * 24 * 3600  # the spec's lifetime, not the plugin's 15 min
    assert abs(claims["iat"] - time.time()) < 60

    jwks = auth.get("/api/auth/jwks").json()["keys"]
    assert any(k["kid"] == header["kid"] and k["kty"] == "OKP" and k["crv"] == "Ed25519" for k in jwks)

    # the password is stored as Better Auth's scrypt hash
    stored = sql(stack["DATABASE_URL"], 'SELECT password FROM account WHERE "userId" = $1', body["user"]["id"])
    assert re.fullmatch(r"[0-9a-f]{32}:[0-9a-f]{128}", stored[0]["password"])

    out = auth.post("/api/auth/sign-out", headers=session_cookie)
    assert out.json() == {"success": True}
    after = auth.get("/api/auth/token", headers=session_cookie)
    assert after.status_code == 401 and after.json()["code"] == "UNAUTHORIZED"


def test_error_codes(auth):
    email = new_email()
    assert auth.post("/api/auth/sign-up/email", json={"name": "A", "email": email, "password": "longenough1"}).status_code == 200
    dup = auth.post("/api/auth/sign-up/email", json={"name": "A", "email": email, "password": "longenough1"})
    assert (dup.status_code, dup.json()["code"]) == (422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL")
    short = auth.post("/api/auth/sign-up/email", json={"name": "A", "email": new_email(), "password": "short"})
    assert (short.status_code, short.json()["code"]) == (400, "PASSWORD_TOO_SHORT")
    wrong = auth.post("/api/auth/sign-in/email", json={"email": email, "password": "wrong-password"})
    assert (wrong.status_code, wrong.json()["code"]) == (401, "INVALID_EMAIL_OR_PASSWORD")
    evil = auth.post(
        "/api/auth/sign-up/email",
        json={"name": "A", "email": new_email(), "password": "longenough1"},
        headers={"Origin": "http://evil.example"},
    )
    assert (evil.status_code, evil.json()["code"]) == (403, "INVALID_ORIGIN")
    assert auth.get("/api/auth/get-session").text == "null"
