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


def test_a_host_that_does_not_exist_fails_at_dns_and_nothing_after_is_tried(smtpd):
    missing = make_account("smtp", "mail.agency.invalid", 587, smtpd.user, smtpd.password, "starttls")
    results = check_smtp(missing, None, timeout=3)
    assert _by_step(results) == {"dns": False, "tcp": None, "tls": None, "auth": None}
    assert results[0].label == "SMTP DNS" and "mail.agency.invalid was not found" in results[0].detail
    imap_missing = ImapAccount("imap.agency.invalid", 993, "ana", "secret", "tls", None)
    assert _by_step(check_imap(imap_missing, timeout=3)) == {"dns": False, "tcp": None, "tls": None, "auth": None,
                                                              "folder": None}


def test_imap_against_dovecot(dovecot):
    good = ImapAccount("127.0.0.1", dovecot.tls_port, dovecot.user, dovecot.password, "tls", str(dovecot.cert))
    assert _by_step(check_imap(good, timeout=5)) == {"dns": True, "tcp": True, "tls": True, "auth": True,
                                                      "folder": True}
    wrong = ImapAccount("127.0.0.1", dovecot.tls_port, dovecot.user, "nope", "tls", str(dovecot.cert))
    assert _by_step(check_imap(wrong, timeout=5))["auth"] is False
    untrusted = ImapAccount("127.0.0.1", dovecot.tls_port, dovecot.user, dovecot.password, "tls", None)
    assert _by_step(check_imap(untrusted, timeout=5))["tls"] is False


def test_the_test_connection_button_shows_each_step(app, as_role, team, smtpd, dovecot):
    from urllib.parse import quote

    from sqlalchemy import select

    from crm.extensions import db
    from crm.outreach import mailboxes
    from crm.outreach.models import SenderIdentity
    from tests.conftest import csrf_token

    app.config.update(SMTP_CA_FILE=str(smtpd.cert), SMTP_TIMEOUT=3, IMAP_CA_FILE=None, IMAP_TIMEOUT=5)
    with app.app_context():
        mailboxes.set_sender(team.workspace_id, "ana@agency.example", "Ana",
                             smtp_url=f"smtp://{quote(smtpd.user)}:{quote(smtpd.password, safe='')}"
                                      f"@127.0.0.1:{smtpd.port}",
                             imap_url=f"imaps://{quote(dovecot.user)}:{dovecot.password}@127.0.0.1:{dovecot.tls_port}")
        sender_id = db.session.scalar(select(SenderIdentity.id))
    admin = as_role("admin")
    page = admin.get(f"/outreach/senders/{sender_id}").get_data(as_text=True)
    assert "Test connection" in page and smtpd.password not in page and dovecot.password not in page
    token = csrf_token(admin, f"/outreach/senders/{sender_id}")
    html = admin.post(f"/outreach/senders/{sender_id}/test-connection",
                      data={"csrf_token": token}).get_data(as_text=True)
    assert "SMTP authentication" in html and "IMAP folder" in html
    # IMAP_CA_FILE is unset, so the test Dovecot's certificate is not trusted: that step is named as failed
    assert html.count("failed</span>") == 1 and "IMAP TLS certificate" in html
    assert smtpd.password not in html and dovecot.password not in html
