"""Run an ASGI app under uvicorn on a socket this process binds itself.

Binding here (port 0 = any free port) and reporting the port through a file avoids the
race of a parent picking a "free" port that someone else takes before the child binds it.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import uvicorn

from .settings import ConfigError


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def main(name: str, default_port: int, make_app: Callable[[int], object]) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m refapp.{name}")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=default_port, help="0 picks a free port")
    parser.add_argument("--port-file", type=Path, help="write the bound port here once bound")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")

    # IPPROTO_TCP named, not left 0: asyncio switches Nagle's algorithm off only on sockets whose
    # proto says TCP, and with it on, every answer after the first on a kept-alive connection
    # waited ~40 ms for the client's delayed ACK (uvicorn writes head and body separately).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as error:
        sys.exit(f"{name}: cannot listen on {args.host}:{args.port}: {error.strerror}")
    port = sock.getsockname()[1]

    try:
        app = make_app(port)
    except ConfigError as error:
        print(f"{name}: {error}", file=sys.stderr)
        sys.exit(2)

    if args.port_file:
        _write_atomically(args.port_file, f"{port}\n")
    config = uvicorn.Config(app, log_level="info", timeout_graceful_shutdown=2)
    print(f"{name}: listening on http://{args.host}:{port}", flush=True)
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
    if not server.started:  # lifespan start-up failed (e.g. database unreachable); logged above
        sys.exit(3)
