"""REFERENCE_SHAPE=varied: the official shape without the toggle, with a priority stored by
its enum NAME, a search route and notes (tables varied_tasks, varied_notes)."""

from __future__ import annotations

import subprocess
import uuid

import httpx
import pytest
from support import extra_api, sql


@pytest.fixture(scope="module")
def varied_api(env_file):
    with extra_api(env_file, shape="varied") as url:
        yield url


def create(api, user, **body) -> dict:
    response = httpx.post(f"{api}/api/{user.id}/tasks", json={"title": user.marker, **body}, headers=user.headers)
    assert response.status_code == 201, response.text
    return response.json()


def psql(stack, query: str) -> str:
    """What PostgreSQL itself holds, through its own client rather than a Python driver."""
    result = subprocess.run(["psql", stack["DATABASE_URL"], "-X", "-tA", "-c", query],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def search(api, user, q: str, as_user=None) -> httpx.Response:
    return httpx.get(f"{api}/api/{user.id}/tasks/search", params={"q": q}, headers=(as_user or user).headers)


def test_openapi_routes(varied_api):
    paths = httpx.get(f"{varied_api}/openapi.json").json()["paths"]
    assert set(paths) == {
        "/health", "/api/{user_id}/tasks", "/api/{user_id}/tasks/search",
        "/api/{user_id}/tasks/{id}", "/api/{user_id}/tasks/{id}/notes",
    }
    assert set(paths["/api/{user_id}/tasks/{id}"]) == {"get", "put", "delete"}  # no toggle
    assert list(paths).index("/api/{user_id}/tasks/search") < list(paths).index("/api/{user_id}/tasks/{id}")


def test_priority_is_stored_by_name_and_answered_by_value(varied_api, alice, stack):
    default = create(varied_api, alice)
    assert default["priority"] == "medium"
    high = create(varied_api, alice, priority="high")
    assert high["priority"] == "high"
    assert psql(stack, f"SELECT priority FROM varied_tasks WHERE id = {high['id']}") == "HIGH"
    assert psql(stack, f"SELECT priority FROM varied_tasks WHERE id = {default['id']}") == "MEDIUM"
    assert psql(stack, "SELECT enum_range(NULL::varied_priority)") == "{LOW,MEDIUM,HIGH}"

    item = f"{varied_api}/api/{alice.id}/tasks/{high['id']}"
    lowered = httpx.put(item, json={"priority": "low"}, headers=alice.headers)
    assert lowered.status_code == 200 and lowered.json()["priority"] == "low"
    assert psql(stack, f"SELECT priority FROM varied_tasks WHERE id = {high['id']}") == "LOW"
    assert httpx.get(item, headers=alice.headers).json()["priority"] == "low"
    for bad in ("urgent", "HIGH", None):
        assert httpx.put(item, json={"priority": bad}, headers=alice.headers).status_code == 422, bad
    assert httpx.post(f"{varied_api}/api/{alice.id}/tasks", json={"title": "x", "priority": "LOW"},
                      headers=alice.headers).status_code == 422


def test_crud_without_toggle(varied_api, alice, stack):
    task = create(varied_api, alice, description="d")
    item = f"{varied_api}/api/{alice.id}/tasks/{task['id']}"
    assert httpx.patch(f"{item}/complete", headers=alice.headers).status_code in (404, 405)
    done = httpx.put(item, json={"completed": True}, headers=alice.headers)
    assert done.status_code == 200 and done.json()["completed"] is True
    assert task["id"] in {t["id"] for t in httpx.get(f"{varied_api}/api/{alice.id}/tasks", headers=alice.headers).json()}
    assert httpx.delete(item, headers=alice.headers).json() == {"message": "Task deleted", "id": task["id"]}
    assert not sql(stack["DATABASE_URL"], "SELECT 1 FROM varied_tasks WHERE id = $1", task["id"])


def test_search_is_the_callers_and_case_insensitive(varied_api, alice, bob):
    word = f"needle{uuid.uuid4().hex[:6]}"
    in_title = create(varied_api, alice, title=f"Find the {word.upper()} here")
    in_description = create(varied_api, alice, title="other", description=f"a {word} inside")
    create(varied_api, alice, title="unrelated")
    bobs = create(varied_api, bob, title=f"bob's {word}")

    found = search(varied_api, alice, word)
    assert found.status_code == 200, found.text
    assert [t["id"] for t in found.json()] == [in_title["id"], in_description["id"]]
    assert [t["id"] for t in search(varied_api, bob, word.title()).json()] == [bobs["id"]]
    # the clean search takes q literally: quotes and wildcards are just characters
    assert search(varied_api, alice, "' OR '1'='1").json() == []
    assert search(varied_api, alice, "%").json() == []


def test_search_rules(varied_api, alice, bob):
    assert httpx.get(f"{varied_api}/api/{alice.id}/tasks/search", headers=alice.headers).status_code == 422  # q required
    assert search(varied_api, alice, "").status_code == 422
    assert search(varied_api, alice, "x", as_user=bob).status_code == 403
    assert httpx.get(f"{varied_api}/api/{alice.id}/tasks/search", params={"q": "x"}).status_code == 401


def test_notes(varied_api, alice, bob, stack):
    task = create(varied_api, alice)
    notes = f"{varied_api}/api/{alice.id}/tasks/{task['id']}/notes"
    added = httpx.post(notes, json={"text": "call first"}, headers=alice.headers)
    assert added.status_code == 201, added.text
    note = added.json()
    assert set(note) == {"id", "task_id", "text", "pinned"}
    assert (note["task_id"], note["text"], note["pinned"]) == (task["id"], "call first", False)
    pinned = httpx.post(notes, json={"text": "really", "pinned": True}, headers=alice.headers).json()
    rows = sql(stack["DATABASE_URL"], "SELECT id, text, pinned FROM varied_notes WHERE task_id = $1 ORDER BY id", task["id"])
    assert [(r["id"], r["text"], r["pinned"]) for r in rows] == [(note["id"], "call first", False), (pinned["id"], "really", True)]

    # not the caller's task, or none at all: 404; another user's path: 403
    bobs_path = f"{varied_api}/api/{bob.id}/tasks/{task['id']}/notes"
    assert httpx.post(bobs_path, json={"text": "hi"}, headers=bob.headers).status_code == 404
    assert httpx.post(f"{varied_api}/api/{alice.id}/tasks/2147483647/notes", json={"text": "x"},
                      headers=alice.headers).status_code == 404
    assert httpx.post(notes, json={"text": "x"}, headers=bob.headers).status_code == 403
    assert httpx.post(notes, json={"text": ""}, headers=alice.headers).status_code == 422

    # deleting the task deletes its notes (ON DELETE CASCADE)
    assert httpx.delete(f"{varied_api}/api/{alice.id}/tasks/{task['id']}", headers=alice.headers).status_code == 200
    assert not sql(stack["DATABASE_URL"], "SELECT 1 FROM varied_notes WHERE task_id = $1", task["id"])


def test_a_task_shaped_note_gets_422_echoing_the_body(varied_api, alice):
    task = create(varied_api, alice)
    body = {"title": alice.marker, "description": "a task, not a note"}
    response = httpx.post(f"{varied_api}/api/{alice.id}/tasks/{task['id']}/notes", json=body, headers=alice.headers)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["type"], error["loc"]) == ("missing", ["body", "text"])
    assert error["input"] == body  # FastAPI echoes what was sent


