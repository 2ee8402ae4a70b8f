"""A private, throw-away PostgreSQL cluster built with the installed server binaries.

It listens on 127.0.0.1 only, on a free port, with its own socket directory (so it never
collides with a system cluster), and accepts password (SCRAM) logins over TCP for one
ordinary role. initdb and postgres refuse to run as root, so as root every server
command runs as the `postgres` user through runuser.
"""

from __future__ import annotations

import asyncio
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROLE = "app"
DATABASES = ("conformance", "conformance_foreign")


class ClusterError(Exception):
    pass


def find_bin_dir() -> Path:
    override = os.environ.get("REFERENCE_PG_BIN")
    candidates = [override] if override else glob.glob("/usr/lib/postgresql/*/bin")
    found = [Path(c) for c in candidates if c and (Path(c) / "initdb").exists()]
    if not found:
        raise ClusterError(
            "no PostgreSQL server binaries (initdb) in /usr/lib/postgresql/*/bin; "
            "run scripts/setup (it installs the `postgresql` package) or set REFERENCE_PG_BIN"
        )
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], what: str) -> None:
    try:
        result = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise ClusterError(f"{what}: {error.filename} not found") from None
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise ClusterError(f"{what} failed (exit {result.returncode}):\n{output}")


@dataclass
class Cluster:
    root: Path  # owned by the server user; holds data/, run/ (socket) and postgres.log
    port: int = 0
    password: str = ""

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "run"

    @property
    def log(self) -> Path:
        return self.root / "postgres.log"

    def url(self, database: str) -> str:
        return f"postgresql://{ROLE}:{self.password}@127.0.0.1:{self.port}/{database}"

    # --- lifecycle -------------------------------------------------------------------

    def create(self) -> None:
        """initdb, start, then create the role and the databases."""
        bin_dir = find_bin_dir()
        self.root.mkdir(mode=0o700)
        self.socket_dir.mkdir(mode=0o700)
        if os.geteuid() == 0:
            try:
                server = pwd.getpwnam("postgres")
            except KeyError:
                raise ClusterError(
                    "running as root needs the `postgres` user to run the server "
                    "(the `postgresql` package creates it; run scripts/setup)"
                ) from None
            for path in (self.root, self.socket_dir):
                os.chown(path, server.pw_uid, server.pw_gid)
        _run(
            _as_server_user([
                str(bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres",
                "--auth-local=trust", "--auth-host=scram-sha-256",
                "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
            ]),
            "initdb",
        )
        self._start(bin_dir)
        self.password = secrets.token_urlsafe(18)
        asyncio.run(self._provision())

    def _start(self, bin_dir: Path) -> None:
        # A port found free can be taken before the server binds it: retry a few times.
        for attempt in range(5):
            self.port = _free_port()
            settings = {
                "listen_addresses": "'127.0.0.1'",
                "port": str(self.port),
                "unix_socket_directories": f"'{self.socket_dir}'",
                "max_connections": "300",
                # a disposable test cluster: durability buys nothing, speed does
                "fsync": "off",
                "synchronous_commit": "off",
                "full_page_writes": "off",
            }
            options = " ".join(f"-c {k}={v}" for k, v in settings.items())
            result = subprocess.run(  # not _run: a port clash is retried, not fatal
                _as_server_user([
                    str(bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                    "-o", options, "-w", "-t", "30", "start",
                ]),
                stdin=subprocess.DEVNULL, capture_output=True, text=True,
            )
            if result.returncode == 0:
                return
            log = self.log_tail()
            if "could not bind" not in log and "already in use" not in log:
                raise ClusterError(f"pg_ctl start failed:\n{result.stdout}{result.stderr}\n{log}")
        raise ClusterError(f"PostgreSQL could not find a free port after {attempt + 1} tries")

    async def _provision(self) -> None:
        import asyncpg  # only needed here; keeps `services api` quick to start

        conn = await asyncpg.connect(
            host=str(self.socket_dir), port=self.port, user="postgres", database="postgres"
        )
        try:
            literal = "'" + self.password.replace("'", "''") + "'"
            await conn.execute(f"CREATE ROLE {ROLE} LOGIN PASSWORD {literal}")
            for name in DATABASES:
                await conn.execute(f"CREATE DATABASE {name} OWNER {ROLE}")
        finally:
            await conn.close()

    def stop(self) -> None:
        """Stop the server if it runs; idempotent. Falls back to killing the postmaster."""
        pid_file = self.data / "postmaster.pid"
        if not pid_file.exists():
            return
        try:
            _run(
                _as_server_user([
                    str(find_bin_dir() / "pg_ctl"), "-D", str(self.data), "-m", "fast",
                    "-w", "-t", "20", "stop",
                ]),
                "pg_ctl stop",
            )
        except ClusterError:
            try:
                pid = int(pid_file.read_text().split()[0])
                os.kill(pid, 9)
            except (OSError, ValueError, IndexError):
                pass

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
