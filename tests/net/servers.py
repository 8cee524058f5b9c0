"""Small loopback servers for the fetcher's tests: raw sockets when a test needs to misbehave on the wire."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable


def ipv6_loopback_available() -> bool:
    """True when this machine can listen on ::1."""
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


def read_request(conn: socket.socket, limit: int = 65536) -> bytes:
    """Read one request head (up to the blank line)."""
    data = b""
    while b"\r\n\r\n" not in data and len(data) < limit:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


class RawServer:
    """A threaded TCP server on one loopback address; `handler(conn, request_head)` answers each connection."""

    def __init__(self, handler: Callable[[socket.socket, bytes], None], host: str = "127.0.0.1") -> None:
        self.host = host
        self.handler = handler
        self.hits = 0
        self.requests: list[bytes] = []
        self._lock = threading.Lock()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, 0))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path: str = "/") -> str:
        """A URL reaching this server by its address."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with self._lock:
                self.hits += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                head = read_request(conn)
                with self._lock:
                    self.requests.append(head)
                self.handler(conn, head)
            except OSError:
                pass  # the fetcher hung up on purpose (deadline, cap); that is what tests provoke

    def close(self) -> None:
        """Stop accepting connections."""
        self._closed = True
        self._sock.close()


def answer_ok(conn: socket.socket, head: bytes) -> None:
    """A plain 200 page; the connection closes after it."""
    body = b"<html><body>reached</body></html>"
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )


def drip(head_first: bytes, payload: bytes, interval: float) -> Callable[[socket.socket, bytes], None]:
    """A handler that sends `head_first` at once, then `payload` one byte every `interval` seconds."""

    def handler(conn: socket.socket, head: bytes) -> None:
        conn.sendall(head_first)
        for byte in payload:
            time.sleep(interval)
            conn.sendall(bytes([byte]))

    return handler


class MapResolver:
    """DNS for made-up names: answers (lists, or callables giving lists) from a dict; other names fail."""

    def __init__(self, answers: dict) -> None:
        self.answers = {name.lower(): addrs for name, addrs in answers.items()}
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        name = host.rstrip(".").lower()
        self.lookups.append(name)
        if name not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, f"{name} is not a name this test knows")
        answer = self.answers[name]
        return answer() if callable(answer) else answer
