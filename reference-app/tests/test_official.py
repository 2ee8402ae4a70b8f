"""The clean app (no faults, official shape) enforces every rule."""

from __future__ import annotations

import asyncio
import time

import httpx
import jwt as pyjwt
import pytest
from support import (
    claims_of,
    create_task,
    header_of,
    sign_with_auth_key,
    sign_with_stranger_key,
    swap_payload,
    task_row,
    unsigned_token,
)


def test_health_and_openapi(api):
    assert httpx.get(f"{api}/health").json() == {"status": "ok"}
    paths = httpx.get(f"{api}/openapi.json").json()["paths"]
    assert set(paths) == {
        "/health",
        "/api/{user_id}/tasks",
        "/api/{user_id}/tasks/{id}",
        "/api/{user_id}/tasks/{id}/complete",
    }


def test_crud_round_trip(api, alice, stack):
    base = f"{api}/api/{alice.id}/tasks"
    created = create_task(api, alice, description="two litres")
    assert created["user_id"] == alice.id and created["completed"] is False
    row = task_row(stack, created["id"])
    assert (row["user_id"], row["title"], row["description"]) == (alice.id, alice.marker, "two litres")

    assert created["id"] in [t["id"] for t in httpx.get(base, headers=alice.headers).json()]
    assert httpx.get(f"{base}/{created['id']}", headers=alice.headers).json()["title"] == alice.marker

    updated = httpx.put(f"{base}/{created['id']}", json={"title": "oat milk"}, headers=alice.headers)
    assert updated.status_code == 200 and updated.json()["title"] == "oat milk"
    assert updated.json()["description"] == "two litres"  # untouched fields stay

    toggled = httpx.patch(f"{base}/{created['id']}/complete", headers=alice.headers)
    assert toggled.json()["completed"] is True and task_row(stack, created["id"])["completed"] is True
    assert httpx.patch(f"{base}/{created['id']}/complete", headers=alice.headers).json()["completed"] is False

    deleted = httpx.delete(f"{base}/{created['id']}", headers=alice.headers)
    assert deleted.status_code == 200 and deleted.json()["id"] == created["id"]
    assert task_row(stack, created["id"]) is None
    assert httpx.get(f"{base}/{created['id']}", headers=alice.headers).status_code == 404


@pytest.mark.parametrize(
    "body",
    [{}, {"title": ""}, {"title": "x" * 201}, {"title": "ok", "description": "d" * 1001}, {"title": "a\x00b"}, {"title": 5}],
)
def test_invalid_bodies_are_422(api, alice, body):
    response = httpx.post(f"{api}/api/{alice.id}/tasks", json=body, headers=alice.headers)
    assert response.status_code == 422, response.text
    assert "detail" in response.json()


def test_unpaired_surrogate_is_422_not_500(api, alice):
    response = httpx.post(
        f"{api}/api/{alice.id}/tasks", content=b'{"title": "a\\ud800b"}',
        headers={**alice.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422


def test_unknown_task_is_404(api, alice):
    assert httpx.get(f"{api}/api/{alice.id}/tasks/2147483647", headers=alice.headers).status_code == 404
    assert httpx.get(f"{api}/api/{alice.id}/tasks/99999999999", headers=alice.headers).status_code == 422


def test_list_is_scoped(api, alice, bob):
    mine = create_task(api, alice)
    theirs = create_task(api, bob)
    listed = httpx.get(f"{api}/api/{alice.id}/tasks", headers=alice.headers).json()
    assert mine["id"] in {t["id"] for t in listed}
    assert theirs["id"] not in {t["id"] for t in listed}
    assert {t["user_id"] for t in listed} == {alice.id}


def test_path_user_mismatch_is_403(api, alice, bob):
    task = create_task(api, alice)
    for method, path in [("GET", ""), ("POST", ""), ("GET", f"/{task['id']}"), ("PUT", f"/{task['id']}"),
                         ("DELETE", f"/{task['id']}"), ("PATCH", f"/{task['id']}/complete")]:
        response = httpx.request(method, f"{api}/api/{alice.id}/tasks{path}", json={"title": "x"}, headers=bob.headers)
        assert response.status_code == 403, (method, path, response.text)
        assert isinstance(response.json()["detail"], str)


def test_other_users_task_is_404_and_unchanged(api, alice, bob, stack):
    task = create_task(api, alice, description="keep")
    before = task_row(stack, task["id"])
    bob_base = f"{api}/api/{bob.id}/tasks/{task['id']}"
    assert httpx.get(bob_base, headers=bob.headers).status_code == 404
    assert httpx.put(bob_base, json={"title": "pwned"}, headers=bob.headers).status_code == 404
    assert httpx.patch(f"{bob_base}/complete", headers=bob.headers).status_code == 404
    assert httpx.delete(bob_base, headers=bob.headers).status_code == 404
    assert task_row(stack, task["id"]) == before


def _rejected(api, user, token):
    response = httpx.get(f"{api}/api/{user.id}/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text
    assert isinstance(response.json()["detail"], str)
    return response


def test_401_without_or_with_broken_tokens(api, alice, stack):
    assert httpx.get(f"{api}/api/{alice.id}/tasks").status_code == 401
    assert httpx.get(f"{api}/api/{alice.id}/tasks", headers={"Authorization": "Basic eDp5"}).status_code == 401
    good = claims_of(alice.jwt)
    now = int(time.time())
    _rejected(api, alice, "garbage")
    _rejected(api, alice, alice.session_token)  # a session token is not a JWT
    _rejected(api, alice, alice.jwt[:-4] + ("AAAA" if not alice.jwt.endswith("AAAA") else "BBBB"))
    _rejected(api, alice, swap_payload(alice.jwt, {**good, "name": "changed"}))
    _rejected(api, alice, unsigned_token(good))
    _rejected(api, alice, sign_with_stranger_key(good, kid="not-in-the-jwks"))
    _rejected(api, alice, sign_with_stranger_key(good, kid=header_of(alice.jwt)["kid"]))
    _rejected(api, alice, sign_with_auth_key(stack, {**good, "iat": now - 3600, "exp": now - 60}))
    _rejected(api, alice, sign_with_auth_key(stack, {**good, "iss": "http://evil.example"}))
    _rejected(api, alice, sign_with_auth_key(stack, {**good, "aud": "someone-else"}))
    _rejected(api, alice, pyjwt.encode(good, stack["BETTER_AUTH_SECRET"], algorithm="HS256"))
    # what a correctly signed token looks like, for contrast
    ok = sign_with_auth_key(stack, good)
    assert httpx.get(f"{api}/api/{alice.id}/tasks", headers={"Authorization": f"Bearer {ok}"}).status_code == 200


async def concurrent_lists(api: str, users, rounds: int, per_user: int = 8) -> int:
    """How many list answers, fired concurrently by several users, held another user's task."""
    leaks = 0
    async with httpx.AsyncClient(timeout=10) as client:
        for _ in range(rounds):
            requests = [(u, client.get(f"{api}/api/{u.id}/tasks", headers=u.headers)) for u in users for _ in range(per_user)]
            answers = await asyncio.gather(*(call for _, call in requests))
            for (user, _), answer in zip(requests, answers):
                assert answer.status_code == 200, answer.text
                leaks += any(t["user_id"] != user.id for t in answer.json())
    return leaks


def test_no_leak_under_concurrency(api, alice, bob):
    create_task(api, alice), create_task(api, bob)
    assert asyncio.run(concurrent_lists(api, [alice, bob], rounds=5)) == 0
