"""REFERENCE_SHAPE=varied: the official shape (Better Auth JWTs, /api/{user_id}/tasks, the
path user must be the token's) with the variations real apps grow:

- no completion toggle route (PUT {"completed": true} does it);
- a `priority` (low | medium | high, default medium) that PostgreSQL stores by its enum
  NAME (LOW/MEDIUM/HIGH) while the API answers the value;
- GET .../tasks/search?q=... (title or description contains q, case-insensitive, the
  caller's tasks only), declared before .../{id} so that "search" is not taken for an id;
- POST .../tasks/{id}/notes {text, pinned} -> 201 {id, task_id, text, pinned}: a body
  that is not task-shaped, so a task body gets FastAPI's 422 with the input echoed.
Tables varied_tasks (user_id -> "user"(id) ON DELETE CASCADE) and varied_notes
(task_id -> varied_tasks(id) ON DELETE CASCADE).

Faults: `search-unfiltered`, `search-sql-string` (see settings.FAULTS).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import or_
from sqlmodel import SQLModel, select

from .models import NoteCreate, NoteRead, StorableText, TaskDeleted, VariedTaskCreate, VariedTaskRead, VariedTaskUpdate
from .official import TaskId, not_found
from .settings import Settings
from .store import Store

SearchText = Annotated[StorableText, Query(min_length=1, max_length=200, description="text the title or description contains")]


def varied_routes(settings: Settings, store: Store, notes: type[SQLModel], owner_dep: Any, base: str) -> APIRouter:
    on = settings.on
    model = store.model
    router = APIRouter(tags=["tasks"])
    item = base + "/{id}"

    async def find(session, id: int, owner: str):
        row = await store.get(session, id, owner)
        if row is None:
            raise not_found()
        return row

    async def search_ids_by_string(session, q: str, owner: str | None) -> list[int]:
        """Fault `search-sql-string`: q pasted into the SQL text. A quote ends the literal,
        and the owner filter ANDed after it is escaped by an injected OR."""
        owner_filter = "" if owner is None else f" AND user_id = '{owner}'"
        sql = (
            f"SELECT id FROM {model.__tablename__} "
            f"WHERE concat_ws(' ', title, description) ILIKE '%{q}%'{owner_filter} ORDER BY created_at, id"
        )
        connection = await session.connection()
        return [row[0] for row in (await connection.exec_driver_sql(sql)).all()]

    @router.get(base, response_model=list[VariedTaskRead], summary="List the user's tasks")
    async def list_tasks(owner=Depends(owner_dep), session=Depends(store.session)):
        return await store.list(session, owner)

    @router.post(base, response_model=VariedTaskRead, status_code=201, summary="Create a task")
    async def create_task(body: VariedTaskCreate, owner=Depends(owner_dep), session=Depends(store.session)):
        return await store.create(session, owner, body.model_dump())

    # Before `item`: declared after it, "/search" would be read as the id "search" (422).
    @router.get(base + "/search", response_model=list[VariedTaskRead], summary="Search the user's tasks")
    async def search_tasks(q: SearchText, owner=Depends(owner_dep), session=Depends(store.session)):
        scope = None if on("search-unfiltered") else owner
        if on("search-sql-string"):
            ids = await search_ids_by_string(session, q, scope)
            rows = {row.id: row for row in (await session.exec(select(model).where(model.id.in_(ids)))).all()}
            return [rows[i] for i in ids if i in rows]
        query = select(model).where(
            or_(model.title.icontains(q, autoescape=True), model.description.icontains(q, autoescape=True))
        )
        if scope is not None:
            query = query.where(model.user_id == scope)
        return list((await session.exec(query.order_by(model.created_at, model.id))).all())

    @router.get(item, response_model=VariedTaskRead, summary="Get one task")
    async def get_task(id: int = TaskId, owner=Depends(owner_dep), session=Depends(store.session)):
        return await find(session, id, owner)

    @router.put(item, response_model=VariedTaskRead, summary="Update a task")
    async def update_task(body: VariedTaskUpdate, id: int = TaskId, owner=Depends(owner_dep), session=Depends(store.session)):
        return await store.update(session, await find(session, id, owner), body.model_dump(exclude_unset=True))

    @router.delete(item, response_model=TaskDeleted, summary="Delete a task (and its notes)")
    async def delete_task(id: int = TaskId, owner=Depends(owner_dep), session=Depends(store.session)):
        await store.delete(session, await find(session, id, owner))
        return TaskDeleted(message="Task deleted", id=id)

    @router.post(item + "/notes", response_model=NoteRead, status_code=201, summary="Add a note to a task")
    async def add_note(body: NoteCreate, id: int = TaskId, owner=Depends(owner_dep), session=Depends(store.session)):
        task = await find(session, id, owner)
        note = notes(task_id=task.id, **body.model_dump())
        session.add(note)
        await session.commit()
        return note

    return router
