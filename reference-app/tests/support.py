"""Helpers for the reference app's tests: real HTTP to the real servers, real SQL."""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import jwt
from better_auth.crypto import decode_jwk_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

APP_DIR = Path(__file__).resolve().parent.parent
SERVICES = [sys.executable, str(APP_DIR / "services.py")]


def services(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([*SERVICES, *args], capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"services {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


def read_env(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


# --- database ------------------------------------------------------------------------------

def sql(url: str, query: str, *args: Any) -> list[asyncpg.Record]:
    async def fetch():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()

    return asyncio.run(fetch())


# --- users ---------------------------------------------------------------------------------

@dataclass
class User:
    id: str
    email: str
    session_token: str
    jwt: str
    marker: str = field(default_factory=lambda: f"marker-{uuid.uuid4().hex[:12]}")

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.jwt}"}


def sign_up(auth_url: str, name: str) -> User:
    email = f"{name}-{uuid.uuid4().hex[:10]}@example.com"
    with httpx.Client(base_url=auth_url, timeout=10) as client:
        response = client.post(
            "/api/auth/sign-up/email",
            json={"name": name, "email": email, "password": "correct-horse-battery"},
            headers={"Origin": auth_url},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        token = client.get("/api/auth/token", headers={"Authorization": f"Bearer {body['token']}"})
        assert token.status_code == 200, token.text
    return User(id=body["user"]["id"], email=email, session_token=body["token"], jwt=token.json()["token"])


# --- tokens --------------------------------------------------------------------------------

def b64(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def header_of(token: str) -> dict[str, Any]:
    return jwt.get_unverified_header(token)


def unsigned_token(claims: dict[str, Any]) -> str:
    return f"{b64(json.dumps({'alg': 'none', 'typ': 'JWT'}))}.{b64(json.dumps(claims))}."


def swap_payload(token: str, claims: dict[str, Any]) -> str:
    """The same header and signature over different claims (an altered token)."""
    header, _, signature = token.split(".")
    return f"{header}.{b64(json.dumps(claims))}.{signature}"


def sign_with_auth_key(stack: dict[str, str], claims: dict[str, Any]) -> str:
    """A token signed by the auth server's real key (decrypted from its jwks table with
    BETTER_AUTH_SECRET), so that only the claims are wrong."""
    row = sql(stack["DATABASE_URL"], 'SELECT id, "privateKey" FROM jwks ORDER BY "createdAt" DESC LIMIT 1')[0]
    private = decode_jwk_private_key(stack["BETTER_AUTH_SECRET"], row["privateKey"])
    key = Ed25519PrivateKey.from_private_bytes(base64.urlsafe_b64decode(private["d"] + "=="))
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": row["id"], "typ": "JWT"})


def sign_with_stranger_key(claims: dict[str, Any], kid: str) -> str:
    return jwt.encode(claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": kid})


# --- the API -------------------------------------------------------------------------------

@contextmanager
def extra_api(env_file: Path, faults: str = "", shape: str = "official"):
    """One more API instance against the running stack, stopped afterwards."""
    out = env_file.with_name(f"api-{uuid.uuid4().hex[:8]}.env")
    services("api", "--env-file", str(env_file), "--out", str(out), "--faults", faults, "--shape", shape)
    try:
        yield read_env(out)["API_URL"]
    finally:
        services("api-down", "--out", str(out))


def create_task(api: str, user: User, title: str | None = None, **extra: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{api}/api/{user.id}/tasks", json={"title": title or user.marker, **extra}, headers=user.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def task_row(stack: dict[str, str], task_id: int, table: str = "tasks") -> asyncpg.Record | None:
    rows = sql(stack["DATABASE_URL"], f"SELECT * FROM {table} WHERE id = $1", task_id)
    return rows[0] if rows else None


def wait_until(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


# --- the own-login shape's users -----------------------------------------------------------

@dataclass
class OwnUser:
    """A user of the own-login shape, registered and logged in through the API itself."""

    id: int
    email: str
    password: str
    token: str
    marker: str = field(default_factory=lambda: f"marker-{uuid.uuid4().hex[:12]}")

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def register(api: str, email: str, name: str, password: str = "correct-horse-battery") -> httpx.Response:
    return httpx.post(f"{api}/api/auth/register", json={"email": email, "password": password, "name": name})


def own_user(api: str, name: str) -> OwnUser:
    email, password = f"{name}-{uuid.uuid4().hex[:10]}@mail.example.net", "correct-horse-battery"
    registered = register(api, email, name, password)
    assert registered.status_code == 201, registered.text
    login = httpx.post(f"{api}/api/auth/login", json={"email": email, "password": password})
    assert login.status_code == 200, login.text
    assert login.json()["token_type"] == "bearer"
    return OwnUser(id=registered.json()["id"], email=email, password=password, token=login.json()["access_token"])
