"""A sender identity's own mailbox: its SMTP and IMAP accounts, their sealed passwords, and which backend sends.

Passwords are sealed with crm.sealing under a key derived from SECRET_KEY (or MAIL_ACCOUNTS_KEY when set) and
opened only to connect; nothing here returns, renders or logs them.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from crm.extensions import db
from crm.mail.accounts import MailAccount, MailAccountError, make_account, parse_mail_url
from crm.mail.imap import ImapAccount
from crm.mail.message import MailBackend
from crm.outreach import identities
from crm.outreach.models import MailboxFolder, SenderIdentity
from crm.sealing import SealError, seal, unseal

PURPOSE = "sender-mailbox-password"
KINDS = ("smtp", "imap")


def _key(config=None) -> str:
    config = config if config is not None else current_app.config
    return config.get("MAIL_ACCOUNTS_KEY") or config["SECRET_KEY"]


def has_account(sender: SenderIdentity, kind: str) -> bool:
    """True when the identity has its own account of that kind ("smtp" or "imap")."""
    return bool(getattr(sender, f"{kind}_host", ""))


def account_of(sender: SenderIdentity, kind: str, config=None) -> MailAccount | None:
    """The identity's SMTP or IMAP account with its password opened, or None when it has none.

    MailAccountError when the stored password cannot be opened (SECRET_KEY or MAIL_ACCOUNTS_KEY changed).
    """
    if not has_account(sender, kind):
        return None
    try:
        password = unseal(_key(config), PURPOSE, getattr(sender, f"{kind}_password_sealed"))
    except SealError as exc:
        raise MailAccountError(
            f"the stored {kind.upper()} password of {sender.from_email} cannot be opened (was SECRET_KEY or "
            "MAIL_ACCOUNTS_KEY changed?); set the account again") from exc
    return make_account(kind, getattr(sender, f"{kind}_host"), getattr(sender, f"{kind}_port"),
                        getattr(sender, f"{kind}_user"), password, getattr(sender, f"{kind}_security"))


def imap_account_for(sender: SenderIdentity) -> ImapAccount | None:
    """The IMAP account the poller reads the identity's replies from, or None when it has none."""
    account = account_of(sender, "imap")
    if account is None:
        return None
    return ImapAccount(account.host, account.port, account.user, account.password, account.security,
                       current_app.config.get("IMAP_CA_FILE") or None)


def set_account(sender: SenderIdentity, kind: str, account: MailAccount | None) -> None:
    """Put an account (or, with None, no account) on the identity, sealing its password; does not commit."""
    if account is not None and account.kind != kind:
        raise MailAccountError(f"expected an {kind.upper()} account, not {account.kind.upper()}")
    setattr(sender, f"{kind}_host", account.host if account else "")
    setattr(sender, f"{kind}_port", account.port if account else None)
    setattr(sender, f"{kind}_security", account.security if account else "")
    setattr(sender, f"{kind}_user", account.user if account else "")
    setattr(sender, f"{kind}_password_sealed", seal(_key(), PURPOSE, account.password) if account else "")


def account_from_fields(sender: SenderIdentity, kind: str, host: str, port: int | None, security: str, user: str,
                        password: str) -> MailAccount | None:
    """The account form fields describe, checked as `senders set` checks a URL; nothing is written.

    A blank password keeps the stored one. A blank host means no account when the identity has none yet; with an
    account in place it is an error (removing one is a separate, explicit step). MailAccountError names the field.
    """
    if not (host or "").strip():
        if has_account(sender, kind):
            raise MailAccountError(f"enter the {kind.upper()} host, or remove the {kind.upper()} account", "host")
        if (user or "").strip() or password:
            raise MailAccountError("no host given", "host")
        return None
    if not password:
        if not has_account(sender, kind):
            raise MailAccountError(f"the {kind.upper()} account needs a password", "password")
        try:
            password = account_of(sender, kind).password
        except MailAccountError as exc:
            raise MailAccountError(str(exc), "password") from exc
    return make_account(kind, host, port, (user or "").strip(), password, security)


def save_mailbox(sender: SenderIdentity, fields: dict[str, dict]) -> dict[str, str]:
    """Set the identity's accounts from form fields, {kind: {host, port, security, user, password}}, and commit.

    A kind mapped to None removes that account; a kind left out is kept as it is. Returns the errors as
    {"smtp_host": message, ...}; when there is any, nothing is written.
    """
    accounts, errors = {}, {}
    for kind, values in fields.items():
        if kind not in KINDS:
            raise MailAccountError(f"unknown mail account kind {kind!r}")
        if values is None:
            accounts[kind] = None
            continue
        try:
            accounts[kind] = account_from_fields(sender, kind, **values)
        except MailAccountError as exc:
            errors[f"{kind}_{exc.field or 'host'}"] = str(exc)
    if errors:
        return errors
    for kind, account in accounts.items():
        set_account(sender, kind, account)
    try:
        identities.save_identity(sender)
    except Exception:
        db.session.rollback()
        raise
    return {}


