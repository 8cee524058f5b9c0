"""Fixtures for the backlink tests: the loopback site farm, fetch settings for it, and signal recorders."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from pytest_httpserver import HTTPServer

from crm import events
from tests.links import farm as farm_pages

# The farm lives on loopback, so tests lift the address rule; politeness gaps would only slow them down.
FARM_FETCH = {
    "FETCH_ALLOW_PRIVATE_NETWORKS": True,
    "FETCH_PER_HOST_DELAY": 0.0,
    "FETCH_PER_HOST_CONCURRENCY": 8,
    "FETCH_CONNECT_TIMEOUT": 1.0,
    "FETCH_READ_TIMEOUT": 1.5,
    "FETCH_TOTAL_TIMEOUT": 1.5,
    "FETCH_MAX_BYTES": 300_000,
}


@dataclass
class Farm:
    """The running farm: its two servers and the addresses of its pages."""

    blog: HTTPServer
    shop: HTTPServer
    hangup: farm_pages.HangUpServer

    @property
    def target(self) -> str:
        """Our target page by host name (reached through farm.resolver)."""
        return f"http://{farm_pages.SHOP}:{self.shop.port}/running-shoes/"

    @property
    def target_ip(self) -> str:
        """Our target page by address (reached without a resolver)."""
        return f"http://127.0.0.2:{self.shop.port}/running-shoes/"

    def url(self, path: str, host: str = farm_pages.BLOG) -> str:
        """A linking page by host name."""
        port = self.hangup.port if host == farm_pages.RESET else self.blog.port
        return f"http://{host}:{port}{path}"

    def ip_url(self, path: str) -> str:
        """A linking page by address; its links point at target_ip."""
        return f"http://127.0.0.1:{self.blog.port}/ip{path}"

    def hits(self, path: str) -> int:
        """How many requests the blog server has answered for a path."""
        return sum(1 for request, _response in self.blog.log if request.path == path)


@pytest.fixture(scope="session")
def farm():
    """The blog (127.0.0.1) with every kind of linking page, and our shop (127.0.0.2) with the target page."""
    blog = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    shop = HTTPServer(host="127.0.0.2", port=0, threaded=True)
    blog.start()
    shop.start()
    for server in (blog, shop):
        server.server.block_on_close = False  # idle keep-alive connections need not hold up the end of the session
    hangup = farm_pages.HangUpServer()
    running = Farm(blog, shop, hangup)
    farm_pages.install_shop(shop)
    farm_pages.install_blog(blog, running.target, f"{farm_pages.BLOG}:{blog.port}")
    farm_pages.install_blog(blog, running.target_ip, f"127.0.0.1:{blog.port}", prefix="/ip")
    yield running
    blog.stop()
    shop.stop()
    hangup.close()


@pytest.fixture
def farm_app(app):
    """The app with fetch settings for the loopback farm."""
    app.config.update(FARM_FETCH)
    return app


@pytest.fixture
def signals():
    """Records every link signal sent during the test: (name, sender, kwargs)."""
    seen: list[tuple[str, int, dict]] = []
    receivers = []
    for name in ("link_live", "link_changed", "link_lost"):
        def receiver(sender, _name=name, **kwargs):
            seen.append((_name, sender, kwargs))

        getattr(events, name).connect(receiver)
        receivers.append((name, receiver))
    yield seen
    for name, receiver in receivers:
        getattr(events, name).disconnect(receiver)
