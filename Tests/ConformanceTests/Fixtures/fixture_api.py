"""A small FastAPI app on a real PostgreSQL, for the tests of the identity, credentials and
apiMatchesDatabase checks: shapes real teams ship that the reference app does not.

- `--login any-password`: a home-made /auth/login that finds the user by email and never checks
  the password (the tokens are HS256, signed with --secret, with no iss and no aud).
- `--jwks URL --hmac-key ENCODING`: tokens are Better Auth's (EdDSA, checked against the JWKS),
  but the verifier takes `alg` from the token header and, for HS256, uses the JWKS public key as
  the HMAC secret, held as ENCODING (pem, pem-nonl, der, raw, jwk): algorithm confusion.
- `--expired-status 404|500`: an expired token is refused with that status instead of 401.
- every task has a `priority` stored through SQLAlchemy's Enum, that is by the Python enum
  member's NAME (MEDIUM), while the API returns its value (medium).

Routes: POST /auth/signup, POST /auth/login, and /api/tasks[/{id}[/complete]] for the token's user.
Listens on a free loopback port; prints "READY <port>" once it serves.
"""

import argparse
import asyncio
import base64
import enum
import hashlib
import hmac
import json
import secrets
import socket
import sys
import time
import urllib.request
from datetime import datetime, timezone

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from fastapi import Depends, FastAPI, Header, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import Boolean, Column, DateTime, Enum, Integer, MetaData, String, Table, delete, insert, select, text, update
from sqlalchemy.ext.asyncio import create_async_engine


