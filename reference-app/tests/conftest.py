"""One reference stack for the whole test session, started and stopped through the real
`services` command (reference-app/services.py, what scripts/services runs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import read_env, services, sign_up


@pytest.fixture(scope="session")
def env_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("stack") / "services.env"
    services("up", "--env-file", str(path), "--faults", "", "--shape", "official", "--auth-env", "development")
    yield path
    services("down", "--env-file", str(path))


@pytest.fixture(scope="session")
def stack(env_file) -> dict[str, str]:
    return read_env(env_file)


@pytest.fixture(scope="session")
def api(stack) -> str:
    return stack["API_URL"]


@pytest.fixture(scope="session")
def alice(stack):
    return sign_up(stack["BETTER_AUTH_URL"], "alice")


@pytest.fixture(scope="session")
def bob(stack):
    return sign_up(stack["BETTER_AUTH_URL"], "bob")
