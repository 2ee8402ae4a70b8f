"""scripts/services itself: loopback only, `run` passes the env and the exit status,
and nothing is left running afterwards, also when interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import httpx
from support import SERVICES, claims_of, read_env, services, sign_up, wait_until

from refapp.settings import FAULTS, SHAPES


def listening_addresses(pid: int) -> set[str]:
    """Local addresses of the TCP sockets that `pid` listens on (from /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd)
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A = LISTEN
                found.add(fields[1].split(":")[0])
    return found


def stack_pids(state: Path) -> list[int]:
    pids = [int(p.read_text()) for p in (state / "pids").glob("*.pid")]
    return pids + [int((state / "pg" / "data" / "postmaster.pid").read_text().split()[0])]


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_everything_listens_on_loopback_only(stack):
    pids = stack_pids(Path(stack["REFERENCE_STATE_DIR"]))
    assert len(pids) >= 3
    for pid in pids:
        assert listening_addresses(pid) == {"0100007F"}, pid  # 127.0.0.1, nothing else


def test_env_file_is_private(env_file, stack):
    assert env_file.stat().st_mode & 0o077 == 0
    assert set(stack) >= {"DATABASE_URL", "BETTER_AUTH_URL", "API_URL", "BETTER_AUTH_SECRET",
                          "REFERENCE_FOREIGN_DATABASE_URL", "REFERENCE_STATE_DIR"}


def test_run_passes_env_and_status_and_cleans_up(tmp_path):
    seen = tmp_path / "seen.env"
    script = f'env | grep -E "^(DATABASE_URL|BETTER_AUTH_URL|API_URL|REFERENCE_STATE_DIR)=" > {seen}; exit 7'
    result = subprocess.run([*SERVICES, "run", "--shape", "token-only", "--", "sh", "-c", script],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 7, result.stderr
    values = read_env(seen)
    assert values["API_URL"].startswith("http://127.0.0.1:")
    assert not Path(values["REFERENCE_STATE_DIR"]).exists()


def test_run_interrupted_stops_everything(tmp_path):
    seen = tmp_path / "state"
    process = subprocess.Popen(
        [*SERVICES, "run", "--", "sh", "-c", f'echo "$REFERENCE_STATE_DIR" > {seen}.tmp; mv {seen}.tmp {seen}; exec sleep 60'],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert wait_until(seen.exists, timeout=60), "the stack did not come up"
        state = Path(seen.read_text().strip())
        pids = stack_pids(state)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 143
        assert not state.exists()
        assert wait_until(lambda: not any(alive(pid) for pid in pids)), [p for p in pids if alive(p)]
    finally:
        if process.poll() is None:
            process.kill()


def test_down_is_idempotent_and_api_down_of_unknown_is_quiet(tmp_path):
    missing = tmp_path / "never-up.env"
    assert services("down", "--env-file", str(missing)).returncode == 0
    assert services("api-down", "--out", str(tmp_path / "never.env")).returncode == 0
    result = services("api", "--env-file", str(missing), "--out", str(tmp_path / "x.env"), check=False)
    assert result.returncode == 2 and "run `scripts/services up" in result.stderr


def environ_of(pid: int) -> set[bytes]:
    return set(Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"))


def wrong_sign_ins(auth_url: str, email: str, count: int) -> list[int]:
    return [
        httpx.post(f"{auth_url}/api/auth/sign-in/email", json={"email": email, "password": "wrong-password"},
                   headers={"Origin": auth_url}).status_code
        for _ in range(count)
    ]


def test_auth_env_production_and_jwt_lifetime(tmp_path):
    env_file = tmp_path / "production.env"
    services("up", "--env-file", str(env_file), "--auth-env", "production", "--jwt-lifetime", "15m")
    try:
        values = read_env(env_file)
        user = sign_up(values["BETTER_AUTH_URL"], "prod")
        claims = claims_of(user.jwt)
        assert claims["exp"] - claims["iat"] == 15 * 60  # Better Auth's own default, asked for
        # Better Auth's production rule for /sign-in: 3 requests per 10 s
        assert wrong_sign_ins(values["BETTER_AUTH_URL"], "nobody@example.com", 4) == [401, 401, 401, 429]
        pids = Path(values["REFERENCE_STATE_DIR"]) / "pids"
        assert b"BETTER_AUTH_ENV=production" in environ_of(int((pids / "auth.pid").read_text()))
        api_env = environ_of(int((pids / "api.pid").read_text()))
        assert not any(entry.startswith(b"BETTER_AUTH_ENV=") for entry in api_env)
    finally:
        services("down", "--env-file", str(env_file))


def test_development_auth_server_does_not_rate_limit(stack):
    assert wrong_sign_ins(stack["BETTER_AUTH_URL"], "nobody@example.com", 5) == [401] * 5


def test_bad_auth_options_are_refused_before_anything_starts(tmp_path):
    env_file = tmp_path / "never.env"
    lifetime = services("up", "--env-file", str(env_file), "--jwt-lifetime", "604800", check=False)
    assert lifetime.returncode == 2 and "--jwt-lifetime must be a number and a unit" in lifetime.stderr
    mode = services("up", "--env-file", str(env_file), "--auth-env", "staging", check=False)
    assert mode.returncode == 2 and "invalid choice: 'staging'" in mode.stderr
    assert not env_file.exists()


def test_help_lists_every_shape_and_fault():
    shown = services("--help").stdout
    for name in (*SHAPES, *FAULTS):
        assert f"  {name} " in shown, name
