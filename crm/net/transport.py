"""Connections pinned to checked addresses, pooled per host, and a total deadline that cuts sockets off.

Why pinning: the address rule is only worth something if the socket goes to the very address that
was checked. Letting urllib3 resolve the name again would open a DNS-rebinding hole (first answer
public, second answer 127.0.0.1). So each pool is keyed by (scheme, host, port, checked addresses)
and its connection class overrides the one step that opens the TCP socket, ``_new_conn``, to
connect to those addresses only. Everything else stays urllib3's own: the connection's host is still
the real name, so the Host header, TLS SNI and certificate verification all use the name the user
asked for. No proxy is ever read from the environment because no ProxyManager is involved, and no
cookie jar exists.

Why a watchdog: socket timeouts bound each recv, not a whole response; a server dripping one byte
per second never trips them. A single timer thread shuts down the sockets of a fetch when its
deadline passes, which wakes any blocked read, handshake or header parse at once.
"""

from __future__ import annotations

import _socket
import contextlib
import heapq
import itertools
import socket
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

_local = threading.local()


class Deadline:
    """The moment one fetch must be over by; the sockets it touched are shut down when that passes."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.expired = False
        self._finished = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        _WATCHDOG.arm(self)

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.at - time.monotonic())

    def track(self, sock: socket.socket) -> None:
        """Have this socket cut off if the deadline passes while the fetch still runs."""
        with self._lock:
            if self._finished:
                return
            if self.expired:
                _shutdown(sock)
            else:
                self._sockets.append(sock)

    def expire(self) -> None:
        """Called by the watchdog: shut down every socket of an unfinished fetch."""
        with self._lock:
            if self._finished:
                return
            self.expired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shutdown(sock)

    def finish(self) -> None:
        """The fetch is over; its sockets (now back in a pool) must be left alone."""
        with self._lock:
            self._finished = True
            self._sockets = []

    @contextmanager
    def active(self) -> Iterator[Deadline]:
        """Make this the deadline that connections opened or used by this thread report to."""
        previous = getattr(_local, "deadline", None)
        _local.deadline = self
        try:
            yield self
        finally:
            _local.deadline = previous


def _shutdown(sock: socket.socket) -> None:
    # The base-class call bypasses SSLSocket.shutdown, which would drop its TLS object under a reader.
    with contextlib.suppress(OSError):  # already closed or never connected: nothing left to interrupt
        _socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _track(sock: socket.socket | None) -> None:
    deadline = getattr(_local, "deadline", None)
    if deadline is not None and sock is not None:
        deadline.track(sock)


class _Watchdog:
    """One daemon thread expiring deadlines in time order."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Deadline]] = []
        self._counter = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def arm(self, deadline: Deadline) -> None:
        """Expire this deadline when its time comes."""
        with self._cond:
            heapq.heappush(self._heap, (deadline.at, next(self._counter), deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="crm-fetch-deadlines", daemon=True)
                self._thread.start()
            if self._heap[0][2] is deadline:
                self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                at, _, deadline = self._heap[0]
                delay = at - time.monotonic()
                if delay > 0:
                    self._cond.wait(delay)
                    continue
                heapq.heappop(self._heap)
            deadline.expire()


_WATCHDOG = _Watchdog()


def _open_socket(conn: HTTPConnection, addresses: Sequence[str]) -> socket.socket:
    """Connect to the first checked address that answers; never resolves a name."""
    errors = []
    for address in addresses:
        try:
            # NUMERICHOST: the address is a literal, so this cannot turn into a DNS query.
            family, kind, proto, _, sockaddr = socket.getaddrinfo(
                address, conn.port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST
            )[0]
            sock = socket.socket(family, kind, proto)
        except OSError as exc:
            errors.append(exc)
            continue
        _track(sock)
        try:
            for option in conn.socket_options or ():
                sock.setsockopt(*option)
            if isinstance(conn.timeout, int | float):
                sock.settimeout(conn.timeout)
            sock.connect(sockaddr)
            return sock
        except TimeoutError as exc:
            sock.close()
            raise ConnectTimeoutError(conn, f"connection to {conn.host} ({address}) timed out") from exc
        except OSError as exc:
            sock.close()
            errors.append(exc)
    raise NewConnectionError(conn, f"could not connect to {conn.host} at {', '.join(addresses)}: {errors}")


class _PinnedHTTPConnection(HTTPConnection):
    """An HTTP connection whose socket goes to pre-checked addresses instead of a fresh DNS answer."""

    def __init__(self, *args, addresses: Sequence[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._addresses = tuple(addresses)

    def _new_conn(self) -> socket.socket:
        return _open_socket(self, self._addresses)

    def request(self, *args, **kwargs) -> None:
        """Send a request; a kept-alive socket now serves this thread's fetch and its deadline."""
        _track(self.sock)
        super().request(*args, **kwargs)


class _PinnedHTTPSConnection(HTTPSConnection):
    """The TLS twin: pinned socket, SNI and certificate checks on the real host name."""

    def __init__(self, *args, addresses: Sequence[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._addresses = tuple(addresses)
        self._handshake_guard: socket.socket | None = None

    def _new_conn(self) -> socket.socket:
        sock = _open_socket(self, self._addresses)
        # Wrapping in TLS detaches this socket object; a duplicate keeps the handshake interruptible.
        self._handshake_guard = sock.dup()
        _track(self._handshake_guard)
        return sock

    def connect(self) -> None:
        """Connect and shake hands, interruptible by the deadline throughout."""
        try:
            super().connect()
        finally:
            if self._handshake_guard is not None:
                self._handshake_guard.close()
                self._handshake_guard = None
        _track(self.sock)

    def request(self, *args, **kwargs) -> None:
        """Send a request; a kept-alive socket now serves this thread's fetch and its deadline."""
        _track(self.sock)
        super().request(*args, **kwargs)


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class PoolCache:
    """Keep-alive pools per (scheme, host, port, addresses), least recently used ones closed first."""

    def __init__(self, *, per_pool: int, max_pools: int = 1024, ca_certs: str | None = None) -> None:
        self._per_pool = per_pool
        self._max_pools = max_pools
        # One context for every TLS connection: building one per connection reloads the CA bundle each time.
        self._tls = ssl.create_default_context(cafile=ca_certs or _default_ca_bundle())
        self._pools: OrderedDict[tuple, HTTPConnectionPool] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, scheme: str, host: str, port: int, addresses: Sequence[str]) -> HTTPConnectionPool:
        """The pool for this host pinned to these addresses, created on first use."""
        key = (scheme, host, port, tuple(addresses))
        evicted = []
        with self._lock:
            pool = self._pools.get(key)
            if pool is not None:
                self._pools.move_to_end(key)
                return pool
            common = {"maxsize": self._per_pool, "block": False, "retries": False, "addresses": key[3]}
            if scheme == "https":
                pool = _PinnedHTTPSPool(host, port, cert_reqs="CERT_REQUIRED", ssl_context=self._tls, **common)
            else:
                pool = _PinnedHTTPPool(host, port, **common)
            self._pools[key] = pool
            while len(self._pools) > self._max_pools:
                evicted.append(self._pools.popitem(last=False)[1])
        for old in evicted:
            old.close()  # idle sockets only; ones in use close when handed back
        return pool

    def close(self) -> None:
        """Close every pooled connection."""
        with self._lock:
            pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            pool.close()


def _default_ca_bundle() -> str | None:
    try:
        import certifi
    except ImportError:
        return None  # urllib3 falls back to the system store
    return certifi.where()
