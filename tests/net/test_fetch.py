"""What one fetch delivers: redirects, caps, decoding, deadlines, content types, conditional GET, TLS, errors."""

from __future__ import annotations

import gzip
import socket
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cache

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from crm.net import Hop
from crm.net.bodies import BROTLI
from tests.net.certs import make_tls
from tests.net.servers import MapResolver, drip

PAGE = b"<html><head><title>t</title></head><body><a href='https://example.org/'>x</a></body></html>"


@cache
def bomb(coding: str, size: int = 20 * 1024 * 1024) -> bytes:
    """`size` zero bytes compressed with `coding`: a few kilobytes that expand a thousandfold."""
    zeros = bytes(size)
    if coding == "gzip":
        return gzip.compress(zeros, compresslevel=9)
    if coding == "deflate":
        return zlib.compress(zeros, 9)
    import brotli

    return brotli.compress(zeros, quality=5)


# ---------- redirects ----------


def test_a_redirect_chain_is_followed_and_recorded(make_fetcher, make_server):
    server = make_server()
    base = server.url_for("/").rstrip("/")
    server.expect_request("/r1").respond_with_data("", status=301, headers={"Location": "/r2"})
    server.expect_request("/r2").respond_with_data("", status=302, headers={"Location": "r3?x=1"})
    server.expect_request("/r3").respond_with_data("", status=303, headers={"Location": f"//{base[7:]}/r4"})
    server.expect_request("/r4").respond_with_data("", status=307, headers={"Location": f"{base}/r5"})
    server.expect_request("/r5").respond_with_data("", status=308, headers={"Location": "/final#part"})
    server.expect_request("/final").respond_with_data(PAGE, content_type="text/html")
    result = make_fetcher().fetch(f"{base}/r1")
    assert result.error is None and result.status == 200 and result.body == PAGE
    assert result.redirects == [
        Hop(f"{base}/r1", 301),
        Hop(f"{base}/r2", 302),
        Hop(f"{base}/r3?x=1", 303),
        Hop(f"{base}/r4", 307),
        Hop(f"{base}/r5", 308),
    ]
    assert result.final_url == f"{base}/final"


def test_a_sixth_redirect_is_refused(make_fetcher, make_server):
    server = make_server()
    for n in range(6):
        server.expect_request(f"/r{n}").respond_with_data("", status=302, headers={"Location": f"/r{n + 1}"})
    server.expect_request("/r6").respond_with_data(PAGE, content_type="text/html")
    result = make_fetcher().fetch(server.url_for("/r0"))
    assert result.error == "too_many_redirects"
    assert len(result.redirects) == 6 and not result.body
    assert not any(entry[0].path == "/r6" for entry in server.log)


def test_a_redirect_loop_ends(make_fetcher, make_server):
    server = make_server()
    server.expect_request("/loop").respond_with_data("", status=301, headers={"Location": "/loop"})
    result = make_fetcher().fetch(server.url_for("/loop"))
    assert result.error == "too_many_redirects"


def test_max_redirects_is_a_setting(make_fetcher, make_server):
    server = make_server()
    server.expect_request("/r").respond_with_data("", status=302, headers={"Location": "/"})
    assert make_fetcher(max_redirects=0).fetch(server.url_for("/r")).error == "too_many_redirects"


def test_a_redirect_without_location_is_the_final_answer(make_fetcher, make_server):
    server = make_server()
    server.expect_request("/odd").respond_with_data("moved, somewhere", status=302, content_type="text/html")
    result = make_fetcher().fetch(server.url_for("/odd"))
    assert (result.error, result.status, result.redirects) == (None, 302, [])


def test_an_unparsable_location_is_an_invalid_url(make_fetcher, make_raw):
    def bad_redirect(conn, head):
        conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: http://[oops/\r\nContent-Length: 0\r\n\r\n")

    result = make_fetcher().fetch(make_raw(bad_redirect).url("/bad"), check_robots=False)
    assert result.error == "invalid_url" and len(result.redirects) == 1


# ---------- size caps and decoding ----------


def test_a_declared_length_over_the_cap_is_refused(make_fetcher, make_server):
    server = make_server()
    server.expect_request("/big").respond_with_data(b"x" * 5000, content_type="text/html")
    result = make_fetcher(max_body_bytes=1000).fetch(server.url_for("/big"))
    assert result.error == "too_large" and result.body == b""


def test_a_streamed_body_is_cut_at_the_cap(make_fetcher, make_server):
    server = make_server()

    def endless(request):
        return Response((b"<p>" + b"x" * 1000 for _ in range(10_000)), content_type="text/html")

    server.expect_request("/stream").respond_with_handler(endless)
    result = make_fetcher(max_body_bytes=20_000).fetch(server.url_for("/stream"))
    assert result.error == "too_large" and result.body == b""


def test_a_body_exactly_at_the_cap_is_delivered(make_fetcher, make_server):
    server = make_server()
    server.expect_request("/fits").respond_with_data(b"y" * 1000, content_type="text/html")
    result = make_fetcher(max_body_bytes=1000).fetch(server.url_for("/fits"))
    assert result.error is None and result.body == b"y" * 1000


CODINGS = ["gzip", "deflate", pytest.param("br", marks=pytest.mark.skipif(not BROTLI, reason="brotli not installed"))]


@pytest.mark.parametrize("coding", CODINGS)
def test_compression_bombs_stop_at_the_decoded_cap(coding, make_fetcher, make_server):
    server = make_server()
    payload = bomb(coding)
    server.expect_request("/bomb").respond_with_data(
        payload, content_type="text/html", headers={"Content-Encoding": coding}
    )
    result = make_fetcher(max_decoded_bytes=1024 * 1024).fetch(server.url_for("/bomb"))
    assert len(payload) < 1024 * 1024  # small on the wire, so only the decoded cap can catch it
    assert result.error == "too_large" and result.body == b""


def _encode(coding: str, data: bytes) -> bytes:
    if coding == "gzip":
        return gzip.compress(data)
    if coding == "deflate":
        return zlib.compress(data)
    if coding == "raw-deflate":
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        return packer.compress(data) + packer.flush()
    import brotli

    return brotli.compress(data)


@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw-deflate", *CODINGS[2:]])
def test_compressed_pages_arrive_decoded(coding, make_fetcher, make_server):
    server = make_server()
    page = PAGE * 200
    header = "deflate" if coding == "raw-deflate" else coding
    server.expect_request("/z").respond_with_data(
        _encode(coding, page), content_type="text/html", headers={"Content-Encoding": header}
    )
    result = make_fetcher().fetch(server.url_for("/z"))
    assert result.error is None and result.body == page


def test_an_encoding_we_cannot_decode_is_refused(make_fetcher, make_server):
    server = make_server()
    server.expect_request("/lzw").respond_with_data(
        b"\x1f\x9d...", content_type="text/html", headers={"Content-Encoding": "compress"}
    )
    result = make_fetcher().fetch(server.url_for("/lzw"))
    assert result.error == "content_type" and "compress" in result.error_detail


def test_we_only_ask_for_encodings_we_can_decode(make_fetcher, make_server):
    server = make_server()
    server.expect_request("/").respond_with_data(PAGE, content_type="text/html")
    make_fetcher().fetch(server.url_for("/"))
    asked = {c.strip() for c in server.log[-1][0].headers["Accept-Encoding"].split(",")}
    assert asked == ({"gzip", "deflate", "br"} if BROTLI else {"gzip", "deflate"})


# ---------- the total deadline ----------

DRIPS = {
    "body with a length": (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 500\r\n\r\n", b"x" * 500),
    "body until close": (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n", b"x" * 500),
    "headers": (b"HTTP/1.1 200 OK\r\n", b"X-Slow: " + b"a" * 500),
    "status line": (b"", b"HTTP/1.1 200 OK\r\n" * 50),
}


@pytest.mark.parametrize("what", DRIPS)
def test_a_dripping_server_cannot_hold_a_fetch_past_the_deadline(what, make_fetcher, make_raw):
    head, payload = DRIPS[what]
    server = make_raw(drip(head, payload, interval=0.05))  # each byte well within the read timeout
    fetcher = make_fetcher(total_timeout=0.8, read_timeout=5.0)
    result = fetcher.fetch(server.url("/"), check_robots=False)
    assert result.error == "timeout", (result.error, result.error_detail)
    assert result.body == b""
    assert result.elapsed < 0.8 + 1.0


def test_a_silent_server_hits_the_read_timeout(make_fetcher, make_raw):
    server = make_raw(lambda conn, head: conn.recv(1))  # reads the request, never answers
    result = make_fetcher(read_timeout=0.3).fetch(server.url("/"), check_robots=False)
    assert result.error == "timeout"


# ---------- content types ----------


@pytest.mark.parametrize(
    "content_type",
    ["text/html", "TEXT/HTML; charset=UTF-8", "application/xhtml+xml", "text/plain; charset=iso-8859-1"],
)
def test_page_types_are_read(content_type, make_fetcher, make_server):
    server = make_server()
    server.expect_request("/").respond_with_data(PAGE, headers={"Content-Type": content_type})
    result = make_fetcher().fetch(server.url_for("/"))
    assert result.error is None and result.body == PAGE


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "application/json", "text/css"])
def test_other_types_are_refused_unread(content_type, make_fetcher, make_server):
    server = make_server()
    server.expect_request("/doc").respond_with_data(b"%PDF-1.7 ...", content_type=content_type)
    result = make_fetcher().fetch(server.url_for("/doc"))
    assert result.error == "content_type" and result.status == 200 and result.body == b""


def test_an_error_page_of_another_type_keeps_its_status(make_fetcher, make_server):
    server = make_server()
    server.expect_request("/gone").respond_with_json({"error": "gone"}, status=410)
    result = make_fetcher().fetch(server.url_for("/gone"))
    assert (result.error, result.status, result.body) == (None, 410, b"")


def test_a_page_without_a_content_type_is_read(make_fetcher, make_raw):
    def untyped(conn, head):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\nConnection: close\r\n\r\n<p>bare</p>")

    result = make_fetcher().fetch(make_raw(untyped).url("/"), check_robots=False)
    assert result.error is None and result.body == b"<p>bare</p>"


def test_allowed_types_are_a_setting(make_fetcher, make_server):
    server = make_server()
    server.expect_request("/t").respond_with_data(PAGE, content_type="text/plain")
    assert make_fetcher(allowed_content_types=("text/html",)).fetch(server.url_for("/t")).error == "content_type"


# ---------- conditional GET, Retry-After, headers ----------


