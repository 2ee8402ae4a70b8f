"""`scripts/services`: start and stop the reference stack on loopback.

    up      --env-file PATH [--faults a,b] [--shape SHAPE] [--auth-env production] [--jwt-lifetime 15m]
    api     --env-file PATH --out PATH2 [--faults ...] [--shape ...]
    api-down --out PATH2
    down    --env-file PATH
    run     [--faults ...] [--shape ...] [--auth-env ...] [--jwt-lifetime ...] -- CMD ARGS...

Everything `up` starts lives under one new temporary folder (REFERENCE_STATE_DIR):
the PostgreSQL cluster (pg/), the server logs (logs/) and one pid file per server
(pids/). `down` stops exactly those PIDs and that cluster, then removes the folder.
The servers are started in their own sessions so that `up` can return while they run.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from .postgres import Cluster, ClusterError
from .settings import FAULT_SHAPES, FAULTS, SHAPES, ConfigError, check_faults_for_shape, parse_faults, parse_shape

APP_DIR = Path(__file__).resolve().parent.parent  # reference-app/
MARKER = ".conformance-reference"  # proves a folder is ours before anything is deleted
START_TIMEOUT = 45.0
STOP_TIMEOUT = 5.0

# Variables that would steer a child away from the stack it belongs to.
_INHERITED_OVERRIDES = (
    "BETTER_AUTH_URL", "BETTER_AUTH_JWKS_URL", "BETTER_AUTH_ISSUER", "BETTER_AUTH_AUDIENCE",
    "REFERENCE_FAULTS", "REFERENCE_SHAPE", "PORT",
    # Better Auth's mode is set for the auth server alone, from --auth-env.
    "BETTER_AUTH_ENV", "REFERENCE_JWT_LIFETIME",
)

#: What `--shape` picks, for `--help`; README.md has the tables and answers of each.
SHAPE_HELP = {
    "official": "/api/{user_id}/tasks[/{id}], PATCH .../{id}/complete; Better Auth JWTs (table tasks)",
    "token-only": "/api/todos[/{id}], user from the token only, UUID ids, wrapped answers (table todos)",
    "own-login": "the API's own /api/auth/register and /login (HS256), /api/tasks[/{id}] (app_users, app_tasks)",
    "no-login": "the official routes without any authentication: the path's user id is the owner (open_tasks)",
    "varied": "official, minus the toggle, plus priority, .../tasks/search?q= and .../{id}/notes (varied_tasks, varied_notes)",
}
AUTH_ENVS = ("development", "production")


class ServiceError(Exception):
    pass


# --- env files ---------------------------------------------------------------------------

def read_env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def write_env_file(path: Path, values: Mapping[str, str]) -> None:
    # It holds the database password and BETTER_AUTH_SECRET: owner-only, written atomically.
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.writelines(f"{key}={value}\n" for key, value in values.items())
    os.replace(tmp, path)


def _state_dir(values: Mapping[str, str]) -> Path | None:
    """The state folder named in an env file, if it still exists and is ours."""
    raw = values.get("REFERENCE_STATE_DIR")
    if not raw:
        return None
    state = Path(raw)
    return state if (state / MARKER).exists() else None


# --- processes ---------------------------------------------------------------------------

def _alive(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)  # reap it if it is our own exited child
    except ChildProcessError:
        pass
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _is_ours(pid: int, state: Path) -> bool:
    """Guards against PID reuse: our servers carry their state folder on their command line."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return str(state).encode() in f.read()
    except OSError:
        return False


def stop_process(pid: int, state: Path) -> None:
    if not (_alive(pid) and _is_ours(pid, state)):
        return
    for sig, wait in ((signal.SIGTERM, STOP_TIMEOUT), (signal.SIGKILL, STOP_TIMEOUT)):
        try:
            os.killpg(pid, sig)  # its own session: the group id is its pid
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not _alive(pid):
                return
            time.sleep(0.05)


