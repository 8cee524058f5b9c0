"""Fail any test that tries to reach an address outside the loopback range."""

from __future__ import annotations

import ipaddress
import socket

violations: list[str] = []

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_sendto = socket.socket.sendto
_real_getaddrinfo = socket.getaddrinfo


class NetworkBlockedError(OSError):
    """Raised in place of a connection to a non-loopback address."""


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return host == "localhost"


def _check(address) -> None:
    if isinstance(address, (str, bytes)):  # a Unix socket path
        return
    host = str(address[0])
    if not _is_loopback(host):
        violations.append(host)
        raise NetworkBlockedError(f"tests may only reach loopback addresses, not {host}")


def _connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(address)
    return _real_connect(self, address)


def _connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(address)
    return _real_connect_ex(self, address)


def _sendto(self, data, *args):
    address = args[-1]
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(address)
    return _real_sendto(self, data, *args)


def _getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name is not None and str(name).rstrip(".").lower().endswith(".invalid"):
        # RFC 6761: no name under .invalid exists, so answer as every resolver must, without asking one
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    if name is not None and not _is_loopback(str(name)):
        try:
            ipaddress.ip_address(str(name))  # a literal address is checked when connecting
        except ValueError:
            violations.append(str(name))
            raise socket.gaierror(socket.EAI_NONAME, f"tests may not resolve outside names ({name})") from None
    return _real_getaddrinfo(host, *args, **kwargs)


def install() -> None:
    """Patch the socket module for the whole test session."""
    socket.socket.connect = _connect
    socket.socket.connect_ex = _connect_ex
    socket.socket.sendto = _sendto
    socket.getaddrinfo = _getaddrinfo
