"""REFERENCE_SHAPE=token-only: /api/todos, user from the token only, UUID ids,
`is_complete`, wrapped answers, 204 on delete — with the same rules as the official shape."""

from __future__ import annotations

import uuid

import httpx
import pytest
from support import extra_api, sql


@pytest.fixture(scope="module")
def todos_api(env_file):
    with extra_api(env_file, shape="token-only") as url:
        yield url


def create_todo(api, user, **body):
    response = httpx.post(f"{api}/api/todos", json={"title": user.marker, **body}, headers=user.headers)
    assert response.status_code == 201, response.text
    return response.json()["todo"]


def todo_row(stack, todo_id):
    rows = sql(stack["DATABASE_URL"], "SELECT * FROM todos WHERE id = $1", uuid.UUID(todo_id))
    return rows[0] if rows else None


def test_openapi_routes(todos_api):
    paths = httpx.get(f"{todos_api}/openapi.json").json()["paths"]
    assert set(paths) == {"/health", "/api/todos", "/api/todos/{id}"}
    assert set(paths["/api/todos/{id}"]) == {"get", "put", "patch", "delete"}


def test_crud_round_trip(todos_api, alice, stack):
    todo = create_todo(todos_api, alice, description="d")
    uuid.UUID(todo["id"])
    assert todo["is_complete"] is False and todo["user_id"] == alice.id
    assert todo_row(stack, todo["id"])["user_id"] == alice.id

    listed = httpx.get(f"{todos_api}/api/todos", headers=alice.headers).json()
    assert listed["total"] == len(listed["todos"]) and todo["id"] in {t["id"] for t in listed["todos"]}
    item = f"{todos_api}/api/todos/{todo['id']}"
    assert httpx.get(item, headers=alice.headers).json()["todo"]["title"] == alice.marker
    assert httpx.put(item, json={"title": "new"}, headers=alice.headers).json()["todo"]["title"] == "new"
    patched = httpx.patch(item, json={"is_complete": True}, headers=alice.headers)
    assert patched.json()["todo"]["is_complete"] is True and todo_row(stack, todo["id"])["is_complete"] is True

    deleted = httpx.delete(item, headers=alice.headers)
    assert deleted.status_code == 204 and deleted.content == b""
    assert todo_row(stack, todo["id"]) is None
    assert httpx.get(item, headers=alice.headers).status_code == 404


def test_isolation(todos_api, alice, bob, stack):
    todo = create_todo(todos_api, alice)
    before = todo_row(stack, todo["id"])
    item = f"{todos_api}/api/todos/{todo['id']}"
    assert todo["id"] not in {t["id"] for t in httpx.get(f"{todos_api}/api/todos", headers=bob.headers).json()["todos"]}
    assert httpx.get(item, headers=bob.headers).status_code == 404
    assert httpx.put(item, json={"title": "pwned"}, headers=bob.headers).status_code == 404
    assert httpx.patch(item, json={"is_complete": True}, headers=bob.headers).status_code == 404
    assert httpx.delete(item, headers=bob.headers).status_code == 404
    assert todo_row(stack, todo["id"]) == before
    # an owner id in the body is ignored
    mine = create_todo(todos_api, bob, user_id=alice.id)
    assert todo_row(stack, mine["id"])["user_id"] == bob.id


def test_auth_and_validation(todos_api, alice):
    assert httpx.get(f"{todos_api}/api/todos").status_code == 401
    assert httpx.get(f"{todos_api}/api/todos", headers={"Authorization": f"Bearer {alice.session_token}"}).status_code == 401
    assert httpx.get(f"{todos_api}/api/todos/not-a-uuid", headers=alice.headers).status_code == 422
    assert httpx.post(f"{todos_api}/api/todos", json={"title": ""}, headers=alice.headers).status_code == 422
    assert httpx.get(f"{todos_api}/api/todos/{uuid.uuid4()}", headers=alice.headers).status_code == 404