def test_isolation(varied_api, alice, bob, stack):
    task = create(varied_api, alice, priority="high")
    before = sql(stack["DATABASE_URL"], "SELECT * FROM varied_tasks WHERE id = $1", task["id"])
    item = f"{varied_api}/api/{bob.id}/tasks/{task['id']}"
    assert httpx.get(item, headers=bob.headers).status_code == 404
    assert httpx.put(item, json={"title": "pwned"}, headers=bob.headers).status_code == 404
    assert httpx.delete(item, headers=bob.headers).status_code == 404
    assert httpx.get(f"{varied_api}/api/{alice.id}/tasks/{task['id']}", headers=bob.headers).status_code == 403
    assert task["id"] not in {t["id"] for t in httpx.get(f"{varied_api}/api/{bob.id}/tasks", headers=bob.headers).json()}
    assert sql(stack["DATABASE_URL"], "SELECT * FROM varied_tasks WHERE id = $1", task["id"]) == before


def test_schema(varied_api, stack):
    db = stack["DATABASE_URL"]
    fks = sql(db, "SELECT conrelid::regclass::text AS source, confrelid::regclass::text AS target, "
                  "confdeltype::text AS on_delete FROM pg_constraint WHERE contype = 'f' "
                  "AND conrelid IN ('varied_tasks'::regclass, 'varied_notes'::regclass) ORDER BY 1")
    assert [(r["source"], r["target"], r["on_delete"]) for r in fks] == [
        ("varied_notes", "varied_tasks", "c"), ("varied_tasks", '"user"', "c")]
