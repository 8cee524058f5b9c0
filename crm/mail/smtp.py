"""Sending through an SMTP account with smtplib: verified TLS (implicit or STARTTLS), AUTH, one message per call.

`open_smtp` signs in and names the step that failed (DNS, TCP, TLS, authentication), so the sender's
"Test connection" and the sending backend report failures the same way. Plain connections are refused
unless the host is loopback.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
from dataclasses import dataclass

from crm.mail.accounts import MailAccount, is_loopback

STEPS = ("dns", "tcp", "tls", "auth")


class SmtpError(Exception):
    """The SMTP server could not be reached, or refused us; `step` says where, `permanent` if retrying cannot help."""

    def __init__(self, message: str, step: str, *, permanent: bool = False, maybe_sent: bool = False,
                 code: int | None = None):
        super().__init__(message)
        self.step = step  # "dns", "tcp", "tls", "auth", "send"
        self.permanent = permanent
        self.maybe_sent = maybe_sent
        self.code = code


@dataclass(frozen=True)
class Delivery:
    """What the server said when it took the message."""

    refused: dict  # recipients the server refused, as smtplib reports them (empty when all were taken)


def _context(ca_file: str | None) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=ca_file or None)


def _tls_reason(exc: ssl.SSLError) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"the server's TLS certificate is not trusted: {exc.verify_message or exc.reason}"
    return f"TLS handshake failed: {exc.reason or exc}"


def _text(value: bytes | str | None) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value or "")


def open_smtp(account: MailAccount, ca_file: str | None = None, timeout: float = 30) -> smtplib.SMTP:
    """A connection signed in to the account's server; SmtpError names the step that failed."""
    if account.security == "plain" and not is_loopback(account.host):
        raise SmtpError(f"a plain SMTP connection to {account.host} is refused (only loopback may be plain)", "tls",
                        permanent=True)
    where = f"{account.host}:{account.port}"
    context = _context(ca_file)
    try:
        if account.security == "tls":
            conn = smtplib.SMTP_SSL(account.host, account.port, timeout=timeout, context=context)
        else:
            conn = smtplib.SMTP(account.host, account.port, timeout=timeout)
    except socket.gaierror as exc:
        raise SmtpError(f"DNS: {account.host} was not found ({exc.strerror or exc})", "dns") from exc
    except ssl.SSLError as exc:
        raise SmtpError(f"TLS: {_tls_reason(exc)}", "tls") from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise SmtpError(f"TCP: cannot reach {where} ({exc})", "tcp") from exc
    try:
        conn.ehlo()
        if account.security == "starttls":
            if not conn.has_extn("starttls"):
                raise SmtpError(f"TLS: {where} does not offer STARTTLS; use smtps:// if it expects implicit TLS",
                                "tls")
            conn.starttls(context=context)
            conn.ehlo()
        try:
            conn.login(account.user, account.password)
        except UnicodeEncodeError as exc:  # smtplib sends AUTH as ASCII
            raise SmtpError("authentication: the user name or password has non-ASCII characters, which SMTP AUTH "
                            "cannot carry here; use an app password", "auth", permanent=True) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise SmtpError(f"authentication: {where} offers no AUTH on this connection", "auth") from exc
        except smtplib.SMTPAuthenticationError as exc:
            raise SmtpError(f"authentication failed for {account.user} ({exc.smtp_code} {_text(exc.smtp_error)})",
                            "auth", code=exc.smtp_code) from exc
        except smtplib.SMTPException as exc:
            raise SmtpError(f"authentication failed for {account.user} ({exc})", "auth") from exc
    except SmtpError:
        close(conn)
        raise
    except ssl.SSLError as exc:
        close(conn)
        raise SmtpError(f"TLS: {_tls_reason(exc)}", "tls") from exc
    except (OSError, smtplib.SMTPException) as exc:
        close(conn)
        raise SmtpError(f"TCP: {where} dropped the connection ({exc})", "tcp") from exc
    return conn


def close(conn: smtplib.SMTP) -> None:
    """QUIT, ignoring a connection that is already gone."""
    with contextlib.suppress(OSError, smtplib.SMTPException):
        conn.quit()
    with contextlib.suppress(OSError):
        conn.close()


def deliver(account: MailAccount, envelope_from: str, recipients: list[str], data: bytes,
            ca_file: str | None = None, timeout: float = 30) -> Delivery:
    """Send one message's bytes through the account; SmtpError says what failed and whether it may have gone."""
    conn = open_smtp(account, ca_file, timeout)
    try:
        refused = conn.sendmail(envelope_from, recipients, data)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        detail = "; ".join(f"{rcpt}: {code} {_text(msg)}" for rcpt, (code, msg) in exc.recipients.items())
        raise SmtpError(f"the server refused the recipient ({detail})"[:500], "send",
                        permanent=all(500 <= c < 600 for c in codes), code=codes[0] if codes else None) from exc
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
        code = exc.smtp_code
        raise SmtpError(f"the server refused the message ({code} {_text(exc.smtp_error)})"[:500], "send",
                        permanent=500 <= code < 600, code=code) from exc
    except (OSError, smtplib.SMTPException) as exc:
        # the connection broke during the transaction: the server may have taken the message
        raise SmtpError(f"the connection to {account.host} broke while sending ({exc})"[:500], "send",
                        maybe_sent=True) from exc
    finally:
        close(conn)
    return Delivery(refused=dict(refused or {}))
