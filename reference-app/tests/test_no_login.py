"""REFERENCE_SHAPE=no-login: the official routes with no authentication at all. The path's
user id (1 to 64 characters) is the owner; table open_tasks, no foreign key."""

from __future__ import annotations

import uuid

import httpx
import pytest
from support import extra_api, sql


@pytest.fixture(scope="module")
def open_api(env_file):
    with extra_api(env_file, shape="no-login") as url:
        yield url


def someone() -> str:
    return f"who-{uuid.uuid4().hex[:8]}"


def open_task(stack, task_id: int):
    rows = sql(stack["DATABASE_URL"], "SELECT * FROM open_tasks WHERE id = $1", task_id)
    return rows[0] if rows else None


def test_openapi_routes(open_api):
    paths = httpx.get(f"{open_api}/openapi.json").json()["paths"]
    assert set(paths) == {"/health", "/api/{user_id}/tasks", "/api/{user_id}/tasks/{id}", "/api/{user_id}/tasks/{id}/complete"}


def test_crud_without_any_token(open_api, stack):
    user = someone()
    base = f"{open_api}/api/{user}/tasks"
    created = httpx.post(base, json={"title": "milk", "description": "two litres"})
    assert created.status_code == 201, created.text
    task = created.json()
    assert task["user_id"] == user and task["completed"] is False
    assert open_task(stack, task["id"])["user_id"] == user
    assert [t["id"] for t in httpx.get(base).json()] == [task["id"]]
    assert httpx.put(f"{base}/{task['id']}", json={"title": "oat milk"}).json()["title"] == "oat milk"
    assert httpx.patch(f"{base}/{task['id']}/complete").json()["completed"] is True
    assert httpx.delete(f"{base}/{task['id']}").json() == {"message": "Task deleted", "id": task["id"]}
    assert open_task(stack, task["id"]) is None


def test_the_path_decides_the_owner(open_api, stack):
    owner, other = someone(), someone()
    task = httpx.post(f"{open_api}/api/{owner}/tasks", json={"title": "mine"}).json()
    # Another path user does not see it...
    assert task["id"] not in {t["id"] for t in httpx.get(f"{open_api}/api/{other}/tasks").json()}
    assert httpx.get(f"{open_api}/api/{other}/tasks/{task['id']}").status_code == 404
    # ...but anybody who names the owner in the path acts as the owner, with no token at all,
    # even when a token for someone else is sent.
    as_owner = httpx.get(f"{open_api}/api/{owner}/tasks/{task['id']}", headers={"Authorization": "Bearer whatever"})
    assert as_owner.status_code == 200 and as_owner.json()["title"] == "mine"
    assert httpx.put(f"{open_api}/api/{owner}/tasks/{task['id']}", json={"title": "changed"}).status_code == 200
    assert open_task(stack, task["id"])["title"] == "changed"


def test_user_id_length(open_api):
    assert httpx.get(f"{open_api}/api/{'u' * 64}/tasks").status_code == 200
    assert httpx.get(f"{open_api}/api/{'u' * 65}/tasks").status_code == 422
    assert httpx.get(f"{open_api}/api/a%00b/tasks").status_code == 422  # not storable: refused, not a 500


def test_table_has_no_foreign_key(open_api, stack):
    db = stack["DATABASE_URL"]
    assert not sql(db, "SELECT 1 FROM pg_constraint WHERE conrelid = 'open_tasks'::regclass AND contype = 'f'")
    kind = sql(db, "SELECT data_type FROM information_schema.columns WHERE table_name = 'open_tasks' AND column_name = 'user_id'")
    assert kind[0]["data_type"] == "text"
