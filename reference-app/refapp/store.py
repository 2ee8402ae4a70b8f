"""Task persistence shared by both API shapes. Owner filtering is the caller's choice:
`owner=None` means "any owner", which is exactly what the planted faults use."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from .models import utcnow


class Store:
    def __init__(self, engine: AsyncEngine, model: type[SQLModel], flag: str):
        self.engine = engine
        self.model = model
        self.flag = flag  # "completed" or "is_complete"

    async def session(self) -> AsyncIterator[AsyncSession]:
        """FastAPI dependency: one session per request."""
        async with AsyncSession(self.engine, expire_on_commit=False) as session:
            yield session

    async def list(self, session: AsyncSession, owner: str | None) -> list[Any]:
        query = select(self.model).order_by(self.model.created_at, self.model.id)
        if owner is not None:
            query = query.where(self.model.user_id == owner)
        return list((await session.exec(query)).all())

    async def get(self, session: AsyncSession, task_id: Any, owner: str | None) -> Any | None:
        query = select(self.model).where(self.model.id == task_id)
        if owner is not None:
            query = query.where(self.model.user_id == owner)
        return (await session.exec(query)).first()

    async def create(self, session: AsyncSession, owner: str, fields: dict[str, Any]) -> Any:
        row = self.model(**fields, user_id=owner)
        session.add(row)
        await session.commit()
        return row

    async def update(self, session: AsyncSession, row: Any, changes: dict[str, Any]) -> Any:
        for key, value in changes.items():
            setattr(row, key, value)
        row.updated_at = utcnow()
        session.add(row)
        await session.commit()
        return row

    async def toggle(self, session: AsyncSession, row: Any) -> Any:
        return await self.update(session, row, {self.flag: not getattr(row, self.flag)})

    async def delete(self, session: AsyncSession, row: Any) -> None:
        await session.delete(row)
        await session.commit()

    async def delete_then_check_owner(self, session: AsyncSession, task_id: Any, owner: str) -> bool:
        """The `delete-no-owner-check` bug, shared by both shapes: delete by id first, check the
        owner afterwards. Returns whether the row was the caller's; the caller answers 404 when
        it was not, as if nothing happened — but the other user's task is gone."""
        row = await self.get(session, task_id, None)
        if row is not None:
            await self.delete(session, row)
        return row is not None and row.user_id == owner
