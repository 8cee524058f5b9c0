"""Response bodies: which media types we read, and content decoding that stops at a size cap (bomb-proof)."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

try:  # brotli is optional: without it we neither ask for br nor accept it
    import brotli
except ImportError:  # pragma: no cover - depends on the installation
    brotli = None

_STEP = 64 * 1024  # most output one decompression call may produce before the cap is checked

BROTLI = brotli is not None and hasattr(brotli.Decompressor(), "can_accept_more_data")


class FetchError(Exception):
    """Ends a fetch early: `code` is one of the FetchResult error codes, `detail` says why in words."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def accept_encoding() -> str:
    """The Accept-Encoding we send: only codings we can decode under a cap."""
    return "gzip, deflate, br" if BROTLI else "gzip, deflate"


def media_type(content_type: str | None) -> str:
    """The media type of a Content-Type header, lower-case, without parameters."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def type_allowed(content_type: str | None, allowed: Sequence[str]) -> bool:
    """True when the media type is one we read; a missing type is allowed, the page is sniffed later."""
    kind = media_type(content_type)
    if not kind:
        return True
    for pattern in allowed:
        pattern = pattern.lower()
        if kind == pattern or (pattern.endswith("/*") and kind.startswith(pattern[:-1])):
            return True
    return False


class _Counter:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.total = 0

    def add(self, chunk: bytes) -> bytes:
        """Count a decoded chunk; refuse it once the total passes the cap."""
        self.total += len(chunk)
        if self.total > self.limit:
            raise FetchError("too_large", f"decoded body over {self.limit} bytes")
        return chunk


class _Zlib:
    """gzip, or deflate with or without the zlib wrapper (servers send both)."""

    def __init__(self, coding: str, counter: _Counter) -> None:
        self._coding = coding
        self._counter = counter
        self._obj = None
        self._head = b""

    def _start(self, data: bytes) -> bytes:
        if self._coding == "gzip":
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
            return data
        self._head += data
        if len(self._head) < 2:
            return b""
        wrapped = self._head[0] & 0x0F == 8 and (self._head[0] << 8 | self._head[1]) % 31 == 0
        self._obj = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        data, self._head = self._head, b""
        return data

    def feed(self, data: bytes) -> bytes:
        """Decoded bytes for the next compressed chunk."""
        if self._obj is None:
            data = self._start(data)
            if self._obj is None:
                return b""
        out = bytearray()
        try:
            while not self._obj.eof:
                # max_length keeps each step small, so a bomb is caught after one step past the cap.
                chunk = self._obj.decompress(data, _STEP)
                out += self._counter.add(chunk)
                data = self._obj.unconsumed_tail
                if not data and len(chunk) < _STEP:
                    break
        except zlib.error as exc:
            raise FetchError("content_type", f"corrupt {self._coding} body: {exc}") from exc
        return bytes(out)

    def finish(self) -> bytes:
        """Output still held by the decompressor."""
        return self.feed(b"") if self._obj is not None or self._head else b""


class _Brotli:
    def __init__(self, counter: _Counter) -> None:
        self._counter = counter
        self._obj = brotli.Decompressor()

    def feed(self, data: bytes) -> bytes:
        """Decoded bytes for the next compressed chunk."""
        out = bytearray()
        try:
            out += self._counter.add(self._obj.process(data, output_buffer_limit=_STEP))
            while not self._obj.can_accept_more_data():
                out += self._counter.add(self._obj.process(b"", output_buffer_limit=_STEP))
        except brotli.error as exc:
            raise FetchError("content_type", f"corrupt br body: {exc}") from exc
        return bytes(out)

    def finish(self) -> bytes:
        """Nothing: brotli hands out everything as it goes."""
        return b""


class _Identity:
    def __init__(self, counter: _Counter) -> None:
        self._counter = counter

    def feed(self, data: bytes) -> bytes:
        """The chunk itself, counted against the cap."""
        return self._counter.add(data)

    def finish(self) -> bytes:
        """Nothing is held back."""
        return b""


class Decoder:
    """Undo a Content-Encoding chain chunk by chunk; raises FetchError past `limit` decoded bytes."""

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
        self._stages = []
        # Codings are listed in the order applied, so they are undone last first.
        for coding in reversed([c for c in codings if c != "identity"]):
            counter = _Counter(limit)
            if coding in ("gzip", "x-gzip"):
                self._stages.append(_Zlib("gzip", counter))
            elif coding == "deflate":
                self._stages.append(_Zlib("deflate", counter))
            elif coding == "br" and BROTLI:
                self._stages.append(_Brotli(counter))
            else:
                raise FetchError("content_type", f"unsupported content-encoding {coding!r}")
        if not self._stages:
            self._stages.append(_Identity(_Counter(limit)))

    def feed(self, data: bytes) -> bytes:
        """Decoded bytes for the next raw chunk."""
        for stage in self._stages:
            data = stage.feed(data)
        return data

    def finish(self) -> bytes:
        """Whatever the decoders still hold at the end of the body."""
        data = b""
        for stage in self._stages:
            data = (stage.feed(data) if data else b"") + stage.finish()
        return data
