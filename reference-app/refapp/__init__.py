"""The embedded reference app: the whole Phase II stack on loopback.

- ``auth_server``: Better Auth (the ``better-auth-server`` port) with email/password and JWT.
- ``todo_api``: the FastAPI + SQLModel todo back end, in two shapes, with planted faults.
- ``stack``: the ``scripts/services`` command (private PostgreSQL cluster + both servers).
"""