def _log_tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# No proxy from the environment for loopback health checks.
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _answers(url: str) -> bool:
    try:
        with _LOCAL.open(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_server(state: Path, name: str, module: str, env: Mapping[str, str], health: str) -> int:
    """Start `python -m refapp.<module>` detached, wait until `health` answers 200; its port."""
    for sub in ("logs", "pids", "ports"):
        (state / sub).mkdir(exist_ok=True)
    log = state / "logs" / f"{name}.log"
    port_file = state / "ports" / name
    port_file.unlink(missing_ok=True)
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", f"refapp.{module}", "--port", "0", "--port-file", str(port_file)],
            cwd=APP_DIR, env=dict(env), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    (state / "pids" / f"{name}.pid").write_text(f"{process.pid}\n")

    deadline = time.monotonic() + START_TIMEOUT
    port = 0
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServiceError(
                f"{name} exited with status {process.returncode} while starting; "
                f"last lines of {log}:\n{_log_tail(log)}"
            )
        if not port and port_file.exists():
            port = int(port_file.read_text())
        if port and _answers(f"http://127.0.0.1:{port}{health}"):
            return port
        time.sleep(0.05)
    stop_process(process.pid, state)
    raise ServiceError(
        f"{name} did not answer {health} within {START_TIMEOUT:.0f}s; last lines of {log}:\n{_log_tail(log)}"
    )


def _child_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _INHERITED_OVERRIDES}
    env.update(values, PYTHONUNBUFFERED="1")
    return env


def _start_api(state: Path, name: str, values: Mapping[str, str], faults: str, shape: str) -> int:
    env = _child_env(
        DATABASE_URL=values["DATABASE_URL"],
        REFERENCE_FOREIGN_DATABASE_URL=values["REFERENCE_FOREIGN_DATABASE_URL"],
        BETTER_AUTH_URL=values["BETTER_AUTH_URL"],
        BETTER_AUTH_SECRET=values["BETTER_AUTH_SECRET"],
        REFERENCE_FAULTS=faults,
        REFERENCE_SHAPE=shape,
    )
    return start_server(state, name, "todo_api", env, "/health")


# --- commands ----------------------------------------------------------------------------

def check_app_options(faults: str, shape: str) -> None:
    """Refuse bad names, and faults the shape has no code for, before building anything."""
    check_faults_for_shape(parse_faults(faults), parse_shape(shape))


def up(env_file: Path, faults: str, shape: str, auth_env: str = "development", jwt_lifetime: str = "7d") -> dict[str, str]:
    check_app_options(faults, shape)
    if auth_env not in AUTH_ENVS:
        raise ServiceError(f"--auth-env must be one of {', '.join(AUTH_ENVS)}, not {auth_env!r}")
    if not re.fullmatch(r"[1-9][0-9]*[smhd]", jwt_lifetime):
        raise ServiceError(f"--jwt-lifetime must be a number and a unit (s, m, h, d), like 7d or 15m; got {jwt_lifetime!r}")
    if env_file.exists() and _state_dir(read_env_file(env_file)):
        raise ServiceError(f"a stack from {env_file} is still up; run `scripts/services down --env-file {env_file}` first")

    started = time.monotonic()
    state = Path(tempfile.mkdtemp(prefix="conformance-ref-"))
    state.chmod(0o711)  # the postgres user must reach pg/ inside it
    (state / MARKER).write_text("state folder of scripts/services; removed by `down`\n")
    try:
        cluster = Cluster(state / "pg")
        cluster.create()
        values = {
            "DATABASE_URL": cluster.url("conformance"),
            "BETTER_AUTH_URL": "",
            "API_URL": "",
            "BETTER_AUTH_SECRET": secrets.token_urlsafe(32),
            "REFERENCE_FOREIGN_DATABASE_URL": cluster.url("conformance_foreign"),
            "REFERENCE_STATE_DIR": str(state),
        }
        # BETTER_AUTH_ENV=production turns on Better Auth's own rate limiting (it reads
        # BETTER_AUTH_ENV before NODE_ENV, so this also overrides an inherited NODE_ENV).
        auth_environment = _child_env(
            DATABASE_URL=values["DATABASE_URL"], BETTER_AUTH_SECRET=values["BETTER_AUTH_SECRET"], BETTER_AUTH_ENV=auth_env,
            REFERENCE_JWT_LIFETIME=jwt_lifetime,
        )
        auth_port = start_server(state, "auth", "auth_server", auth_environment, "/api/auth/ok")
        values["BETTER_AUTH_URL"] = f"http://127.0.0.1:{auth_port}"
        # After the auth server: the API's tasks table references Better Auth's "user" table.
        values["API_URL"] = f"http://127.0.0.1:{_start_api(state, 'api', values, faults, shape)}"
        write_env_file(env_file, values)
    except BaseException:
        _teardown(state)
        raise
    print(
        f"services: up in {time.monotonic() - started:.1f}s: postgres 127.0.0.1:{cluster.port}, "
        f"auth {values['BETTER_AUTH_URL']}, api {values['API_URL']} "
        f"(shape {shape or 'official'}, faults {faults or 'none'}, auth {auth_env}, JWTs {jwt_lifetime}); env file {env_file}",
        file=sys.stderr,
    )
    return values


