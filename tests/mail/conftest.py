"""Fixtures for the mail tests: a real Dovecot on loopback per test."""

import pytest

from tests.mail.dovecot import remove, start_dovecot


@pytest.fixture
def dovecot():
    """A fresh Dovecot with one user and an empty mailbox (INBOX and a \\Junk folder); stopped afterwards."""
    server = start_dovecot()
    yield server
    remove(server)
