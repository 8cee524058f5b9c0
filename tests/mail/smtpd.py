"""A real SMTP server on a loopback port (aiosmtpd): STARTTLS on a self-signed certificate, AUTH required."""

from __future__ import annotations

import ssl
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.mail.dovecot import _free_port, _self_signed

USER, PASSWORD = "ana@agency.example", "smtp p@ss:w%rd/"


@dataclass
class Received:
    """One message as the server took it: envelope and the exact bytes."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes


@dataclass
class SmtpServer:
    port: int
    cert: Path
    controller: Controller
    messages: list[Received] = field(default_factory=list)
    user: str = USER
    password: str = PASSWORD


class _Handler:
    def __init__(self, server_messages: list[Received]):
        self.messages = server_messages

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK queued"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER \
        and auth_data.password.decode() == PASSWORD
    return AuthResult(success=ok)


def start_smtpd() -> SmtpServer:
    """Start the server (STARTTLS offered, AUTH only after TLS); stop it with server.controller.stop()."""
    folder = Path(tempfile.mkdtemp(prefix="smtpd-"))
    cert, key = _self_signed(folder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    messages: list[Received] = []
    port = _free_port()
    controller = Controller(_Handler(messages), hostname="127.0.0.1", port=port, tls_context=context,
                            require_starttls=True, authenticator=_authenticator, auth_required=True,
                            auth_require_tls=True)
    controller.start()
    return SmtpServer(port, cert, controller, messages)
