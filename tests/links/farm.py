"""A farm of fake sites on loopback: linking pages in every state a real site can be in, and our own target page."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

# Hostnames the farm answers to, through an injected resolver (the network guard forbids real lookups).
BLOG = "blog.farm-pages.com"
SHOP = "www.our-shop.com"
DOWN = "down.farm-pages.com"  # resolves to a loopback address where nothing listens
GONE = "gone.farm-pages.com"  # does not resolve
METADATA = "meta.farm-pages.com"  # resolves to the cloud metadata address, which is never fetched
RESET = "reset.farm-pages.com"  # serves robots.txt, then hangs up on every page request
ADDRESSES = {BLOG: "127.0.0.1", SHOP: "127.0.0.2", DOWN: "127.0.0.3", METADATA: "169.254.169.254",
             RESET: "127.0.0.4"}

# Everyone, Google included, stays out of /private/; only Google may read /members/.
ROBOTS = ("User-agent: *\nDisallow: /private/\nDisallow: /ip/private/\nDisallow: /members/\nDisallow: /ip/members/\n\n"
          "User-agent: Googlebot\nDisallow: /private/\nDisallow: /ip/private/\n")
FILLER = ("Marathon training takes months of steady running, careful pacing and the right running shoes. "
          "Long runs build endurance while easy days let the legs recover between hard sessions. ") * 4
TARGET_TEXT = ("Running shoes for marathon training: cushioned trainers, lightweight racing shoes and "
               "stability shoes, tested over hundreds of miles by runners preparing for race day. ") * 5


def resolver(host: str, port: int) -> list[str]:
    """The farm's DNS: known names to their addresses; anything else does not exist."""
    if host in ADDRESSES:
        return [ADDRESSES[host]]
    raise OSError(f"{host}: name does not resolve")


def page(inner: str = "", *, head: str = "", title: str = "Ten ways to train for a marathon") -> str:
    """A realistic blog post with navigation, an article holding `inner`, a sidebar and a footer."""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>{head}</head>
<body><header class="site-header"><nav><a href="/">Home</a> <a href="/about">About</a></nav></header>
<main><article><h1>{title}</h1><div class="entry-content"><p>{FILLER}</p>
{inner}
<p>Rest days matter as much as long runs for most people.</p></div></article></main>
<aside class="sidebar"><div class="widget"><a href="https://ads.example.net/">Sponsor</a></div></aside>
<footer class="site-footer"><a href="/privacy">Privacy</a></footer></body></html>"""


def link(target: str, text: str = "best running shoes", attrs: str = "") -> str:
    """A paragraph holding one link."""
    return f'<p>Good shoes help: see <a href="{target}"{attrs}>{text}</a> before you start.</p>'


class Toggle:
    """A page whose content a test can change between checks (a link removed, then put back)."""

    def __init__(self, html: str) -> None:
        self.html = html
        self.status = 200
        self.headers: dict[str, str] = {}
        self.hits = 0
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        with self._lock:
            self.hits += 1
        return Response(self.html, status=self.status, headers=self.headers, content_type="text/html; charset=utf-8")


class HangUpServer:
    """A server on 127.0.0.4 that answers robots.txt (404: no rules) and closes the connection on anything else."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.4", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    head += chunk
                if head.startswith(b"GET /robots.txt "):
                    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    def close(self) -> None:
        """Stop listening."""
        self._sock.close()


@contextmanager
def guest_post(link_attrs: str = "") -> Iterator[tuple[str, str]]:
    """A guest post on loopback that links to our page, and our page itself: (source URL, target URL)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        target = server.url_for("/running-shoes/")
        server.expect_request("/robots.txt").respond_with_data("", content_type="text/plain")
        server.expect_request("/running-shoes/").respond_with_data(page(f"<p>{TARGET_TEXT}</p>"),
                                                                   content_type="text/html")
        server.expect_request("/guest-post").respond_with_data(page(link(target, attrs=link_attrs)),
                                                               content_type="text/html")
        yield server.url_for("/guest-post"), target
    finally:
        server.stop()


def _slow(request: Request) -> Response:
    time.sleep(2.5)
    return Response(page(), content_type="text/html")


def install_blog(server, target: str, blog: str, prefix: str = "") -> None:
    """Serve every kind of linking page under `prefix`, each linking (or not) to `target`."""
    other = target.replace("/running-shoes/", "/gift-cards/")
    html = {
        "/live": page(link(target)),
        "/nofollow": page(link(target, attrs=' rel="nofollow"')),
        "/sponsored": page(link(target, attrs=' rel="sponsored noopener"')),
        "/ugc": page(link(target, attrs=' rel="ugc"')),
        "/missing": page("<p>No links to shops in this one.</p>"),
        "/wrong": page(link(other, "gift cards")),
        "/noindex": page(link(target), head='<meta name="robots" content="noindex">'),
        "/canonical": page(link(target), head=f'<link rel="canonical" href="http://{blog}/original-post">'),
        "/canon2": page(link(target), head='<link rel="canonical" href="/a"><link rel="canonical" href="/b">'),
        "/pagenofollow": page(link(target), head='<meta name="robots" content="nofollow">'),
        "/refresh": page(link(target), head=f'<meta http-equiv="refresh" content="0; url=http://{blog}/elsewhere">'),
        "/soft404": "<html><head><title>Blog</title></head><body><h1>Page not found</h1></body></html>",
        "/noscript": page(f'<noscript><a href="{target}">best running shoes</a></noscript>'),
        "/hidden": page(f'<p style="display:none"><a href="{target}">hidden shoes</a></p>'),
        "/area": page(f'<img src="/map.png" usemap="#m" alt="map"><map name="m">'
                      f'<area shape="rect" coords="0,0,10,10" href="{target}" alt="Shoes"></map>'),
        "/empty": page(f'<p>Look: <a href="{target}"></a></p>'),
        "/anchor": page(link(target, "click here")),
        "/rel": page(link(target, attrs=' rel="sponsored"')),
        "/": page("<p>Welcome to the blog.</p>", title="Farm blog"),
        "/moved-here": page(link(target)),
        "/private/page": page(link(target)),
        "/members/page": page(link(target)),
    }
    for path, body in html.items():
        if path != "/" or not prefix:
            server.expect_request(prefix + path).respond_with_data(body, content_type="text/html; charset=utf-8")
    if not prefix:
        server.expect_request("/robots.txt").respond_with_data(ROBOTS, content_type="text/plain")
    _install_answers(server, target, prefix)


def _install_answers(server, target: str, prefix: str) -> None:
    server.expect_request(prefix + "/xnoindex").respond_with_data(page(link(target)), content_type="text/html",
                                                         headers={"X-Robots-Tag": "noindex"})
    server.expect_request(prefix + "/xnofollow").respond_with_data(page(link(target)), content_type="text/html",
                                                          headers={"X-Robots-Tag": "nofollow"})
    server.expect_request(prefix + "/old-post").respond_with_data("", status=301, headers={"Location": "/"})
    server.expect_request(prefix + "/moved").respond_with_data("", status=301,
                                                               headers={"Location": prefix + "/moved-here"})
    server.expect_request(prefix + "/loop").respond_with_data("", status=302, headers={"Location": prefix + "/loop"})
    server.expect_request(prefix + "/ftp").respond_with_data("", status=302, headers={"Location": "ftp://files.example/x"})
    for path, status in (("/gone404", 404), ("/gone410", 410), ("/teapot", 418), ("/multi", 300),
                         ("/forbidden", 403), ("/req-timeout", 408), ("/ratelimit", 429), ("/error", 500)):
        server.expect_request(prefix + path).respond_with_data("<h1>error</h1>", status=status,
                                                               content_type="text/html")
    server.expect_request(prefix + "/slow").respond_with_handler(_slow)
    server.expect_request(prefix + "/huge").respond_with_data(page("<p>" + "x" * 400_000 + "</p>"),
                                                              content_type="text/html")
    server.expect_request(prefix + "/pdf").respond_with_data(b"%PDF-1.4 fake", content_type="application/pdf")
    server.expect_request(prefix + "/notmod").respond_with_data("", status=304)


def install_shop(server) -> None:
    """Our own site: the target page (its text feeds relevance) and a permissive robots.txt."""
    server.expect_request("/robots.txt").respond_with_data("", content_type="text/plain")
    body = page(f"<p>{TARGET_TEXT}</p>", title="Running shoes for marathon training")
    server.expect_request("/running-shoes/").respond_with_data(body, content_type="text/html; charset=utf-8")