def start_extra_api(env_file: Path, out: Path, faults: str, shape: str) -> dict[str, str]:
    check_app_options(faults, shape)
    if not env_file.exists():
        raise ServiceError(f"{env_file} does not exist; run `scripts/services up --env-file {env_file}` first")
    values = read_env_file(env_file)
    state = _state_dir(values)
    if state is None:
        raise ServiceError(f"the stack of {env_file} is not up (no state folder); run `up` first")
    name = f"api-{secrets.token_hex(4)}"
    port = _start_api(state, name, values, faults, shape)
    info = {
        "API_URL": f"http://127.0.0.1:{port}",
        "REFERENCE_API_PID": (state / "pids" / f"{name}.pid").read_text().strip(),
        "REFERENCE_API_PIDFILE": str(state / "pids" / f"{name}.pid"),
        "REFERENCE_API_LOG": str(state / "logs" / f"{name}.log"),
        "REFERENCE_STATE_DIR": str(state),
    }
    write_env_file(out, info)
    return info


def stop_extra_api(out: Path) -> None:
    if not out.exists():
        return
    info = read_env_file(out)
    state = _state_dir(info)
    pid_file = Path(info.get("REFERENCE_API_PIDFILE", ""))
    if state is None or not info.get("REFERENCE_API_PID"):
        return  # the whole stack is already down
    stop_process(int(info["REFERENCE_API_PID"]), state)
    if pid_file.parent == state / "pids":
        pid_file.unlink(missing_ok=True)


def _teardown(state: Path) -> None:
    for pid_file in sorted((state / "pids").glob("*.pid")):
        try:
            stop_process(int(pid_file.read_text()), state)
        except ValueError:
            pass
    Cluster(state / "pg").stop()
    if (state / MARKER).exists():
        shutil.rmtree(state, ignore_errors=True)


def down(env_file: Path) -> None:
    if not env_file.exists():
        return
    state = _state_dir(read_env_file(env_file))
    if state is not None:
        _teardown(state)


class _Stop(Exception):
    """SIGTERM or SIGHUP arrived: unwind so that the `finally` clauses stop the stack."""


def _raise_stop(signum, frame):
    raise _Stop(signum)


def _end_command(process: subprocess.Popen, sig: int) -> None:
    """Stop the command of `run` after we were interrupted. A Ctrl-C in a terminal has
    already reached it (same process group), so give it a moment before signalling."""
    steps = [(None, 5.0), (sig, 10.0), (signal.SIGKILL, 5.0)] if sig == signal.SIGINT else [(sig, 10.0), (signal.SIGKILL, 5.0)]
    for step_signal, wait in steps:
        if process.poll() is not None:
            return
        if step_signal is not None:
            process.send_signal(step_signal)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            pass


def run(cmd: list[str], faults: str, shape: str, auth_env: str = "development", jwt_lifetime: str = "7d") -> int:
    if not cmd:
        raise ServiceError("run: give a command after --, e.g. `scripts/services run -- env`")
    folder = Path(tempfile.mkdtemp(prefix="conformance-run-"))
    env_file = folder / "services.env"
    process = None
    values: dict[str, str] = {}
    try:
        values = up(env_file, faults, shape, auth_env, jwt_lifetime)
        env = {**os.environ, **values, "REFERENCE_ENV_FILE": str(env_file)}
        try:
            process = subprocess.Popen(cmd, env=env)
        except OSError as error:
            print(f"services: cannot run {cmd[0]}: {error.strerror}", file=sys.stderr)
            return 127
        status = process.wait()
        return 128 - status if status < 0 else status
    except (KeyboardInterrupt, _Stop) as stop:
        if process is not None:
            _end_command(process, signal.SIGINT if isinstance(stop, KeyboardInterrupt) else signal.SIGTERM)
        return 130 if isinstance(stop, KeyboardInterrupt) else 143
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # let the clean-up finish
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # By the state folder kept in memory: the command may have removed the env file.
        state = _state_dir(values)
        if state is not None:
            _teardown(state)
        shutil.rmtree(folder, ignore_errors=True)


