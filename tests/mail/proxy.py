"""A TCP relay in front of the test Dovecot: counts the bytes the server sends and can cut the stream mid-answer."""

from __future__ import annotations

import contextlib
import socket
import threading

from tests.mail.dovecot import _free_port


class CuttingProxy:
    """Relays 127.0.0.1:port to the server's port; with `cut_after` set, drops both sides once that many bytes
    went server-to-client on one connection (then forgets it, so the next connection runs whole)."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = _free_port()
        self.cut_after: int | None = None
        self.cuts = 0
        self.downstream = 0  # bytes the server sent to clients, over all connections
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            limit, self.cut_after = self.cut_after, None
            threading.Thread(target=self._pump, args=(client, server, False, None), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True, limit), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, downstream: bool, limit: int | None) -> None:
        sent = 0
        try:
            while chunk := source.recv(65536):
                if limit is not None and sent + len(chunk) > limit:
                    sink.sendall(chunk[:max(0, limit - sent)])
                    self.cuts += 1
                    break  # the cut: both sockets are shut below, mid-answer
                sink.sendall(chunk)
                sent += len(chunk)
                if downstream:
                    self.downstream += len(chunk)
        except OSError:
            pass
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def close(self) -> None:
        """Stop accepting; connections under way end with their peers."""
        self._stop.set()
        self._listener.close()
        self._thread.join(2)
