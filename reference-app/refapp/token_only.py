"""The second API shape: /api/todos[/{id}], user only from the token, UUID ids,
`is_complete`, wrapped answers ({"todos": [...], "total": N} and {"todo": {...}}),
toggle by PATCH with a body, 204 on delete."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status

from .models import TodoCreate, TodoEnvelope, TodoList, TodoUpdate
from .official import owner_from_body
from .settings import Settings
from .store import Store


def not_found() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, "Todo not found")


def token_only_routes(settings: Settings, store: Store, owner_dep: Any, base: str, *, create: bool = True) -> APIRouter:
    on = settings.on
    router = APIRouter(tags=["todos"])
    item = base + "/{id}"

    def scope(owner: str | None, fault: str) -> str | None:
        return None if on(fault) else owner

    async def change(id: uuid.UUID, owner: str | None, fault: str, body: TodoUpdate, session) -> TodoEnvelope:
        row = await store.get(session, id, scope(owner, fault))
        if row is None:
            raise not_found()
        row = await store.update(session, row, body.model_dump(exclude_unset=True))
        return TodoEnvelope(todo=row)

    @router.get(base, response_model=TodoList, summary="List the caller's todos")
    async def list_todos(owner=Depends(owner_dep), session=Depends(store.session)):
        rows = await store.list(session, scope(owner, "list-unfiltered"))
        return TodoList(todos=rows, total=len(rows))

    if create:

        @router.post(base, response_model=TodoEnvelope, status_code=201, summary="Create a todo")
        async def create_todo(body: TodoCreate, request: Request, owner=Depends(owner_dep), session=Depends(store.session)):
            if on("owner-from-body"):
                owner = await owner_from_body(request) or owner
            return TodoEnvelope(todo=await store.create(session, owner, body.model_dump()))

    @router.get(item, response_model=TodoEnvelope, summary="Get one todo")
    async def get_todo(id: uuid.UUID, owner=Depends(owner_dep), session=Depends(store.session)):
        row = await store.get(session, id, scope(owner, "get-no-owner-check"))
        if row is None:
            raise not_found()
        return TodoEnvelope(todo=row)

    @router.put(item, response_model=TodoEnvelope, summary="Update a todo")
    async def update_todo(body: TodoUpdate, id: uuid.UUID, owner=Depends(owner_dep), session=Depends(store.session)):
        return await change(id, owner, "update-no-owner-check", body, session)

    @router.patch(item, response_model=TodoEnvelope, summary="Set completion (and other fields)")
    async def patch_todo(body: TodoUpdate, id: uuid.UUID, owner=Depends(owner_dep), session=Depends(store.session)):
        return await change(id, owner, "toggle-no-owner-check", body, session)

    @router.delete(item, status_code=204, response_class=Response, summary="Delete a todo")
    async def delete_todo(id: uuid.UUID, owner=Depends(owner_dep), session=Depends(store.session)):
        if on("delete-no-owner-check") and owner is not None:
            if not await store.delete_then_check_owner(session, id, owner):
                raise not_found()
            return Response(status_code=204)
        row = await store.get(session, id, owner)
        if row is None:
            raise not_found()
        await store.delete(session, row)
        return Response(status_code=204)

    return router
