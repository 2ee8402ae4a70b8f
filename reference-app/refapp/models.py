"""Tables and JSON schemas of the todo API.

The table classes are built by factories because their names and foreign keys depend on
how the API runs (shape, custom-auth, foreign-database), and one process runs one way.
The API creates only its own tables; Better Auth's "user" table appears here as a
one-column stub, just so SQLAlchemy can resolve the foreign key to it.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime, timezone
from typing import Annotated

from pydantic import AfterValidator, EmailStr, model_validator
from sqlalchemy import Boolean, Column, DateTime, Enum, ForeignKey, Integer, String, Table, Text, false
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


def app_users_table() -> type[SQLModel]:
    """The own-login shape's users: serial integer ids, bcrypt hashes."""

    class AppUser(SQLModel, table=True):
        __tablename__ = "app_users"
        id: int | None = Field(default=None, primary_key=True)
        email: str = Field(sa_column=Column(Text, nullable=False, unique=True))
        name: str = Field(sa_column=Column(Text, nullable=False))
        hashed_password: str = Field(sa_column=Column(Text, nullable=False))
        created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())

    return AppUser


def app_tasks_table() -> type[SQLModel]:
    """The own-login shape's tasks: the owner is an integer referencing app_users(id),
    without ON DELETE CASCADE (the plain `ForeignKey("app_users.id")` most such apps write)."""

    class AppTask(SQLModel, table=True):
        __tablename__ = "app_tasks"
        id: int | None = Field(default=None, primary_key=True)
        user_id: int = Field(sa_column=Column(Integer, ForeignKey("app_users.id"), nullable=False, index=True))
        title: str = Field(sa_column=Column(String(200), nullable=False))
        description: str | None = Field(default=None, sa_column=Column(String(1000)))
        completed: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
        created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
        updated_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())

    return AppTask


class Priority(enum.Enum):
    """The varied shape's priorities. SQLAlchemy's Enum type stores the member NAME
    (LOW/MEDIUM/HIGH) while the API speaks the value ("low"...): the database and the
    wire disagree, as in many real apps."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


def varied_tables(references: str | None) -> tuple[type[SQLModel], type[SQLModel]]:
    """The varied shape's tasks (with a priority) and the notes attached to them."""

    class VariedTask(SQLModel, table=True):
        __tablename__ = "varied_tasks"
        id: int | None = Field(default=None, primary_key=True)
        user_id: str = Field(sa_column=_owner_column(references))
        title: str = Field(sa_column=Column(String(200), nullable=False))
        description: str | None = Field(default=None, sa_column=Column(String(1000)))
        completed: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
        priority: Priority = Field(
            default=Priority.MEDIUM,
            sa_column=Column(Enum(Priority, name="varied_priority"), nullable=False, server_default=Priority.MEDIUM.name),
        )
        created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
        updated_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())

    class VariedNote(SQLModel, table=True):
        __tablename__ = "varied_notes"
        id: int | None = Field(default=None, primary_key=True)
        task_id: int = Field(
            sa_column=Column(Integer, ForeignKey("varied_tasks.id", ondelete="CASCADE"), nullable=False, index=True)
        )
        text: str = Field(sa_column=Column(String(1000), nullable=False))
        pinned: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
        created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())

    return VariedTask, VariedNote


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


class OwnTaskRead(SQLModel):
    """own-login: the official answer, with the integer owner id of app_users."""

    id: int
    user_id: int
    title: str
    description: str | None
    completed: bool
    created_at: datetime
    updated_at: datetime


def _bcrypt_sized(value: str) -> str:
    # bcrypt 5 refuses more than 72 bytes; a 422 names the limit instead of a 500.
    if len(value.encode("utf-8", "surrogatepass")) > 72:
        raise ValueError("must be at most 72 bytes")
    return value


Password = Annotated[str, AfterValidator(_storable), AfterValidator(_bcrypt_sized)]


class Register(SQLModel):
    email: EmailStr
    password: Password = Field(min_length=8)
    name: StorableText = Field(min_length=1, max_length=200)


class UserRead(SQLModel):
    id: int
    email: str
    name: str


class Login(SQLModel):
    email: StorableText = Field(max_length=320)
    password: str = Field(max_length=1000)


class AccessToken(SQLModel):
    access_token: str
    token_type: str = "bearer"


class VariedTaskCreate(TaskCreate):
    priority: Priority = Priority.MEDIUM


class VariedTaskUpdate(TaskUpdate):
    priority: Priority | None = None

    @model_validator(mode="before")
    @classmethod
    def _priority_not_null(cls, data):
        if isinstance(data, dict) and "priority" in data and data["priority"] is None:
            raise ValueError("priority must not be null")
        return data


class VariedTaskRead(TaskRead):
    priority: Priority


class NoteCreate(SQLModel):
    text: StorableText = Field(min_length=1, max_length=1000)
    pinned: bool = False


class NoteRead(SQLModel):
    id: int
    task_id: int
    text: str
    pinned: bool


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
