"""Tables and JSON schemas of the todo API.

The table classes are built by factories because their names and foreign keys depend on
how the API runs (shape, custom-auth, foreign-database), and one process runs one way.
The API creates only its own tables; Better Auth's "user" table appears here as a
one-column stub, just so SQLAlchemy can resolve the foreign key to it.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Annotated

from pydantic import AfterValidator, model_validator
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, String, Table, Text, false
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# Better Auth owns this table (quoted "user": a reserved word); never created from here.
BETTER_AUTH_USER = Table("user", SQLModel.metadata, Column("id", Text, primary_key=True))


def _owner_column(references: str | None) -> Column:
    fk = [ForeignKey(references, ondelete="CASCADE")] if references else []
    return Column("user_id", Text, *fk, nullable=False, index=True)


def _timestamp() -> Column:
    return Column(DateTime(timezone=True), nullable=False)


def task_table(name: str, references: str | None) -> type[SQLModel]:
    """The official shape's table: integer ids, `completed`."""

    class Task(SQLModel, table=True):
        __tablename__ = name
        id: int | None = Field(default=None, primary_key=True)
        user_id: str = Field(sa_column=_owner_column(references))
        title: str = Field(sa_column=Column(String(200), nullable=False))
        description: str | None = Field(default=None, sa_column=Column(String(1000)))
        completed: bool = Field(
            default=False, sa_column=Column(Boolean, nullable=False, server_default=false(), index=True)
        )
        created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
        updated_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())

    return Task


def todo_table(name: str, references: str | None) -> type[SQLModel]:
    """The token-only shape's table: UUID ids, `is_complete`."""

    class Todo(SQLModel, table=True):
        __tablename__ = name
        id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
        user_id: str = Field(sa_column=_owner_column(references))
        title: str = Field(sa_column=Column(String(200), nullable=False))
        description: str | None = Field(default=None, sa_column=Column(String(1000)))
        is_complete: bool = Field(
            default=False, sa_column=Column(Boolean, nullable=False, server_default=false(), index=True)
        )
        created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
        updated_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())

    return Todo


def users_table() -> type[SQLModel]:
    """The home-made user table of the custom-auth fault (bcrypt hashes)."""

    class User(SQLModel, table=True):
        __tablename__ = "users"
        id: str = Field(default_factory=lambda: uuid.uuid4().hex, primary_key=True)
        email: str = Field(sa_column=Column(Text, nullable=False, unique=True))
        name: str = Field(sa_column=Column(Text, nullable=False))
        password_hash: str = Field(sa_column=Column(Text, nullable=False))
        created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())

    return User


# --- request and response bodies -------------------------------------------------------


def _storable(value: str | None) -> str | None:
    """PostgreSQL text cannot hold NUL or unpaired surrogates: refuse them with a 422
    instead of letting the driver fail with a 500."""
    if value is not None:
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must be valid Unicode text") from None
    return value


StorableText = Annotated[str, AfterValidator(_storable)]
OptionalText = Annotated[str | None, AfterValidator(_storable)]


class _NoExplicitNull(SQLModel):
    """Update bodies: every field is optional, but a field that is sent must not be null
    unless it is nullable (only `description` is)."""

    @model_validator(mode="before")
    @classmethod
    def _reject_nulls(cls, data):
        if isinstance(data, dict):
            for key in ("title", "completed", "is_complete"):
                if key in data and data[key] is None:
                    raise ValueError(f"{key} must not be null")
        return data


class TaskCreate(SQLModel):
    title: StorableText = Field(min_length=1, max_length=200)
    description: OptionalText = Field(default=None, max_length=1000)


class TaskUpdate(_NoExplicitNull):
    title: OptionalText = Field(default=None, min_length=1, max_length=200)
    description: OptionalText = Field(default=None, max_length=1000)
    completed: bool | None = None


class TaskRead(SQLModel):
    id: int
    user_id: str
    title: str
    description: str | None
    completed: bool
    created_at: datetime
    updated_at: datetime


class TaskDeleted(SQLModel):
    message: str
    id: int


class TodoCreate(SQLModel):
    title: StorableText = Field(min_length=1, max_length=200)
    description: OptionalText = Field(default=None, max_length=1000)
    is_complete: bool = False


class TodoUpdate(_NoExplicitNull):
    title: OptionalText = Field(default=None, min_length=1, max_length=200)
    description: OptionalText = Field(default=None, max_length=1000)
    is_complete: bool | None = None


class TodoRead(SQLModel):
    id: uuid.UUID
    user_id: str
    title: str
    description: str | None
    is_complete: bool
    created_at: datetime
    updated_at: datetime


class TodoEnvelope(SQLModel):
    todo: TodoRead


class TodoList(SQLModel):
    todos: list[TodoRead]
    total: int
