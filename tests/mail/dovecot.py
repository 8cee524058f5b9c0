"""A throwaway Dovecot IMAP server on a loopback port: its own config, a passwd-file user, a Maildir in tmp."""

from __future__ import annotations

import datetime
import imaplib
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support import services

DOVECOT = os.environ.get("TEST_DOVECOT", "/usr/sbin/dovecot")
USER, PASSWORD = "ana@agency.example", "imap-test-password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, made now with `cryptography`."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


def _accounts() -> tuple[str, str, int, int]:
    """Which system users run the login/internal processes and own the mail (Dovecot refuses root for mail)."""
    me = pwd.getpwuid(os.getuid())
    if os.getuid() != 0:
        return me.pw_name, me.pw_name, me.pw_uid, me.pw_gid
    internal = pwd.getpwnam("dovecot")
    login = pwd.getpwnam("dovenull")
    return login.pw_name, internal.pw_name, internal.pw_uid, internal.pw_gid


@dataclass
class Dovecot:
    """A running server: where it listens, the user's credentials, the certificate it presents."""

    folder: Path
    port: int
    tls_port: int
    cert: Path
    process: subprocess.Popen | None = None
    user: str = USER
    password: str = PASSWORD

    def start(self) -> None:
        """Start (or restart) the server and wait until it answers."""
        with open(self.folder / "stderr.log", "ab") as errors:
            self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(self.folder / "dovecot.conf")],
                                            stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if sock.recv(200).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("dovecot did not start: " + (self.folder / "stderr.log").read_text()[-2000:])

    def stop(self) -> None:
        """Stop the server and wait for it."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def crash(self) -> None:
        """Kill the server and every session it serves at once, as a crash or a network cut would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None
        for leftover in (self.folder / "run").glob("*"):
            if leftover.name == "master.pid":
                leftover.unlink()

    def tls_context(self) -> ssl.SSLContext:
        """A client context that trusts this server's certificate only."""
        return ssl.create_default_context(cafile=str(self.cert))

    def client(self) -> imaplib.IMAP4:
        """A logged-in plain client for delivering test mail."""
        conn = imaplib.IMAP4("127.0.0.1", self.port)
        conn.login(self.user, self.password)
        return conn

    def append(self, raw: bytes, folder: str = "INBOX", when: float | None = None) -> None:
        """Deliver one message into a folder by IMAP APPEND."""
        with self.client() as conn:
            self.append_with(conn, raw, folder, when)

    def append_many(self, messages: list[bytes], folder: str = "INBOX", when: float | None = None) -> None:
        """Deliver many messages in one IMAP MULTIAPPEND with non-synchronising literals (RFC 3502, 7888).

        One command and one round trip for thousands of messages, where APPENDs one by one take ~20 ms each.
        """
        stamp = imaplib.Time2Internaldate(when if when is not None else time.time()).encode()
        with self.client() as conn:
            parts = [b"M1 APPEND " + folder.encode()]
            for raw in messages:
                parts.append(b" () " + stamp + b" {%d+}\r\n" % len(raw) + raw)
            conn.send(b"".join(parts) + b"\r\n")
            while True:
                line = conn.readline()
                if line.startswith(b"M1 "):
                    break
                if not line:
                    raise RuntimeError("the server closed the connection during APPEND")
            if not line.startswith(b"M1 OK"):
                raise RuntimeError(f"MULTIAPPEND failed: {line!r}")

    @staticmethod
    def append_with(conn: imaplib.IMAP4, raw: bytes, folder: str = "INBOX", when: float | None = None) -> None:
        """APPEND on an open connection (for delivering many messages quickly)."""
        stamp = imaplib.Time2Internaldate(when if when is not None else time.time())
        status, data = conn.append(folder, "", stamp, raw)
        if status != "OK":
            raise RuntimeError(f"APPEND failed: {data}")


_CONF = """\
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = 1
mail_location = maildir:{base}/mail/%u
mail_fsync = never
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
namespace inbox {{
  inbox = yes
  separator = /
{spam_box}
  mailbox Sent {{
    special_use = \\Sent
    auto = create
  }}
}}
"""


_MARKED_JUNK = """  mailbox Junk {
    special_use = \\Junk
    auto = create
  }"""
_NAMED_SPAM = """  mailbox Spam {
    auto = create
  }
  mailbox Archive {
    auto = create
  }"""


def start_dovecot(marked_junk: bool = True) -> Dovecot:
    """Configure and start a fresh server; skip (or fail under CRM_REQUIRE_SERVICES=1) without Dovecot.

    The spam folder is "Junk" marked SPECIAL-USE \\Junk, or with marked_junk=False an unmarked "Spam" (as older
    servers have) beside an "Archive".
    """
    if not os.access(DOVECOT, os.X_OK):
        services.unavailable("Dovecot (Debian package dovecot-imapd, `make install-test`)", f"{DOVECOT} missing")
    base = Path(tempfile.mkdtemp(prefix="crm-dovecot-"))
    base.chmod(0o755)  # the unprivileged Dovecot processes must reach their files
    login_user, internal_user, uid, gid = _accounts()
    for sub in ("run", "state", "mail"):
        (base / sub).mkdir()
    os.chown(base / "mail", uid, gid)
    cert, key = _self_signed(base)
    (base / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    server = Dovecot(base, _free_port(), _free_port(), cert)
    (base / "dovecot.conf").write_text(_CONF.format(base=base, cert=cert, key=key, login_user=login_user,
                                                    internal_user=internal_user, uid=uid, gid=gid,
                                                    port=server.port, tls_port=server.tls_port,
                                                    spam_box=_MARKED_JUNK if marked_junk else _NAMED_SPAM))
    server.start()
    return server


def remove(server: Dovecot) -> None:
    """Stop the server and delete its files."""
    server.stop()
    shutil.rmtree(server.folder, ignore_errors=True)
