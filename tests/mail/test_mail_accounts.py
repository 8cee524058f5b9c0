"""Mail account URLs: what each scheme means, decoded credentials, and hostile input refused clearly."""

import pytest

from crm.mail.accounts import MailAccountError, parse_mail_url
from crm.mail.link_safety import unsafe_base_url_reason


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://ana:pw@smtp.office365.com:587", ("smtp", "smtp.office365.com", 587, "starttls")),
    ("smtps://ana:pw@smtp.gmail.com", ("smtp", "smtp.gmail.com", 465, "tls")),
    ("imaps://ana:pw@imap.gmail.com", ("imap", "imap.gmail.com", 993, "tls")),
    ("imap://ana:pw@Mail.Example.COM", ("imap", "mail.example.com", 143, "starttls")),
    ("smtp+insecure://ana:pw@127.0.0.1:2525", ("smtp", "127.0.0.1", 2525, "plain")),
    ("imap+insecure://ana:pw@[::1]:1143", ("imap", "::1", 1143, "plain")),
])
def test_each_scheme_names_its_protocol_port_and_security(url, expected):
    account = parse_mail_url(url)
    assert (account.kind, account.host, account.port, account.security) == expected


def test_user_and_password_are_url_decoded_and_never_shown():
    account = parse_mail_url("smtps://ana%40agency.example:p%40ss%3Aw%2Frd@smtp.gmail.com:465")
    assert (account.user, account.password) == ("ana@agency.example", "p@ss:w/rd")
    assert "p@ss" not in repr(account) and "p@ss" not in str(account)


@pytest.mark.parametrize(("url", "says"), [
    ("smtp+insecure://u:p@mail.example.com", "only a loopback host"),
    ("imap+insecure://u:p@10.0.0.1", "only a loopback host"),
    ("http://u:p@mail.example.com", "smtp://, smtps://"),
    ("smtp://mail.example.com", "user:password@"),
    ("smtp://user@mail.example.com", "no password"),
    ("smtp://u:p@mail.example.com:70000", "port"),
    ("smtp://u:p@mail.example.com:0", "port"),
    ("smtp://u:p@mail.example.com/path", "no path"),
    ("smtp://u:p@mail.example.com?x=1", "no path"),
    ("smtp://u:p@mail.exa\r\nmple.com", "control character"),
    ("smtp://u%0d%0aRCPT:p@mail.example.com", "control character"),
    ("smtp://u:p@bad_host!.com", "not a valid host"),
    ("smtp://u:p@", "no host"),
    ("", "smtp://, smtps://"),
])
def test_hostile_or_broken_urls_are_refused_with_a_clear_reason(url, says):
    with pytest.raises(MailAccountError, match=None) as caught:
        parse_mail_url(url)
    assert says in str(caught.value)
    assert ":p@" not in str(caught.value)  # the password is not echoed back


def test_a_url_of_the_other_kind_is_refused():
    with pytest.raises(MailAccountError, match="expected an imap"):
        parse_mail_url("smtps://u:p@smtp.gmail.com", kind="imap")


@pytest.mark.parametrize(("base", "unsafe"), [
    ("https://crm.agency.com", False), ("https://203.0.113.9", True), ("https://8.8.8.8", False),
    ("http://crm.agency.com", True), ("http://127.0.0.1:5000", True), ("https://localhost", True),
    ("https://192.168.1.20", True), ("https://crm.internal", True), ("https://crm", True), ("", True),
])
def test_public_base_url_must_be_public_https_for_real_mail(base, unsafe):
    assert (unsafe_base_url_reason(base) is not None) is unsafe
