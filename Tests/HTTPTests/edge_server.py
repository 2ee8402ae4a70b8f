#!/usr/bin/env python3
"""Edge-case HTTP server for the HTTP driver's tests (stdlib only).

Usage:
  edge_server.py [--tls DIR]   serve on a free 127.0.0.1 port; print "PORT" (or "PORT CERT"
                               with --tls, after writing a self-signed certificate into DIR)
  edge_server.py --free-port   print a port that was free a moment ago, then exit

The server exits when its stdin reaches EOF, so it cannot outlive the test process that
started it, even if that process crashes before stopping it.

Endpoints (any method):
  /echo            JSON: method, path, headers (ordered [name, value] pairs), body, body_len,
                   client_port, connection, request_on_connection
  /cookies         three Set-Cookie headers
  /slow?bytes=N&delay=S      Content-Length N, one byte every S seconds
  /delay?ms=N      waits N ms, then answers
  /big?size=N      N bytes, byte i = i % 251
  /infinite        chunked body that never ends (until the client goes away)
  /headers?n=N&size=S        N extra headers X-Edge-<i>, each value S bytes (default 1000 x 20)
  /endless-headers header lines that never end (until the client goes away)
  /nested?bytes=N  a JSON document N bytes long: arrays nested N/2 deep
  /longstring?bytes=N        a JSON document N bytes long: one object, one huge string value
  /redirect?to=URL&code=C    redirect (default 302) to URL
  /loop            302 to itself
  /chain?n=K       K redirects in a row, then JSON {"done": true}
  /status?code=C   empty response with that status
  /stats           JSON: connections accepted, requests served
  /close           closes the connection at once, leaving any request body unread
Routing uses the first path segment only (/echo/anything is /echo).
"""

import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

_lock = threading.Lock()
_stats = {"connections": 0, "requests": 0}


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 so connections are kept alive (http.server defaults to 1.0: one per request).
    protocol_version = "HTTP/1.1"
    server_version = "edge/1"

    def setup(self):
        super().setup()
        with _lock:
            _stats["connections"] += 1
            self.connection_number = _stats["connections"]
        self.requests_here = 0

    def log_message(self, *args):
        pass

    def _dispatch(self):
        with _lock:
            _stats["requests"] += 1
        self.requests_here += 1
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        # Routed by the first path segment, so /echo/../x still reaches /echo and shows the
        # path exactly as it arrived.
        segment = url.path.lstrip("/").split("/", 1)[0]
        if segment == "close":
            # Drop the connection with the request body unread: the kernel answers the
            # client's writes with a reset.
            self.close_connection = True
            self.connection.close()
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        route = getattr(self, "route_" + segment.replace("-", "_"), None)
        if route is None:
            return self._send(404, b"no such endpoint\n")
        try:
            route(query, body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _dispatch

    def _send(self, status, body=b"", headers=(), content_type="text/plain"):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if body or content_type != "text/plain":
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, value, status=200):
        self._send(status, json.dumps(value).encode(), content_type="application/json")

    # --- endpoints ---------------------------------------------------------------------

    def route_echo(self, query, body):
        self._json({
            "method": self.command,
            "path": self.path,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body": body.decode("utf-8", "replace"),
            "body_len": len(body),
            "client_port": self.client_address[1],
            "connection": self.connection_number,
            "request_on_connection": self.requests_here,
        })

    def route_cookies(self, query, body):
        self._send(200, b"cookies\n", headers=[
            ("Set-Cookie", "a=1; Path=/; HttpOnly"),
            ("X-Between", "yes"),
            ("Set-Cookie", "b=2; Path=/; Secure"),
            ("Set-Cookie", "c=3; Max-Age=60"),
        ])

    def route_slow(self, query, body):
        total = int(query.get("bytes", "10"))
        delay = float(query.get("delay", "0.5"))
        self.send_response(200)
        self.send_header("Content-Length", str(total))
        self.end_headers()
        self.wfile.flush()
        for _ in range(total):
            time.sleep(delay)
            self.wfile.write(b"x")
            self.wfile.flush()

    def route_delay(self, query, body):
        time.sleep(int(query.get("ms", "0")) / 1000)
        self._send(200, b"late\n")

    def route_big(self, query, body):
        size = int(query.get("size", "0"))
        # Byte i is i % 251, built by repetition: a generator would take seconds for 50 MB.
        pattern = bytes(range(251))
        body = (pattern * (size // 251 + 1))[:size]
        self._send(200, body, content_type="application/octet-stream")

    def route_headers(self, query, body):
        count = int(query.get("n", "1000"))
        value = "v" * int(query.get("size", "20"))
        self._send(200, b"many headers\n", headers=[("X-Edge-%d" % i, value) for i in range(count)])

    def route_endless_headers(self, query, body):
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        line = b"X-Endless: " + b"z" * 100 + b"\r\n"
        block = line * 100
        deadline = time.monotonic() + 30  # never run away if a client keeps reading
        while time.monotonic() < deadline:
            self.wfile.write(block)
        self.close_connection = True

    def route_nested(self, query, body):
        depth = int(query.get("bytes", "1000")) // 2
        self._send(200, b"[" * depth + b"]" * depth, content_type="application/json")

    def route_longstring(self, query, body):
        size = max(8, int(query.get("bytes", "1000")))
        self._send(200, b'{"s":"' + b"a" * (size - 8) + b'"}', content_type="application/json")

    def route_infinite(self, query, body):
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"y" * 65536
        framed = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
        deadline = time.monotonic() + 30  # never run away if a client keeps reading
        while time.monotonic() < deadline:
            self.wfile.write(framed)
        self.close_connection = True

    def route_redirect(self, query, body):
        self._send(int(query.get("code", "302")), headers=[("Location", query["to"])])

    def route_loop(self, query, body):
        self._send(302, headers=[("Location", "/loop")])

    def route_chain(self, query, body):
        n = int(query.get("n", "0"))
        if n > 0:
            self._send(302, headers=[("Location", "/chain?n=%d" % (n - 1))])
        else:
            self._json({"done": True})

    def route_status(self, query, body):
        self._send(int(query.get("code", "200")))

    def route_stats(self, query, body):
        with _lock:
            self._json(dict(_stats))


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024

    def handle_error(self, request, client_address):
        # Clients that abort on purpose (cancellation, size cap, refused certificate) reset
        # the connection; that is expected here, not worth a traceback.
        if isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError)):
            return
        super().handle_error(request, client_address)


def self_signed_certificate(directory):
    """A throw-away certificate for 127.0.0.1 and localhost, made with the openssl CLI."""
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=localhost", "-keyout", key, "-out", cert,
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


def exit_on_stdin_eof():
    try:
        while sys.stdin.buffer.read(1024):
            pass
    finally:
        os._exit(0)


def main(argv):
    if argv[1:2] == ["--free-port"]:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            print(s.getsockname()[1], flush=True)
        return
    server = Server(("127.0.0.1", 0), Handler)
    line = str(server.server_address[1])
    if argv[1:2] == ["--tls"]:
        cert, key = self_signed_certificate(argv[2])
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        line += " " + cert
    threading.Thread(target=exit_on_stdin_eof, daemon=True).start()
    print(line, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv)