class Priority(enum.Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class SignUp(BaseModel):
    name: str = Field(min_length=1)
    email: str
    password: str = Field(min_length=8)


class LogIn(BaseModel):
    email: str
    password: str


class TaskIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    description: str | None = None
    priority: Priority = Priority.MEDIUM


class TaskChange(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    priority: Priority | None = None


def b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--database-url", required=True)
    p.add_argument("--prefix", required=True, help="table name prefix, unique per test")
    p.add_argument("--secret", required=True)
    p.add_argument("--login", choices=["checked", "any-password"], default="checked")
    p.add_argument("--jwks", help="Better Auth's JWKS URL: accept its EdDSA tokens instead of our own")
    p.add_argument("--hmac-key", choices=["pem", "pem-nonl", "der", "raw", "jwk"])
    p.add_argument("--issuer", help="with --jwks: the iss and aud Better Auth's tokens must carry")
    p.add_argument("--expired-status", type=int, default=401, help="what an expired token gets (404 or 500: shapes seen in the wild)")
    args = p.parse_args()
    # A free loopback port of the kernel's choosing, announced once the app serves.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))

    url = args.database_url.replace("postgresql://", "postgresql+asyncpg://", 1).replace("postgres://", "postgresql+asyncpg://", 1)
    url = url.split("?", 1)[0]
    engine = create_async_engine(url, pool_size=5)
    meta = MetaData()
    users = Table(f"{args.prefix}_users", meta,
                  Column("id", String(64), primary_key=True),
                  Column("email", String(254), unique=True, nullable=False),
                  Column("name", String(100), nullable=False),
                  Column("password_sha256", String(200), nullable=False))
    tasks = Table(f"{args.prefix}_tasks", meta,
                  Column("id", Integer, primary_key=True, autoincrement=True),
                  Column("user_id", String(64), nullable=False, index=True),
                  Column("title", String(200), nullable=False),
                  Column("description", String(1000)),
                  Column("completed", Boolean, nullable=False, default=False),
                  Column("priority", Enum(Priority, name=f"{args.prefix}_priority"), nullable=False, default=Priority.MEDIUM),
                  Column("created_at", DateTime(timezone=True), nullable=False))
    jwks_keys: dict[str, tuple[Ed25519PublicKey, str]] = {}

    async def lifespan(app):
        async with engine.begin() as conn:
            await conn.run_sync(meta.create_all)
        print(f"READY {sock.getsockname()[1]}", flush=True)
        yield
        await engine.dispose()

    app = FastAPI(lifespan=lifespan)

    def hash_password(password: str) -> str:
        salt = secrets.token_hex(8)
        return salt + "$" + hashlib.sha256((salt + password).encode()).hexdigest()

    def password_ok(stored: str, password: str) -> bool:
        salt, digest = stored.split("$", 1)
        return hmac.compare_digest(digest, hashlib.sha256((salt + password).encode()).hexdigest())

    def issue(user) -> dict:
        now = int(time.time())
        token = jwt.encode({"sub": user["id"], "email": user["email"], "iat": now, "exp": now + 3600}, args.secret, algorithm="HS256")
        return {"token": token, "user": {"id": user["id"], "email": user["email"], "name": user["name"]}}

    @app.post("/auth/signup")
    async def signup(body: SignUp):
        row = {"id": secrets.token_hex(12), "email": body.email.lower(), "name": body.name, "password_sha256": hash_password(body.password)}
        async with engine.begin() as conn:
            if (await conn.execute(select(users.c.id).where(users.c.email == row["email"]))).first():
                raise HTTPException(409, "Email already registered")
            await conn.execute(insert(users).values(**row))
        return issue(row)

    @app.post("/auth/login")
    async def login(body: LogIn):
        async with engine.connect() as conn:
            user = (await conn.execute(select(users).where(users.c.email == body.email.lower()))).mappings().first()
        if user is None:
            raise HTTPException(401, "Invalid email or password")
        if args.login == "checked" and not password_ok(user["password_sha256"], body.password):
            raise HTTPException(401, "Invalid email or password")
        return issue(user)

    def read_jwks() -> dict:
        # No proxy: the auth server is on loopback.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(args.jwks, timeout=10) as response:
            return json.load(response)

    async def fetch_jwks() -> None:
        doc = await asyncio.to_thread(read_jwks)
        for entry in doc.get("keys", []):
            jwks_keys[entry["kid"]] = (Ed25519PublicKey.from_public_bytes(b64url(entry["x"])),
                                       json.dumps(entry, separators=(",", ":")))

    def hmac_key(kid: str) -> bytes:
        key, published = jwks_keys[kid]
        if args.hmac_key == "pem":
            return key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        if args.hmac_key == "pem-nonl":
            return key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).rstrip(b"\n")
        if args.hmac_key == "der":
            return key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        if args.hmac_key == "raw":
            return key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return published.encode()

    async def verify(token: str) -> dict:
        try:
            head_b64, claims_b64, sig_b64 = token.split(".")
            header = json.loads(b64url(head_b64))
            claims = json.loads(b64url(claims_b64))
            signature = b64url(sig_b64)
        except Exception:
            raise HTTPException(401, "Malformed token") from None
        signing_input = f"{head_b64}.{claims_b64}".encode()
        alg = header.get("alg")
        if args.jwks:
            kid = header.get("kid")
            if kid not in jwks_keys:
                await fetch_jwks()  # keys are minted lazily and may rotate
            if kid not in jwks_keys:
                raise HTTPException(401, "Unknown key")
            if alg == "EdDSA":
                try:
                    jwks_keys[kid][0].verify(signature, signing_input)
                except Exception:
                    raise HTTPException(401, "Bad signature") from None
            elif alg == "HS256" and args.hmac_key:
                # The bug: the token chose the algorithm, and the public key became an HMAC secret.
                expected = hmac.new(hmac_key(kid), signing_input, hashlib.sha256).digest()
                if not hmac.compare_digest(expected, signature):
                    raise HTTPException(401, "Bad signature")
            else:
                raise HTTPException(401, "Algorithm not allowed")
        else:
            if alg != "HS256":
                raise HTTPException(401, "Algorithm not allowed")
            expected = hmac.new(args.secret.encode(), signing_input, hashlib.sha256).digest()
            if not hmac.compare_digest(expected, signature):
                raise HTTPException(401, "Bad signature")
        if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] < time.time():
            raise HTTPException(args.expired_status, "Expired")
        if args.issuer:
            audience = claims.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if claims.get("iss") != args.issuer or args.issuer not in audiences:
                raise HTTPException(401, "Wrong issuer or audience")
        if not isinstance(claims.get("sub"), str):
            raise HTTPException(401, "No subject")
        return claims

    async def user(authorization: str | None = Header(default=None)) -> str:
        if not authorization or not authorization.startswith("Bearer "):
            raise HTTPException(401, "Not authenticated")
        return (await verify(authorization[len("Bearer "):]))["sub"]

    def read(row) -> dict:
        return {"id": row["id"], "user_id": row["user_id"], "title": row["title"], "description": row["description"],
                "completed": row["completed"], "priority": row["priority"].value,
                "created_at": row["created_at"].isoformat()}

    async def own(conn, task_id: int, owner: str):
        row = (await conn.execute(select(tasks).where(tasks.c.id == task_id, tasks.c.user_id == owner))).mappings().first()
        if row is None:
            raise HTTPException(404, "Task not found")
        return row

    @app.get("/api/tasks")
    async def list_tasks(owner: str = Depends(user)):
        async with engine.connect() as conn:
            rows = (await conn.execute(select(tasks).where(tasks.c.user_id == owner).order_by(tasks.c.id))).mappings().all()
        return [read(r) for r in rows]

    @app.post("/api/tasks", status_code=201)
    async def create_task(body: TaskIn, owner: str = Depends(user)):
        async with engine.begin() as conn:
            result = await conn.execute(insert(tasks).values(user_id=owner, title=body.title, description=body.description,
                                                             completed=False, priority=body.priority,
                                                             created_at=datetime.now(timezone.utc)).returning(*tasks.c))
            return read(result.mappings().one())

    @app.get("/api/tasks/{task_id}")
    async def get_task(task_id: int, owner: str = Depends(user)):
        async with engine.connect() as conn:
            return read(await own(conn, task_id, owner))

    @app.put("/api/tasks/{task_id}")
    async def update_task(task_id: int, body: TaskChange, owner: str = Depends(user)):
        async with engine.begin() as conn:
            await own(conn, task_id, owner)
            changes = body.model_dump(exclude_none=True)
            if changes:
                await conn.execute(update(tasks).where(tasks.c.id == task_id).values(**changes))
            return read(await own(conn, task_id, owner))

    @app.patch("/api/tasks/{task_id}/complete")
    async def toggle_task(task_id: int, owner: str = Depends(user)):
        async with engine.begin() as conn:
            row = await own(conn, task_id, owner)
            await conn.execute(update(tasks).where(tasks.c.id == task_id).values(completed=not row["completed"]))
            return read(await own(conn, task_id, owner))

    @app.delete("/api/tasks/{task_id}", status_code=204)
    async def delete_task(task_id: int, owner: str = Depends(user)):
        async with engine.begin() as conn:
            await own(conn, task_id, owner)
            await conn.execute(delete(tasks).where(tasks.c.id == task_id))

    config = uvicorn.Config(app, log_level="warning")
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    sys.exit(main())
