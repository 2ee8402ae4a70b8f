"""REFERENCE_SHAPE=own-login: the API's own register/login (bcrypt + HS256 with a key derived
from BETTER_AUTH_SECRET) and /api/tasks owned by the token's user, tables app_users/app_tasks."""

from __future__ import annotations

import re
import time
import uuid

import httpx
import jwt as pyjwt
import pytest
from support import OwnUser, extra_api, own_user, register, sql, unsigned_token

from refapp.own_login import signing_key


@pytest.fixture(scope="module")
def own_api(env_file):
    with extra_api(env_file, shape="own-login") as url:
        yield url


@pytest.fixture(scope="module")
def carol(own_api) -> OwnUser:
    return own_user(own_api, "carol")


@pytest.fixture(scope="module")
def dave(own_api) -> OwnUser:
    return own_user(own_api, "dave")


def create(api: str, user: OwnUser, **body) -> dict:
    response = httpx.post(f"{api}/api/tasks", json={"title": user.marker, **body}, headers=user.headers)
    assert response.status_code == 201, response.text
    return response.json()


def app_task(stack, task_id: int):
    rows = sql(stack["DATABASE_URL"], "SELECT * FROM app_tasks WHERE id = $1", task_id)
    return rows[0] if rows else None


def test_openapi_routes(own_api):
    paths = httpx.get(f"{own_api}/openapi.json").json()["paths"]
    assert set(paths) == {
        "/health", "/api/auth/register", "/api/auth/login",
        "/api/tasks", "/api/tasks/{id}", "/api/tasks/{id}/complete",
    }
    assert set(paths["/api/tasks/{id}"]) == {"get", "put", "delete"}


def test_register_answers_201_with_an_integer_id(own_api, stack):
    email = f"erin-{uuid.uuid4().hex[:8]}@mail.example.net"
    response = register(own_api, email, "Erin")
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"id", "email", "name"} and isinstance(body["id"], int)
    assert (body["email"], body["name"]) == (email, "Erin")
    row = sql(stack["DATABASE_URL"], "SELECT * FROM app_users WHERE id = $1", body["id"])[0]
    assert row["email"] == email and re.fullmatch(r"\$2b\$10\$[./A-Za-z0-9]{53}", row["hashed_password"])
    assert not sql(stack["DATABASE_URL"], 'SELECT 1 FROM "user" WHERE email = $1', email)  # Better Auth never saw it

    again = register(own_api, email.upper(), "Erin again")
    assert again.status_code == 409, again.text


def test_email_str_decides_what_an_email_is(own_api):
    # email-validator refuses special-use domains (.test, .invalid, ...), as real apps using EmailStr do.
    refused = register(own_api, f"x-{uuid.uuid4().hex[:6]}@run.conformance.test", "X")
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"][0]["loc"] == ["body", "email"]
    for bad in ("not-an-email", "a@localhost", "a@@b.com"):
        assert register(own_api, bad, "X").status_code == 422, bad
    accepted = register(own_api, f"x-{uuid.uuid4().hex[:6]}@conformance-run.dev", "X")
    assert accepted.status_code == 201, accepted.text


@pytest.mark.parametrize("body", [
    {"email": "ok@mail.example.net", "password": "short", "name": "X"},  # under 8 characters
    {"email": "ok@mail.example.net", "password": "p" * 73, "name": "X"},  # over bcrypt's 72 bytes
    {"email": "ok@mail.example.net", "password": "long enough", "name": ""},
    {"email": "ok@mail.example.net", "password": "long enough"},
])
def test_register_validation(own_api, body):
    assert httpx.post(f"{own_api}/api/auth/register", json=body).status_code == 422


def test_login_token(own_api, carol, stack):
    claims = pyjwt.decode(carol.token, signing_key(stack["BETTER_AUTH_SECRET"]), algorithms=["HS256"])
    assert pyjwt.get_unverified_header(carol.token)["alg"] == "HS256"
    assert claims["sub"] == str(carol.id)
    assert claims["exp"] - claims["iat"] == 7 * 24 * 3600 and abs(claims["iat"] - time.time()) < 60
    assert "iss" not in claims and "aud" not in claims
    with pytest.raises(pyjwt.InvalidSignatureError):  # not signed with the Better Auth secret itself
        pyjwt.decode(carol.token, stack["BETTER_AUTH_SECRET"], algorithms=["HS256"])


def test_login_refusals(own_api, carol):
    wrong = httpx.post(f"{own_api}/api/auth/login", json={"email": carol.email, "password": "wrong-password"})
    assert wrong.status_code == 401 and isinstance(wrong.json()["detail"], str)
    unknown = httpx.post(f"{own_api}/api/auth/login", json={"email": f"nobody-{uuid.uuid4().hex[:6]}@mail.example.net",
                                                            "password": carol.password})
    assert unknown.status_code == 401
    assert httpx.post(f"{own_api}/api/auth/login", json={"email": carol.email, "password": "p" * 100}).status_code == 401
    assert httpx.post(f"{own_api}/api/auth/login", json={"email": carol.email}).status_code == 422


