"""Test connection: each step against the real servers, and the failing step named exactly."""

from crm.mail.accounts import make_account
from crm.mail.imap import ImapAccount
from crm.mail.probe import check_imap, check_smtp
from tests.mail.dovecot import _free_port


def _by_step(results):
    return {r.step: r.ok for r in results}


def test_a_working_smtp_account_passes_every_step(smtpd):
    account = make_account("smtp", "127.0.0.1", smtpd.port, smtpd.user, smtpd.password, "starttls")
    results = check_smtp(account, str(smtpd.cert), timeout=3)
    assert _by_step(results) == {"dns": True, "tcp": True, "tls": True, "auth": True}
    assert not smtpd.messages


def test_smtp_says_which_step_failed(smtpd):
    wrong = make_account("smtp", "127.0.0.1", smtpd.port, smtpd.user, "not-it", "starttls")
    results = check_smtp(wrong, str(smtpd.cert), timeout=3)
    assert _by_step(results) == {"dns": True, "tcp": True, "tls": True, "auth": False}
    untrusted = make_account("smtp", "127.0.0.1", smtpd.port, smtpd.user, smtpd.password, "starttls")
    results = check_smtp(untrusted, None, timeout=3)
    assert _by_step(results) == {"dns": True, "tcp": True, "tls": False, "auth": None}
    assert "certificate" in results[2].detail and results[2].label == "SMTP TLS certificate"
    closed = make_account("smtp", "127.0.0.1", _free_port(), smtpd.user, smtpd.password, "starttls")
    assert _by_step(check_smtp(closed, None, timeout=3))["tcp"] is False


def test_imap_against_dovecot(dovecot):
    good = ImapAccount("127.0.0.1", dovecot.tls_port, dovecot.user, dovecot.password, "tls", str(dovecot.cert))
    assert _by_step(check_imap(good, timeout=5)) == {"dns": True, "tcp": True, "tls": True, "auth": True,
                                                      "folder": True}
    wrong = ImapAccount("127.0.0.1", dovecot.tls_port, dovecot.user, "nope", "tls", str(dovecot.cert))
    assert _by_step(check_imap(wrong, timeout=5))["auth"] is False
    untrusted = ImapAccount("127.0.0.1", dovecot.tls_port, dovecot.user, dovecot.password, "tls", None)
    assert _by_step(check_imap(untrusted, timeout=5))["tls"] is False
