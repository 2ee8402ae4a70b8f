"""The official Phase II routes: /api/{user_id}/tasks[/{id}], integer ids, `completed`.

Each planted fault that touches a route is one visible `on(...)` check below.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request, status

from .models import TaskCreate, TaskDeleted, TaskRead, TaskUpdate
from .settings import Settings
from .store import Store

# Ids outside PostgreSQL's integer range cannot exist; refusing them (422) keeps the
# driver from failing with a 500 on an out-of-range parameter.
TaskId = Path(ge=-(2**31), le=2**31 - 1)


def not_found() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, "Task not found")


async def owner_from_body(request: Request) -> str | None:
    """Fault `owner-from-body`: the owner a client put in the body (mass assignment)."""
    try:
        body = await request.json()
    except ValueError:
        return None
    if isinstance(body, dict):
        for key in ("user_id", "userId"):
            if isinstance(body.get(key), str) and body[key]:
                return body[key]
    return None


def official_routes(settings: Settings, store: Store, owner_dep: Any, base: str, *, create: bool = True) -> APIRouter:
    """The task routes under `base`. With `owner_dep` returning None (the unprotected copy),
    no lookup is filtered by owner."""
    on = settings.on
    router = APIRouter(tags=["tasks"])
    item = base + "/{id}"

    def scope(owner: str | None, fault: str) -> str | None:
        return None if on(fault) else owner

    @router.get(base, response_model=list[TaskRead], summary="List the user's tasks")
    async def list_tasks(owner=Depends(owner_dep), session=Depends(store.session)):
        return await store.list(session, scope(owner, "list-unfiltered"))

    if create:

        @router.post(base, response_model=TaskRead, status_code=201, summary="Create a task")
        async def create_task(body: TaskCreate, request: Request, owner=Depends(owner_dep), session=Depends(store.session)):
            if on("owner-from-body"):
                owner = await owner_from_body(request) or owner
            return await store.create(session, owner, body.model_dump())

    @router.get(item, response_model=TaskRead, summary="Get one task")
    async def get_task(id: int = TaskId, owner=Depends(owner_dep), session=Depends(store.session)):
        row = await store.get(session, id, scope(owner, "get-no-owner-check"))
        if row is None:
            raise not_found()
        return row

    @router.put(item, response_model=TaskRead, summary="Update a task")
    async def update_task(body: TaskUpdate, id: int = TaskId, owner=Depends(owner_dep), session=Depends(store.session)):
        row = await store.get(session, id, scope(owner, "update-no-owner-check"))
        if row is None:
            raise not_found()
        return await store.update(session, row, body.model_dump(exclude_unset=True))

    @router.delete(item, response_model=TaskDeleted, summary="Delete a task")
    async def delete_task(id: int = TaskId, owner=Depends(owner_dep), session=Depends(store.session)):
        if on("delete-no-owner-check") and owner is not None:
            if not await store.delete_then_check_owner(session, id, owner):
                raise not_found()
            return TaskDeleted(message="Task deleted", id=id)
        row = await store.get(session, id, owner)
        if row is None:
            raise not_found()
        await store.delete(session, row)
        return TaskDeleted(message="Task deleted", id=id)

    @router.patch(item + "/complete", response_model=TaskRead, summary="Toggle completion")
    async def toggle_task(id: int = TaskId, owner=Depends(owner_dep), session=Depends(store.session)):
        row = await store.get(session, id, scope(owner, "toggle-no-owner-check"))
        if row is None:
            raise not_found()
        return await store.toggle(session, row)

    return router
