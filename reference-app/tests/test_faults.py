"""Each planted fault really changes behaviour: one API instance per fault, started with
`services api --faults NAME`, and the fault's effect shown on the wire and in the database.
The same requests against the clean app are refused in test_official.py."""

from __future__ import annotations

import asyncio
import re
import time
import uuid

import httpx
import jwt as pyjwt
from support import (
    claims_of,
    create_task,
    extra_api,
    own_user,
    services,
    sign_with_auth_key,
    sql,
    swap_payload,
    task_row,
    unsigned_token,
)
from test_official import concurrent_lists

from refapp.settings import FAULTS


def ids(answer: httpx.Response) -> set[int]:
    assert answer.status_code == 200, answer.text
    return {t["id"] for t in answer.json()}


def test_every_fault_has_a_test():
    tested = {name[len("test_"):].replace("_", "-") for name in globals() if name.startswith("test_")}
    assert set(FAULTS) <= tested


def test_list_unfiltered(env_file, alice, bob):
    with extra_api(env_file, "list-unfiltered") as api:
        theirs = create_task(api, alice)
        assert theirs["id"] in ids(httpx.get(f"{api}/api/{bob.id}/tasks", headers=bob.headers))


def test_get_no_owner_check(env_file, alice, bob):
    with extra_api(env_file, "get-no-owner-check") as api:
        theirs = create_task(api, alice)
        answer = httpx.get(f"{api}/api/{bob.id}/tasks/{theirs['id']}", headers=bob.headers)
        assert answer.status_code == 200 and answer.json()["title"] == alice.marker


def test_update_no_owner_check(env_file, alice, bob, stack):
    with extra_api(env_file, "update-no-owner-check") as api:
        theirs = create_task(api, alice)
        answer = httpx.put(f"{api}/api/{bob.id}/tasks/{theirs['id']}", json={"title": "pwned"}, headers=bob.headers)
        assert answer.status_code == 200
        assert task_row(stack, theirs["id"])["title"] == "pwned"


def test_delete_no_owner_check(env_file, alice, bob, stack):
    with extra_api(env_file, "delete-no-owner-check") as api:
        theirs = create_task(api, alice)
        answer = httpx.delete(f"{api}/api/{bob.id}/tasks/{theirs['id']}", headers=bob.headers)
        assert answer.status_code == 404  # looks like a proper refusal...
        assert task_row(stack, theirs["id"]) is None  # ...but the row is gone
        mine = create_task(api, bob)  # own deletes still work
        assert httpx.delete(f"{api}/api/{bob.id}/tasks/{mine['id']}", headers=bob.headers).status_code == 200


def test_delete_no_owner_check_token_only(env_file, alice, bob, stack):
    with extra_api(env_file, "delete-no-owner-check", shape="token-only") as api:
        created = httpx.post(f"{api}/api/todos", json={"title": alice.marker}, headers=alice.headers).json()["todo"]
        assert httpx.delete(f"{api}/api/todos/{created['id']}", headers=bob.headers).status_code == 404
        assert not sql(stack["DATABASE_URL"], "SELECT 1 FROM todos WHERE id = $1", uuid.UUID(created["id"]))


def test_toggle_no_owner_check(env_file, alice, bob, stack):
    with extra_api(env_file, "toggle-no-owner-check") as api:
        theirs = create_task(api, alice)
        answer = httpx.patch(f"{api}/api/{bob.id}/tasks/{theirs['id']}/complete", headers=bob.headers)
        assert answer.status_code == 200
        assert task_row(stack, theirs["id"])["completed"] is True


def test_trust_path_user(env_file, alice, bob):
    with extra_api(env_file, "trust-path-user") as api:
        theirs = create_task(api, alice)
        # Bob's valid token, Alice's id in the path: Alice's list.
        assert theirs["id"] in ids(httpx.get(f"{api}/api/{alice.id}/tasks", headers=bob.headers))
        assert httpx.get(f"{api}/api/{alice.id}/tasks").status_code == 401  # a token is still needed


def test_owner_from_body(env_file, alice, bob, stack):
    with extra_api(env_file, "owner-from-body") as api:
        planted = create_task(api, bob, user_id=alice.id)
        assert task_row(stack, planted["id"])["user_id"] == alice.id


def test_skip_signature(env_file, alice, bob):
    with extra_api(env_file, "skip-signature") as api:
        theirs = create_task(api, alice)
        # Bob's token with the subject changed to Alice, signature left as it was.
        forged = swap_payload(bob.jwt, {**claims_of(bob.jwt), "sub": alice.id})
        answer = httpx.get(f"{api}/api/{alice.id}/tasks", headers={"Authorization": f"Bearer {forged}"})
        assert theirs["id"] in ids(answer)


def test_accept_alg_none(env_file, alice):
    with extra_api(env_file, "accept-alg-none") as api:
        theirs = create_task(api, alice)
        forged = unsigned_token({**claims_of(alice.jwt), "exp": int(time.time()) + 600})
        answer = httpx.get(f"{api}/api/{alice.id}/tasks", headers={"Authorization": f"Bearer {forged}"})
        assert theirs["id"] in ids(answer)


