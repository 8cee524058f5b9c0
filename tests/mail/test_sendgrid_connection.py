"""The SendGrid backend keeps one connection per sending thread, and a connection SendGrid dropped never costs a
message: it is sent on a new one, never left "maybe sent"."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crm.mail.backends import SendGridBackend

API_KEY = "SG.test-key.not-real"


class KeepAliveFake:
    """A Mail Send API speaking HTTP/1.1 with keep-alive; records each request's client port and body."""

    def __init__(self, status=202, body=b"", close_after_each=False, delay=0.0):
        self.requests: list[tuple[int, dict]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append((self.client_address[1], payload))
                time.sleep(delay)
                self.send_response(status)
                self.send_header("X-Message-Id", f"sg-{len(fake.requests)}")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                if close_after_each:  # an idle timeout on SendGrid's side: closed without saying so
                    self.wfile.flush()
                    self.close_connection = True

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def ports(self) -> list[int]:
        return [port for port, _ in self.requests]


@pytest.fixture
def fake_factory():
    made = []

    def make(**options) -> KeepAliveFake:
        made.append(KeepAliveFake(**options))
        return made[-1]

    yield make
    for fake in made:
        fake.server.shutdown()
        fake.server.server_close()


def test_messages_from_one_thread_share_one_connection(fake_factory, make_message):
    fake = fake_factory()
    backend = SendGridBackend(API_KEY, host=fake.url, timeout=2)
    outcomes = [backend.send(make_message(idempotency_key=f"k{i}")) for i in range(5)]
    assert [o.provider_message_id for o in outcomes] == [f"sg-{i}" for i in range(1, 6)]
    assert len(set(fake.ports())) == 1
    assert all(body["personalizations"][0]["custom_args"]["outbound_id"] == "17" for _, body in fake.requests)


def test_each_sending_thread_has_its_own_connection(fake_factory, make_message):
    fake = fake_factory(delay=0.05)
    backend = SendGridBackend(API_KEY, host=fake.url, timeout=2)

    def send_three():
        for _ in range(3):
            assert backend.send(make_message()).accepted

    threads = [threading.Thread(target=send_three) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fake.requests) == 9 and len(set(fake.ports())) == 3


def test_a_connection_sendgrid_closed_is_replaced_before_the_next_message(fake_factory, make_message):
    fake = fake_factory(close_after_each=True)
    backend = SendGridBackend(API_KEY, host=fake.url, timeout=2)
    first = backend.send(make_message())
    time.sleep(0.1)  # the server's close has arrived by the time the next message goes
    second = backend.send(make_message())
    assert first.accepted and second.accepted and not second.maybe_sent
    assert len(fake.requests) == 2 and len(set(fake.ports())) == 2


def test_an_error_answer_keeps_sendgrids_reason_and_the_next_message_goes(fake_factory, make_message):
    errors = json.dumps({"errors": [{"field": "from.email", "message": "does not match a verified Sender"}]})
    fake = fake_factory(status=403, body=errors.encode())
    backend = SendGridBackend(API_KEY, host=fake.url, timeout=2)
    outcomes = [backend.send(make_message()) for _ in range(2)]
    assert all(o.failed and o.http_status == 403 for o in outcomes)
    assert "from.email: does not match a verified Sender" in outcomes[1].reason
    assert len(set(fake.ports())) == 1


def test_after_a_timeout_the_next_message_goes_on_a_new_connection(fake_factory, make_message):
    slow = fake_factory(delay=1.0)
    backend = SendGridBackend(API_KEY, host=slow.url, timeout=0.3)
    timed_out = backend.send(make_message())
    assert timed_out.should_retry and timed_out.maybe_sent
    slow_port = slow.ports()[0]
    time.sleep(1.0)
    backend.timeout = 3
    again = backend.send(make_message())
    assert again.accepted and slow.ports()[1] != slow_port
