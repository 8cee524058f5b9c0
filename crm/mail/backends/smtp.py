"""Mail backend sending through a sender identity's own SMTP account (Gmail, Microsoft 365, any provider)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from crm.mail.accounts import MailAccount
from crm.mail.message import ACCEPTED, FAILED, OutgoingMessage, SendOutcome, retry_later, utc_now
from crm.mail.mime import to_email_message
from crm.mail.smtp import SmtpError, deliver


class SmtpBackend:
    """Sends each message as the same MIME the file backend saves, over one verified, signed-in SMTP session."""

    name = "smtp"

    def __init__(self, account: MailAccount, ca_file: str | None = None, timeout: float = 30.0,
                 clock: Callable[[], datetime] = utc_now):
        self.account = account
        self.ca_file = ca_file
        self.timeout = timeout
        self.clock = clock

    def __repr__(self) -> str:
        return f"SmtpBackend({self.account!r})"

    def send(self, message: OutgoingMessage, attempt: int = 1) -> SendOutcome:
        """Try once; a refusal that retrying cannot cure fails, anything passing is retried with backoff."""
        mime = to_email_message(message, self.clock())
        try:
            deliver(self.account, message.sender.email, [message.recipient.email], mime.as_bytes(),
                    self.ca_file, self.timeout)
        except SmtpError as exc:
            reason = f"SMTP {self.account.host}: {exc}"[:500]
            if exc.permanent:
                return SendOutcome(FAILED, reason=reason)
            return retry_later(self.clock(), attempt, reason, maybe_sent=exc.maybe_sent)
        return SendOutcome(ACCEPTED, provider_message_id=mime["Message-ID"])