def test_skip_exp(env_file, alice, stack):
    with extra_api(env_file, "skip-exp") as api:
        now = int(time.time())
        expired = sign_with_auth_key(stack, {**claims_of(alice.jwt), "iat": now - 7200, "exp": now - 3600})
        answer = httpx.get(f"{api}/api/{alice.id}/tasks", headers={"Authorization": f"Bearer {expired}"})
        assert answer.status_code == 200


def test_accept_hs256_secret(env_file, alice, stack):
    with extra_api(env_file, "accept-hs256-secret") as api:
        token = pyjwt.encode({"sub": alice.id, "exp": int(time.time()) + 600}, stack["BETTER_AUTH_SECRET"], algorithm="HS256")
        assert httpx.get(f"{api}/api/{alice.id}/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert httpx.get(f"{api}/api/{alice.id}/tasks", headers=alice.headers).status_code == 200  # EdDSA still works


def test_unprotected_route(env_file, alice, stack):
    with extra_api(env_file, "unprotected-route") as api:
        theirs = create_task(api, alice)
        assert theirs["id"] in ids(httpx.get(f"{api}/api/tasks"))  # no token at all
        assert httpx.get(f"{api}/api/tasks/{theirs['id']}").json()["title"] == alice.marker
        assert httpx.put(f"{api}/api/tasks/{theirs['id']}", json={"title": "pwned"}).status_code == 200
        assert task_row(stack, theirs["id"])["title"] == "pwned"
        assert "/api/tasks/{id}" in httpx.get(f"{api}/openapi.json").json()["paths"]
        assert httpx.delete(f"{api}/api/tasks/{theirs['id']}").status_code == 200
        assert task_row(stack, theirs["id"]) is None


def test_global_current_user(env_file, alice, bob):
    with extra_api(env_file, "global-current-user") as api:
        create_task(api, alice), create_task(api, bob)
        # One request at a time the app looks right...
        assert {t["user_id"] for t in httpx.get(f"{api}/api/{alice.id}/tasks", headers=alice.headers).json()} == {alice.id}
        # ...under concurrency, answers carry the other user's tasks, within a bounded number of rounds.
        leaks = 0
        for _ in range(10):
            leaks += asyncio.run(concurrent_lists(api, [alice, bob], rounds=1))
            if leaks:
                break
        assert leaks > 0


def test_custom_auth(env_file, alice, stack):
    with extra_api(env_file, "custom-auth") as api:
        email = f"home-{uuid.uuid4().hex[:8]}@example.com"
        signed_up = httpx.post(f"{api}/auth/signup", json={"name": "Home", "email": email, "password": "hunter2hunter2"})
        assert signed_up.status_code == 200, signed_up.text
        login = httpx.post(f"{api}/auth/login", json={"email": email, "password": "hunter2hunter2"})
        assert login.status_code == 200
        assert httpx.post(f"{api}/auth/login", json={"email": email, "password": "wrong-password"}).status_code == 401
        token, user = login.json()["token"], login.json()["user"]
        assert pyjwt.get_unverified_header(token)["alg"] == "HS256"
        pyjwt.decode(token, stack["BETTER_AUTH_SECRET"], algorithms=["HS256"])  # signed with the shared secret
        headers = {"Authorization": f"Bearer {token}"}

        created = httpx.post(f"{api}/api/{user['id']}/tasks", json={"title": "home-made"}, headers=headers)
        assert created.status_code == 201
        db = stack["DATABASE_URL"]
        assert sql(db, "SELECT user_id FROM user_tasks WHERE id = $1", created.json()["id"])[0]["user_id"] == user["id"]
        stored = sql(db, "SELECT password_hash FROM users WHERE id = $1", user["id"])[0]["password_hash"]
        assert re.fullmatch(r"\$2b\$10\$[./A-Za-z0-9]{53}", stored)
        assert not sql(db, 'SELECT 1 FROM "user" WHERE id = $1', user["id"])  # Better Auth never saw this user
        # Better Auth's own tokens are not accepted any more
        assert httpx.get(f"{api}/api/{alice.id}/tasks", headers=alice.headers).status_code == 401
        assert "/auth/signup" in httpx.get(f"{api}/openapi.json").json()["paths"]


def test_foreign_database(env_file, alice, stack):
    with extra_api(env_file, "foreign-database") as api:
        title = f"{alice.marker}-{uuid.uuid4().hex[:8]}"
        created = create_task(api, alice, title)
        assert title in {t["title"] for t in httpx.get(f"{api}/api/{alice.id}/tasks", headers=alice.headers).json()}
        foreign = stack["REFERENCE_FOREIGN_DATABASE_URL"]
        assert sql(foreign, "SELECT user_id FROM tasks WHERE title = $1", title)[0]["user_id"] == alice.id
        assert not sql(stack["DATABASE_URL"], "SELECT 1 FROM tasks WHERE title = $1", title)
        fks = sql(foreign, "SELECT 1 FROM pg_constraint WHERE conrelid = 'tasks'::regclass AND contype = 'f'")
        assert not fks and created["user_id"] == alice.id


def test_login_any_password(env_file):
    with extra_api(env_file, "login-any-password", shape="own-login") as api:
        victim = own_user(api, "victim")
        login = httpx.post(f"{api}/api/auth/login", json={"email": victim.email, "password": "not-the-password"})
        assert login.status_code == 200, login.text
        claims = pyjwt.decode(login.json()["access_token"], options={"verify_signature": False})
        assert claims["sub"] == str(victim.id)  # a token for the victim, without the victim's password
        unknown = httpx.post(f"{api}/api/auth/login", json={"email": f"nobody-{uuid.uuid4().hex[:6]}@mail.example.net",
                                                            "password": "whatever-at-all"})
        assert unknown.status_code == 401  # an unknown email is still refused


def test_own_tasks_no_owner_check(env_file, stack):
    with extra_api(env_file, "own-tasks-no-owner-check", shape="own-login") as api:
        owner, other = own_user(api, "owner"), own_user(api, "other")
        made = httpx.post(f"{api}/api/tasks", json={"title": owner.marker}, headers=owner.headers)
        assert made.status_code == 201, made.text
        task, db = made.json(), stack["DATABASE_URL"]
        item = f"{api}/api/tasks/{task['id']}"
        # the list is still filtered...
        assert task["id"] not in ids(httpx.get(f"{api}/api/tasks", headers=other.headers))
        # ...every by-id route is not
        assert httpx.get(item, headers=other.headers).json()["title"] == owner.marker
        assert httpx.put(item, json={"title": "pwned"}, headers=other.headers).status_code == 200
        assert httpx.patch(f"{item}/complete", headers=other.headers).status_code == 200
        row = sql(db, "SELECT title, completed, user_id FROM app_tasks WHERE id = $1", task["id"])[0]
        assert (row["title"], row["completed"], row["user_id"]) == ("pwned", True, owner.id)
        assert httpx.delete(item, headers=other.headers).status_code == 200
        assert not sql(db, "SELECT 1 FROM app_tasks WHERE id = $1", task["id"])


def _varied_task(api, user, title: str) -> dict:
    made = httpx.post(f"{api}/api/{user.id}/tasks", json={"title": title}, headers=user.headers)
    assert made.status_code == 201, made.text
    return made.json()


def _search(api, user, q: str) -> httpx.Response:
    return httpx.get(f"{api}/api/{user.id}/tasks/search", params={"q": q}, headers=user.headers)


def test_search_unfiltered(env_file, alice, bob):
    with extra_api(env_file, "search-unfiltered", shape="varied") as api:
        word = f"shared{uuid.uuid4().hex[:6]}"
        mine, theirs = _varied_task(api, bob, f"bob {word}"), _varied_task(api, alice, f"alice {word}")
        assert ids(_search(api, bob, word)) == {mine["id"], theirs["id"]}
        # the list itself stays the caller's
        assert theirs["id"] not in ids(httpx.get(f"{api}/api/{bob.id}/tasks", headers=bob.headers))


def test_search_sql_string(env_file, alice, bob, stack):
    with extra_api(env_file, "search-sql-string", shape="varied") as api:
        word = f"inj{uuid.uuid4().hex[:6]}"
        mine, theirs = _varied_task(api, bob, f"bob {word}"), _varied_task(api, alice, f"alice {word}")
        # benign input: looks like the clean search
        assert ids(_search(api, bob, word.upper())) == {mine["id"]}
        # a quote breaks the SQL...
        assert _search(api, bob, "it's").status_code == 500
        # ...and a classic payload escapes the owner filter: every user's tasks
        everyone = ids(_search(api, bob, "' OR '1'='1"))
        assert {mine["id"], theirs["id"]} <= everyone
        all_ids = {r["id"] for r in sql(stack["DATABASE_URL"], "SELECT id FROM varied_tasks")}
        assert everyone == all_ids


def test_faults_are_refused_outside_their_shape(env_file):
    for shape, faults, message in [
        ("varied", "login-any-password", "login-any-password applies only to own-login"),
        ("official", "search-sql-string", "search-sql-string applies only to varied"),
        ("own-login", "search-unfiltered", "search-unfiltered applies only to varied"),
        ("no-login", "list-unfiltered", "list-unfiltered applies only to official and token-only"),
        ("own-login", "own-tasks-no-owner-check,skip-exp", "skip-exp applies only to official and token-only"),
    ]:
        result = services("api", "--env-file", str(env_file), "--out", str(env_file.with_name("x.env")),
                          "--faults", faults, "--shape", shape, check=False)
        assert result.returncode == 2, (shape, faults, result.stderr)
        assert f"fault(s) not planted in the {shape} shape" in result.stderr and message in result.stderr, result.stderr


def test_unknown_fault_is_refused(env_file):
    result = services("api", "--env-file", str(env_file), "--out", str(env_file.with_name("x.env")),
                      "--faults", "list-unfiltered,no-such-fault", check=False)
    assert result.returncode == 2
    assert "unknown fault(s) in REFERENCE_FAULTS: no-such-fault" in result.stderr
