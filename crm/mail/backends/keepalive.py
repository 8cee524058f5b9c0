"""One kept-alive HTTP(S) connection per thread and host, in the place of the urllib opener the SendGrid client
builds for every call.

The official client still builds each request (URL, headers, JSON body) and reads each answer; only the opening
of a new TCP and TLS connection per message goes. Errors keep urllib's meaning, which the backend relies on: a
``URLError`` means the request was never fully written (so SendGrid cannot have taken it), an ``HTTPError``
carries an error status, and anything raised while waiting for the answer means it may have been taken.
"""

from __future__ import annotations

import http.client
import io
import select
import ssl
import threading
import time
import urllib.request
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit

MAX_IDLE_SECONDS = 30.0  # well under the idle timeouts of API front ends, so a kept socket is rarely stale


def _dropped(sock) -> bool:
    """True when the peer has closed (or written unasked to) an idle connection, so it must not be reused."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class KeepAliveOpener:
    """Plays urllib's opener for `open(request, timeout)`, reusing one connection per thread and host."""

    def __init__(self, context: ssl.SSLContext | None = None):
        self._context = context
        self._local = threading.local()

    def _pool(self) -> dict:
        pool = getattr(self._local, "pool", None)
        if pool is None:
            pool = self._local.pool = {}
        return pool

    def _connection(self, scheme: str, netloc: str, timeout: float | None):
        """This thread's open, idle connection to the host, or a new one (opened by its first request)."""
        pool = self._pool()
        kept = pool.pop((scheme, netloc), None)
        if kept is not None:
            connection, last_used = kept
            if (connection.sock is not None and time.monotonic() - last_used < MAX_IDLE_SECONDS
                    and not _dropped(connection.sock)):
                connection.timeout = timeout
                connection.sock.settimeout(timeout)
                return connection
            connection.close()
        if scheme == "https":
            context = self._context or ssl.create_default_context()
            return http.client.HTTPSConnection(netloc, timeout=timeout, context=context)
        return http.client.HTTPConnection(netloc, timeout=timeout)

    def open(self, request: urllib.request.Request, timeout: float | None = None):
        """Send the request and return the response (read it whole before the next call on this thread)."""
        parts = urlsplit(request.full_url)
        if parts.scheme not in ("http", "https"):
            raise URLError(f"unsupported URL scheme {parts.scheme!r}")
        connection = self._connection(parts.scheme, parts.netloc, timeout)
        selector = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = dict(request.header_items())
        try:
            try:
                connection.request(request.get_method(), selector or "/", request.data, headers)
            except OSError as exc:  # the request was not fully written: as urllib says it, not taken
                raise URLError(exc) from exc
            response = connection.getresponse()
            if response.status >= 400:  # read before raising, so the error's body outlives the connection
                body = response.read()
        except BaseException:
            connection.close()
            raise
        if response.status >= 400:
            self._keep(parts.scheme, parts.netloc, connection)
            raise HTTPError(request.full_url, response.status, response.reason, response.msg, io.BytesIO(body))
        return _Returned(response, self, parts.scheme, parts.netloc, connection)

    def _keep(self, scheme: str, netloc: str, connection) -> None:
        if connection.sock is not None:  # a response that asked to close has already closed it
            self._pool()[(scheme, netloc)] = (connection, time.monotonic())

    def close(self) -> None:
        """Close this thread's kept connections."""
        for connection, _ in self._pool().values():
            connection.close()
        self._pool().clear()


class _Returned:
    """The response as the client reads it; once its body is read, the connection goes back for the next call."""

    def __init__(self, response: http.client.HTTPResponse, opener: KeepAliveOpener, scheme: str, netloc: str,
                 connection):
        self._response, self._opener, self._key, self._connection = response, opener, (scheme, netloc), connection

    def getcode(self) -> int:
        """The HTTP status."""
        return self._response.status

    def info(self):
        """The response headers."""
        return self._response.msg

    def read(self) -> bytes:
        """The whole body; afterwards the connection may serve the next request."""
        try:
            body = self._response.read()
        except BaseException:
            self._connection.close()
            raise
        self._opener._keep(*self._key, self._connection)
        return body


def proxied(url: str) -> bool:
    """Whether the environment sends this URL through a proxy (then urllib's own opener is used)."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies()
    return parts.scheme in proxies and not urllib.request.proxy_bypass(parts.hostname or "")
