"""A real HTTP server on loopback that receives webhook deliveries, for tests and the
benchmark: it keeps each request (path, headers, body) and answers what it is told to —
a status per call in turn (then `default`), a redirect, or an answer after a pause."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    answers: list[int] = field(default_factory=list)  # the next calls' statuses, in turn
    default: int = 200
    pause: float = 0.0  # seconds before answering
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks/registry"

    def next_status(self) -> int:
        with self.lock:
            return self.answers.pop(0) if self.answers else self.default

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_receiver(*, host: str = "127.0.0.1", keep_bodies: bool = True) -> Receiver:
    receiver: Receiver

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with receiver.lock:
                receiver.received.append(
                    Received(self.path, dict(self.headers.items()), body if keep_bodies else b"")
                )
            if receiver.pause:
                time.sleep(receiver.pause)
            status = receiver.next_status()
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "2")
            self.send_header("Connection", "close")
            self.close_connection = True
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *_args) -> None:  # quiet
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = 128  # many senders at once (http.server's default is 5)

    server = Server((host, 0), Handler)
    server.daemon_threads = True
    receiver = Receiver(server=server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver
