"""Browser tests: the app served by a real server in a thread, driven in the system Chromium by Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from crm import create_app
from crm.links.rendering import CHROMIUM_ARGS  # the same flags the link checker starts Chromium with
from tests.conftest import app_settings
from tests.support import services

CHROMIUM = os.environ.get("CRM_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"


def pytest_collection_modifyitems(items):
    """Everything here is a browser test."""
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's outcome on the test item, so the page fixture can screenshot failures."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (the Debian package, never a downloaded build)."""
    if not os.path.exists(CHROMIUM):
        message = f"no Chromium at {CHROMIUM} (make test installs the Debian package)"
        if services.required():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(tmp_path, migrated_sqlite):
    """The app on its own database, served over HTTP on a free loopback port."""
    path = tmp_path / "crm.db"
    shutil.copyfile(migrated_sqlite, path)
    app = create_app(app_settings(tmp_path / "instance", f"sqlite:///{path}", PUBLIC_BASE_URL=""))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    app.live_url = app.config["PUBLIC_BASE_URL"]
    yield app
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page(request, browser, live_app):
    """A fresh browser page (own cookies); a screenshot is kept in tests/browser/screenshots on failure."""
    context = browser.new_context(base_url=live_app.live_url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()