def default_backend_name(config=None) -> str:
    """The workspace default backend: what MAIL_BACKEND names."""
    config = config if config is not None else current_app.config
    return config.get("MAIL_BACKEND") or "file"


def backend_name(sender: SenderIdentity | None, config=None) -> str:
    """"smtp" for an identity with its own SMTP account, else the workspace default."""
    return "smtp" if sender is not None and has_account(sender, "smtp") else default_backend_name(config)


def smtp_backend_for(sender: SenderIdentity, config=None) -> MailBackend | None:
    """The backend sending through the identity's own SMTP account, or None to use the workspace default."""
    from crm.mail.backends.smtp import SmtpBackend

    config = config if config is not None else current_app.config
    account = account_of(sender, "smtp", config)
    if account is None:
        return None
    return SmtpBackend(account, config.get("SMTP_CA_FILE") or None, float(config.get("SMTP_TIMEOUT", 30)))


def describe(sender: SenderIdentity) -> dict:
    """The identity as `senders list` prints it: no password, sealed or not."""
    return {
        "email": sender.from_email, "name": sender.from_name, "backend": backend_name(sender),
        "smtp_host": sender.smtp_host or None, "smtp_port": sender.smtp_port, "smtp_security": sender.smtp_security
        or None, "smtp_user": sender.smtp_user or None, "imap_host": sender.imap_host or None,
        "imap_port": sender.imap_port, "imap_security": sender.imap_security or None,
        "imap_user": sender.imap_user or None, "active": bool(sender.active),
    }


def senders_of(workspace_id: int) -> list[SenderIdentity]:
    """The workspace's identities, by address."""
    return list(db.session.scalars(select(SenderIdentity).where(SenderIdentity.workspace_id == workspace_id)
                                   .order_by(SenderIdentity.from_email)))


def set_sender(workspace_id: int, email: str, name: str | None = None, smtp_url: str | None = None,
               imap_url: str | None = None) -> SenderIdentity:
    """Create or update the identity with that address; accounts given as URLs ("" removes one). Commits.

    Everything is checked before anything is written: a bad URL leaves the identity as it was.
    """
    address = (email or "").strip().lower()
    if "@" not in address or any(c.isspace() or ord(c) < 32 for c in address) or len(address) > 254:
        raise MailAccountError(f"{email!r} is not an email address")
    if name is not None and (not name.strip() or len(name) > 120 or any(ord(c) < 32 for c in name)):
        raise MailAccountError("the sender's name must be 1 to 120 characters on one line")
    accounts = {kind: (parse_mail_url(url, kind) if url else None)
                for kind, url in (("smtp", smtp_url), ("imap", imap_url)) if url is not None}
    sender = db.session.scalar(select(SenderIdentity).where(
        SenderIdentity.workspace_id == workspace_id, func.lower(SenderIdentity.from_email) == address))
    if sender is None:
        sender = SenderIdentity(workspace_id=workspace_id, from_email=address, from_name=name or address.split("@")[0],
                                reply_domain="", daily_cap=50, window_days="12345", window_start="09:00",
                                window_end="17:00", timezone="UTC", use_recipient_timezone=False, active=True)
    elif name is not None:
        sender.from_name = name
    for kind, account in accounts.items():
        set_account(sender, kind, account)
    try:
        return identities.save_identity(sender)
    except Exception:
        db.session.rollback()
        raise


def folder_status(sender: SenderIdentity | None) -> list[MailboxFolder]:
    """The identity's polled folders, INBOX first, with when each was last read and its last error."""
    if sender is None or sender.id is None:
        return []
    return list(db.session.scalars(select(MailboxFolder).where(
        MailboxFolder.workspace_id == sender.workspace_id, MailboxFolder.sender_identity_id == sender.id)
        .order_by((MailboxFolder.name != "INBOX"), MailboxFolder.name)))


def test_connection(sender: SenderIdentity) -> list:
    """Check the identity's SMTP and IMAP accounts step by step; a list of crm.mail.probe.StepResult (no mail sent)."""
    from crm.mail import probe

    config = current_app.config
    timeout = float(config.get("SMTP_TIMEOUT", 30))
    results = []
    try:
        smtp = account_of(sender, "smtp")
        if smtp is not None:
            results += probe.check_smtp(smtp, config.get("SMTP_CA_FILE") or None, timeout)
        imap_account = imap_account_for(sender)
        if imap_account is not None:
            results += probe.check_imap(imap_account, float(config.get("IMAP_TIMEOUT", 30)))
    except MailAccountError as exc:
        results.append(probe.StepResult("smtp" if not results else "imap", "auth", False, str(exc)))
    return results
