"""The test Dovecot itself: plain login on loopback, verified TLS, and a \\Junk folder."""

import imaplib
import ssl

import pytest


def test_dovecot_takes_appended_mail_and_offers_verified_tls(dovecot):
    dovecot.append(b"Subject: hello\r\nMessage-ID: <one@example.test>\r\n\r\nHi\r\n")
    with imaplib.IMAP4_SSL("127.0.0.1", dovecot.tls_port, ssl_context=dovecot.tls_context()) as conn:
        conn.login(dovecot.user, dovecot.password)
        assert conn.select("INBOX") == ("OK", [b"1"])
        assert any(b"\\Junk" in line for line in conn.list()[1])
    with pytest.raises(ssl.SSLCertVerificationError):
        imaplib.IMAP4_SSL("127.0.0.1", dovecot.tls_port, ssl_context=ssl.create_default_context())
