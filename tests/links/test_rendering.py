"""Rendering in the system Chromium: links built by scripts are found, and the page's requests obey the address rule."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.links import verification
from crm.links.checking import Expectation, check_page
from crm.links.models import Backlink, LinkCheck
from crm.links.rendering import CHROMIUM, Renderer
from crm.net import Fetcher, FetchPolicy
from tests.accounts.factories import WorkspaceFactory
from tests.links.factories import BacklinkFactory
from tests.links.farm import page
from tests.support import services

LOOPBACK = FetchPolicy(allow_private_networks=True, per_host_delay=0.0, total_timeout=5.0)


@pytest.fixture(autouse=True)
def _chromium():
    if not os.path.exists(CHROMIUM):
        message = f"no Chromium at {CHROMIUM} (make test installs the Debian package)"
        if services.required():
            pytest.fail(message)
        pytest.skip(message)


def _js_page(farm, body: str) -> str:
    """Serve a page on the blog (127.0.0.1) and return its address."""
    path = f"/ip/js-{uuid.uuid4().hex}"
    farm.blog.expect_request(path).respond_with_data(page(body), content_type="text/html; charset=utf-8")
    return f"http://127.0.0.1:{farm.blog.port}{path}"


def _script(farm, target: str) -> tuple[str, str]:
    """A script on the other farm address (127.0.0.2) that writes the link into the article."""
    path = f"/js/add-link-{uuid.uuid4().hex}.js"
    code = ("document.querySelector('.entry-content').insertAdjacentHTML('beforeend', "
            f"'<p>Our pick: <a href=\"{target}\">trail shoes</a></p>');")
    farm.shop.expect_request(path).respond_with_data(code, content_type="application/javascript")
    return f"http://127.0.0.2:{farm.shop.port}{path}", path


def _render(url: str, target: str, policy: FetchPolicy):
    with Fetcher(LOOPBACK) as fetcher, Renderer(policy) as renderer:
        return check_page(url, fetcher.fetch(url), [Expectation(target)], renderer)


def test_a_link_written_by_javascript_is_found_by_rendering(farm):
    inline = ("<script>document.querySelector('.entry-content').insertAdjacentHTML('beforeend', "
              f"'<p>See <a href=\"{farm.target_ip}\">running   shoes</a></p>');</script>")
    url = _js_page(farm, inline)
    with Fetcher(LOOPBACK) as fetcher:
        static = check_page(url, fetcher.fetch(url), [Expectation(farm.target_ip)])
    assert static.verdicts[0].status == "missing" and not static.rendered
    result = _render(url, farm.target_ip, LOOPBACK)
    assert result.rendered and result.render.error == ""
    verdict = result.verdicts[0]
    assert (verdict.status, verdict.anchor_text, verdict.placement) == ("live", "running shoes", "content")


def test_requests_of_the_rendered_page_to_inward_addresses_are_refused(farm):
    script_url, script_path = _script(farm, farm.target_ip)
    url = _js_page(farm, f'<script src="{script_url}"></script>')
    before = sum(1 for request, _ in farm.shop.log if request.path == script_path)

    # The same page, the same script: allowed when private networks are allowed ...
    allowed = _render(url, farm.target_ip, LOOPBACK)
    assert allowed.verdicts[0].status == "live" and allowed.render.blocked == []
    hits = sum(1 for request, _ in farm.shop.log if request.path == script_path)
    assert hits == before + 1

    # ... and refused (never connected to) when they are not: the browser cannot reach inside.
    refused = _render(url, farm.target_ip, LOOPBACK.replace(allow_private_networks=False))
    assert refused.rendered and refused.verdicts[0].status == "missing"
    assert refused.render.blocked == [script_url]
    assert sum(1 for request, _ in farm.shop.log if request.path == script_path) == hits


def test_the_service_renders_when_enabled_and_records_it(farm, farm_app):
    farm_app.config.update(LINKS_RENDER_JS=True)
    script_url, _ = _script(farm, farm.target_ip)
    js_url = _js_page(farm, f'<script src="{script_url}"></script>')
    with farm_app.app_context():
        workspace = WorkspaceFactory()
        js = BacklinkFactory(workspace_id=workspace.id, source_url=js_url, target_url=farm.target_ip).id
        plain = BacklinkFactory(workspace_id=workspace.id, source_url=farm.ip_url("/live"),
                                target_url=farm.target_ip).id
        verification.verify_backlinks([js, plain])
        checks = {c.backlink_id: c for c in db.session.scalars(select(LinkCheck))}
        assert (checks[js].status, checks[js].rendered) == ("live", True)
        assert checks[js].evidence["render"]["blocked"] == []
        assert (checks[plain].status, checks[plain].rendered) == ("live", False)  # no need to render
        assert db.session.get(Backlink, js).score is not None