# --- command line ------------------------------------------------------------------------

def _epilog() -> str:
    shapes = "\n".join(f"  {name:<11} {SHAPE_HELP[name]}" for name in SHAPES)
    faults = "\n".join(
        f"  {name:<25} {what}" + ("" if FAULT_SHAPES[name] == ("official", "token-only") else f" [{'/'.join(FAULT_SHAPES[name])}]")
        for name, what in FAULTS.items()
    )
    return (
        f"shapes (--shape, $REFERENCE_SHAPE):\n{shapes}\n\n"
        f"faults (--faults, $REFERENCE_FAULTS; for official and token-only unless marked):\n{faults}\n\n"
        "reference-app/README.md describes every shape's routes, answers and tables."
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scripts/services", description=__doc__.split("\n\n")[0], epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def app_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--faults", default=os.environ.get("REFERENCE_FAULTS", ""),
                       help="comma-separated planted faults (default: $REFERENCE_FAULTS, else none)")
        p.add_argument("--shape", default=os.environ.get("REFERENCE_SHAPE", "official"),
                       help=f"{' | '.join(SHAPES)} (default: $REFERENCE_SHAPE, else official); see `scripts/services --help`")

    def auth_options(p: argparse.ArgumentParser) -> None:
        # Better Auth's own reading of the environment: production only when it says so.
        inherited = "production" if (os.environ.get("BETTER_AUTH_ENV") or os.environ.get("NODE_ENV")) == "production" else "development"
        p.add_argument("--auth-env", choices=AUTH_ENVS, default=inherited,
                       help="BETTER_AUTH_ENV of the auth server only; production turns on Better Auth's rate "
                            "limiting (default: production if $BETTER_AUTH_ENV, else $NODE_ENV, says so)")
        p.add_argument("--jwt-lifetime", default=os.environ.get("REFERENCE_JWT_LIFETIME") or "7d", metavar="SPAN",
                       help="lifetime of Better Auth's JWTs, a number and s/m/h/d (default: $REFERENCE_JWT_LIFETIME, "
                            "else 7d, the spec's; 15m is Better Auth's own default)")

    p = sub.add_parser("up", help="start PostgreSQL, the auth server and the API; write the env file")
    p.add_argument("--env-file", type=Path, required=True)
    app_options(p)
    auth_options(p)
    p = sub.add_parser("api", help="start one more API against a running stack")
    p.add_argument("--env-file", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True, help="where to write API_URL and the pid")
    app_options(p)
    p = sub.add_parser("api-down", help="stop an API started with `api`")
    p.add_argument("--out", type=Path, required=True)
    p = sub.add_parser("down", help="stop everything `up` started and remove its folder")
    p.add_argument("--env-file", type=Path, required=True)
    p = sub.add_parser("run", help="up, run a command with the env file's variables, down")
    app_options(p)
    auth_options(p)
    p.add_argument("cmd", nargs=argparse.REMAINDER, help="-- CMD ARGS...")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # SIGTERM/SIGHUP unwind like Ctrl-C, so a half-started stack is torn down, not leaked.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_stop)
    try:
        if args.command == "up":
            up(args.env_file, args.faults, args.shape, args.auth_env, args.jwt_lifetime)
        elif args.command == "api":
            start_extra_api(args.env_file, args.out, args.faults, args.shape)
        elif args.command == "api-down":
            stop_extra_api(args.out)
        elif args.command == "down":
            down(args.env_file)
        elif args.command == "run":
            cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
            return run(cmd, args.faults, args.shape, args.auth_env, args.jwt_lifetime)
    except (ServiceError, ClusterError, ConfigError) as error:
        print(f"services: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except _Stop:
        return 143
    return 0
