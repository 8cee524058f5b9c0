"""Reading a response: its body under the size caps, bodies we drop, and network failures as error codes."""

from __future__ import annotations

from urllib3 import exceptions as u3
from urllib3.response import BaseHTTPResponse

from crm.net.bodies import Decoder, FetchError
from crm.net.transport import Deadline

_READ_STEP = 64 * 1024
_DRAIN_LIMIT = 64 * 1024  # small unwanted bodies are read so the connection can be kept alive


def read_body(
    response: BaseHTTPResponse, headers: dict, deadline: Deadline, limit: int, decoded_limit: int, truncate: bool
) -> bytes:
    """The decoded body; over `limit` wire bytes it is refused (or cut when `truncate`), as past `decoded_limit`."""
    length = headers.get("content-length", "").strip()
    if length.isdigit() and int(length) > limit and not truncate:
        abandon(response)
        raise FetchError("too_large", f"Content-Length {length} is over the {limit} byte cap")
    try:
        decoder = Decoder(headers.get("content-encoding"), decoded_limit)
        parts, raw = [], 0
        while True:
            chunk = response.read(_READ_STEP, decode_content=False)
            if not chunk:
                break
            raw += len(chunk)
            if raw > limit:
                if not truncate:
                    raise FetchError("too_large", f"body over the {limit} byte cap")
                parts.append(decoder.feed(chunk[: len(chunk) - (raw - limit)]))
                abandon(response)
                break
            parts.append(decoder.feed(chunk))
        parts.append(decoder.finish())
    except FetchError:
        abandon(response)
        raise
    except (u3.HTTPError, OSError) as exc:
        abandon(response)
        raise network_error(exc, deadline, "reading the body") from None
    if deadline.expired:
        # A cut-off socket can look like the normal end of a body that has no length.
        raise FetchError("timeout", "the total deadline passed while the body was arriving")
    return b"".join(parts)


def network_error(exc: BaseException, deadline: Deadline, what: str) -> FetchError:
    """The error code a urllib3 or socket failure stands for."""
    if deadline.expired:
        return FetchError("timeout", f"the total deadline passed during {what}")
    # urllib3 makes NewConnectionError a ConnectTimeoutError for old callers; a refusal is not a timeout.
    if isinstance(exc, u3.TimeoutError | TimeoutError) and not isinstance(exc, u3.NewConnectionError):
        return FetchError("timeout", f"{what} timed out")
    return FetchError("connect", f"{what} failed: {exc}")


def discard(response: BaseHTTPResponse, status: int) -> None:
    """Drop a body we do not want, keeping the connection when the body is known to be small."""
    length = response.headers.get("content-length", "").strip()
    if status in (204, 304) or (length.isdigit() and int(length) <= _DRAIN_LIMIT):
        try:
            response.read(_DRAIN_LIMIT + 1, decode_content=False)
            return
        except (u3.HTTPError, OSError):
            pass
    abandon(response)


def abandon(response: BaseHTTPResponse) -> None:
    """Close the connection under a response we stop reading; it must not carry the rest to the next request."""
    response.close()
