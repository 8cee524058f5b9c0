"""Test a mailbox's connection step by step and name the step that failed (DNS, TCP, TLS, authentication, folder)."""

from __future__ import annotations

import socket
from dataclasses import dataclass

from crm.mail import imap
from crm.mail.accounts import MailAccount
from crm.mail.smtp import SmtpError, close, open_smtp

STEP_LABELS = {"dns": "DNS", "tcp": "TCP", "tls": "TLS certificate", "auth": "authentication", "folder": "folder"}


@dataclass(frozen=True)
class StepResult:
    """One step of a connection test: which account, which step, whether it passed and what was seen."""

    kind: str  # "smtp" or "imap"
    step: str  # a key of STEP_LABELS
    ok: bool | None  # None: not tried, because an earlier step failed
    detail: str

    @property
    def label(self) -> str:
        """E.g. "SMTP TLS certificate"."""
        return f"{self.kind.upper()} {STEP_LABELS[self.step]}"


def _steps(kind: str, names: tuple[str, ...], failed: str | None, detail: str, passed: dict) -> list[StepResult]:
    results, after = [], False
    for name in names:
        if after:
            results.append(StepResult(kind, name, None, "not tried"))
        elif name == failed:
            results.append(StepResult(kind, name, False, detail))
            after = True
        else:
            results.append(StepResult(kind, name, True, passed.get(name, "ok")))
    return results


def _dns_and_tcp(account: MailAccount, timeout: float) -> tuple[str | None, str, dict]:
    try:
        infos = socket.getaddrinfo(account.host, account.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        return "dns", f"{account.host} was not found ({exc})", {}
    addresses = sorted({str(info[4][0]) for info in infos})
    passed = {"dns": f"{account.host} is {', '.join(addresses)}"}
    try:
        with socket.create_connection((account.host, account.port), timeout=timeout):
            pass
    except OSError as exc:
        return "tcp", f"cannot connect to {account.host}:{account.port} ({exc})", passed
    passed["tcp"] = f"port {account.port} answers"
    return None, "", passed


def check_smtp(account: MailAccount, ca_file: str | None = None, timeout: float = 15) -> list[StepResult]:
    """DNS, TCP, TLS and authentication of an SMTP account; nothing is sent."""
    names = ("dns", "tcp", "tls", "auth")
    failed, detail, passed = _dns_and_tcp(account, timeout)
    if failed is None:
        try:
            close(open_smtp(account, ca_file, timeout))
        except SmtpError as exc:
            failed, detail = exc.step, str(exc)
        else:
            passed.update(tls="plain connection (loopback)" if account.security == "plain" else "certificate verified",
                          auth=f"signed in as {account.user}")
    return _steps("smtp", names, failed, detail, passed)


def check_imap(account: imap.ImapAccount, timeout: float = 15) -> list[StepResult]:
    """DNS, TCP, TLS, authentication and opening INBOX of an IMAP account; nothing is read or changed."""
    names = ("dns", "tcp", "tls", "auth", "folder")
    as_mail = MailAccount("imap", account.host, account.port, account.user, account.password, account.security)
    failed, detail, passed = _dns_and_tcp(as_mail, timeout)
    if failed is None:
        try:
            conn = imap.connect(account, timeout=timeout)
        except imap.ImapError as exc:
            failed, detail = (exc.step if exc.step in STEP_LABELS else "tcp"), str(exc)
        else:
            passed.update(tls="plain connection (loopback)" if account.security == "plain" else "certificate verified",
                          auth=f"signed in as {account.user}")
            try:
                status, data = conn.select("INBOX", readonly=True)
                if status != "OK":
                    failed, detail = "folder", f"INBOX cannot be opened: {data!r}"[:300]
                else:
                    passed["folder"] = f"INBOX holds {int(data[0] or 0)} messages"
            except Exception as exc:  # noqa: BLE001 - a dropped connection or a protocol error, shown as is
                failed, detail = "folder", f"INBOX cannot be opened: {exc}"[:300]
            finally:
                imap.close(conn)
    return _steps("imap", names, failed, detail, passed)