def test_a_conditional_get_answered_304_is_not_modified(make_fetcher, make_server):
    server = make_server()
    server.expect_request("/c", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    server.expect_request("/c").respond_with_data(PAGE, content_type="text/html", headers={"ETag": '"v2"'})
    fetcher = make_fetcher()
    same = fetcher.fetch(server.url_for("/c"), etag='"v1"')
    assert (same.error, same.status, same.not_modified, same.body) == (None, 304, True, b"")
    changed = fetcher.fetch(server.url_for("/c"), etag='"v0"')
    assert (changed.status, changed.not_modified, changed.headers["etag"]) == (200, False, '"v2"')


def test_if_modified_since_is_sent(make_fetcher, make_server):
    server = make_server()
    stamp = "Wed, 21 Oct 2026 07:28:00 GMT"
    server.expect_request("/m", headers={"If-Modified-Since": stamp}).respond_with_data("", status=304)
    result = make_fetcher().fetch(server.url_for("/m"), last_modified=stamp)
    assert result.not_modified and result.status == 304


def test_retry_after_seconds_pauses_the_host(make_fetcher, make_server):
    server = make_server()
    server.expect_request("/busy").respond_with_data("slow down", status=429, headers={"Retry-After": "30"})
    fetcher = make_fetcher(total_timeout=1.0)
    first = fetcher.fetch(server.url_for("/busy"))
    assert (first.status, first.retry_after, first.error) == (429, 30.0, None)
    second = fetcher.fetch(server.url_for("/other"))
    assert second.error == "timeout" and 25 < second.retry_after <= 30
    assert [entry[0].path for entry in server.log] == ["/robots.txt", "/busy"]


def test_retry_after_as_a_date_is_understood(make_fetcher, make_server):
    server = make_server()
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    server.expect_request("/down").respond_with_data("maintenance", status=503, headers={"Retry-After": when})
    result = make_fetcher().fetch(server.url_for("/down"))
    assert result.status == 503 and 110 < result.retry_after <= 120


def test_the_request_carries_our_identity_and_no_cookies(make_fetcher, make_server):
    server = make_server()
    server.expect_request("/").respond_with_data(PAGE, content_type="text/html", headers={"Set-Cookie": "sid=1"})
    fetcher = make_fetcher(user_agent="OutreachCRM-LinkChecker/2.0 (+https://crm.test/bot)")
    fetcher.fetch(server.url_for("/#fragment"))
    fetcher.fetch(server.url_for("/"))
    pages = [entry[0] for entry in server.log if entry[0].path == "/"]
    assert len(pages) == 2
    for request in pages:
        assert request.headers["User-Agent"] == "OutreachCRM-LinkChecker/2.0 (+https://crm.test/bot)"
        assert request.headers["Host"] == f"127.0.0.1:{server.port}"
        assert "Cookie" not in request.headers


# ---------- network errors ----------


def test_a_closed_port_is_a_connect_error(make_fetcher):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = make_fetcher().fetch(f"http://127.0.0.1:{port}/", check_robots=False)
    assert result.error == "connect"


@pytest.mark.parametrize("answer", [[], ["not-an-address"], None])
def test_an_unusable_dns_answer_is_a_dns_error(answer, make_fetcher):
    resolver = MapResolver({"empty.test": answer} if answer is not None else {})
    assert make_fetcher(resolver).fetch("http://empty.test/").error == "dns"


def test_a_resolver_that_hangs_cannot_outlive_the_deadline(make_fetcher):
    import threading

    release = threading.Event()
    resolver = MapResolver({"slow.test": lambda: release.wait(5) and ["127.0.0.1"]})
    result = make_fetcher(resolver, total_timeout=0.5).fetch("http://slow.test/")
    release.set()
    assert result.error == "timeout" and result.elapsed < 1.5


# ---------- TLS on a pinned address ----------


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """An HTTPS server on 127.0.0.1 whose certificate names secure.test; records the SNI it is sent."""
    ca_path, context = make_tls(tmp_path_factory.mktemp("tls"), ["secure.test"])
    seen: list[str | None] = []
    context.sni_callback = lambda sock, name, ctx: seen.append(name)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.expect_request("/robots.txt").respond_with_data("", content_type="text/plain")
    server.expect_request("/").respond_with_data(PAGE, content_type="text/html")
    server.start()
    yield server, ca_path, seen
    server.stop()


def test_tls_verifies_the_real_name_while_connecting_to_the_checked_address(tls_server, make_fetcher):
    server, ca_path, seen = tls_server
    resolver = MapResolver({"secure.test": ["127.0.0.1"]})
    result = make_fetcher(resolver, ca_certs=ca_path).fetch(f"https://secure.test:{server.port}/")
    assert result.error is None and result.body == PAGE
    assert "secure.test" in seen
    assert server.log[-1][0].headers["Host"] == f"secure.test:{server.port}"


@pytest.mark.parametrize(("name", "trust"), [("impostor.test", True), ("secure.test", False)])
def test_tls_refuses_a_wrong_name_or_an_unknown_authority(name, trust, tls_server, make_fetcher):
    server, ca_path, _ = tls_server
    fetcher = make_fetcher(MapResolver({name: ["127.0.0.1"]}), ca_certs=ca_path if trust else None)
    result = fetcher.fetch(f"https://{name}:{server.port}/", check_robots=False)
    assert result.error == "connect" and result.body == b""