def test_crud_round_trip(own_api, carol, stack):
    created = create(own_api, carol, description="two litres")
    assert created["user_id"] == carol.id and created["completed"] is False
    row = app_task(stack, created["id"])
    assert (row["user_id"], row["title"], row["description"]) == (carol.id, carol.marker, "two litres")

    item = f"{own_api}/api/tasks/{created['id']}"
    assert created["id"] in {t["id"] for t in httpx.get(f"{own_api}/api/tasks", headers=carol.headers).json()}
    assert httpx.get(item, headers=carol.headers).json()["title"] == carol.marker
    updated = httpx.put(item, json={"title": "oat milk"}, headers=carol.headers)
    assert updated.status_code == 200 and updated.json()["title"] == "oat milk" and updated.json()["description"] == "two litres"
    assert httpx.patch(f"{item}/complete", headers=carol.headers).json()["completed"] is True
    assert app_task(stack, created["id"])["completed"] is True
    deleted = httpx.delete(item, headers=carol.headers)
    assert deleted.status_code == 200 and deleted.json() == {"message": "Task deleted", "id": created["id"]}
    assert app_task(stack, created["id"]) is None
    assert httpx.get(item, headers=carol.headers).status_code == 404
    assert httpx.post(f"{own_api}/api/tasks", json={"title": ""}, headers=carol.headers).status_code == 422


def test_isolation(own_api, carol, dave, stack):
    theirs = create(own_api, carol)
    before = app_task(stack, theirs["id"])
    item = f"{own_api}/api/tasks/{theirs['id']}"
    listed = httpx.get(f"{own_api}/api/tasks", headers=dave.headers).json()
    assert theirs["id"] not in {t["id"] for t in listed} and {t["user_id"] for t in listed} <= {dave.id}
    assert httpx.get(item, headers=dave.headers).status_code == 404
    assert httpx.put(item, json={"title": "pwned"}, headers=dave.headers).status_code == 404
    assert httpx.patch(f"{item}/complete", headers=dave.headers).status_code == 404
    assert httpx.delete(item, headers=dave.headers).status_code == 404
    assert app_task(stack, theirs["id"]) == before
    assert httpx.get(f"{own_api}/api/tasks/2147483647", headers=dave.headers).status_code == 404
    mine = create(own_api, dave, user_id=carol.id)  # an owner in the body is ignored
    assert app_task(stack, mine["id"])["user_id"] == dave.id


def test_401_for_missing_invalid_or_expired_tokens(own_api, carol, alice, stack):
    key = signing_key(stack["BETTER_AUTH_SECRET"])
    now = int(time.time())
    good = {"sub": str(carol.id), "iat": now, "exp": now + 600}
    assert httpx.get(f"{own_api}/api/tasks").status_code == 401
    refused = [
        "garbage",
        pyjwt.encode({**good, "iat": now - 7200, "exp": now - 60}, key, algorithm="HS256"),  # expired
        pyjwt.encode({"sub": str(carol.id), "iat": now}, key, algorithm="HS256"),  # no exp
        pyjwt.encode({**good, "sub": "not-a-number"}, key, algorithm="HS256"),
        pyjwt.encode(good, stack["BETTER_AUTH_SECRET"], algorithm="HS256"),  # the Better Auth secret
        pyjwt.encode(good, "another-secret-of-at-least-32-bytes!", algorithm="HS256"),
        unsigned_token(good),
        alice.jwt,  # a Better Auth token means nothing here
    ]
    for token in refused:
        response = httpx.get(f"{own_api}/api/tasks", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, (token, response.text)
    ok = pyjwt.encode(good, key, algorithm="HS256")
    assert httpx.get(f"{own_api}/api/tasks", headers={"Authorization": f"Bearer {ok}"}).status_code == 200


def test_schema(own_api, stack):
    db = stack["DATABASE_URL"]
    columns = {r["column_name"]: r["data_type"] for r in sql(
        db, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'app_tasks'")}
    assert columns["id"] == "integer" and columns["user_id"] == "integer"
    fk = sql(db, "SELECT confrelid::regclass::text AS target, confdeltype::text AS confdeltype FROM pg_constraint "
                 "WHERE conrelid = 'app_tasks'::regclass AND contype = 'f'")
    assert [(r["target"], r["confdeltype"]) for r in fk] == [("app_users", "a")]  # "a": NO ACTION, no cascade
    assert sql(db, "SELECT 1 FROM pg_constraint WHERE conrelid = 'app_users'::regclass AND contype = 'u'")
