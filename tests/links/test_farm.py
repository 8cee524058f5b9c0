"""Every status and every reason, end to end: real pages on the loopback farm, through the verification service."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.links import verification
from crm.links.models import Backlink, LinkCheck
from crm.links.verifier import STATUSES
from crm.links.wording import REASON_WORDS, STATUS_WORDS
from tests.accounts.factories import WorkspaceFactory
from tests.links import farm as pages
from tests.links.factories import BacklinkFactory

# path (or host:path) -> (status, reasons that must all be present, expected anchor, expected rel)
CASES = {
    "/live": ("live", [], None, None),
    "/nofollow": ("live_nofollow", ["nofollow"], None, None),
    "/sponsored": ("live_nofollow", ["sponsored"], None, None),
    "/ugc": ("live_nofollow", ["ugc"], None, None),
    "/missing": ("missing", ["no_link"], None, None),
    "/wrong": ("wrong_target", ["wrong_target"], None, None),
    "/noindex": ("not_indexable", ["page_noindex"], None, None),
    "/xnoindex": ("not_indexable", ["x_robots_noindex"], None, None),
    "/canonical": ("not_indexable", ["canonical_elsewhere"], None, None),
    "/canon2": ("live", ["canonical_conflict"], None, None),
    "/pagenofollow": ("live_nofollow", ["page_nofollow"], None, None),
    "/xnofollow": ("live_nofollow", ["x_robots_nofollow"], None, None),
    "/refresh": ("live", ["meta_refresh"], None, None),
    "/soft404": ("page_error", ["soft_404"], None, None),
    "/old-post": ("page_error", ["redirected", "soft_404"], None, None),
    "/moved": ("live", ["redirected"], None, None),
    "/noscript": ("missing", ["noscript_only"], None, None),
    "/hidden": ("live", ["hidden_link"], None, None),
    "/area": ("live", ["area_link"], None, None),
    "/empty": ("live", ["empty_anchor"], None, None),
    "/anchor": ("live", ["anchor_mismatch"], "best running shoes", None),
    "/rel": ("live_nofollow", ["sponsored", "rel_mismatch"], None, "follow"),
    "/private/page": ("not_indexable", ["robots_disallowed"], None, None),
    "/members/page": ("blocked", ["robots_blocked_us"], None, None),
    "/gone404": ("page_error", ["http_404"], None, None),
    "/gone410": ("page_error", ["http_410"], None, None),
    "/teapot": ("page_error", ["http_4xx"], None, None),
    "/multi": ("page_error", ["http_3xx"], None, None),
    "/loop": ("page_error", ["redirected", "too_many_redirects"], None, None),
    "/ftp": ("page_error", ["invalid_url"], None, None),
    "/forbidden": ("unverified", ["http_403"], None, None),
    "/req-timeout": ("unverified", ["http_408"], None, None),
    "/ratelimit": ("unverified", ["http_429"], None, None),
    "/error": ("unverified", ["http_5xx"], None, None),
    "/slow": ("unverified", ["timeout"], None, None),
    "/huge": ("unverified", ["too_large"], None, None),
    "/pdf": ("unverified", ["not_html"], None, None),
    "/notmod": ("unverified", ["not_modified"], None, None),
    f"{pages.RESET}/post": ("unverified", ["connect_error"], None, None),
    # Nothing listens there, so not even robots.txt can be read: a site having a bad moment, never "blocked".
    f"{pages.DOWN}/down": ("unverified", ["robots_unreachable"], None, None),
    f"{pages.GONE}/gone": ("unverified", ["dns_error"], None, None),
    f"{pages.METADATA}/latest/meta-data/": ("page_error", ["blocked_address"], None, None),
}
# Reasons a real server cannot produce through the fetcher: it never returns a response without a status,
# and HTTP has no final status below 200 or from 600 up. The verifier's own tests cover them.
UNREACHABLE = {"no_response", "http_other"}


@pytest.fixture
def farm_checked(farm, farm_app):
    """Every farm page as a backlink of one workspace, verified once through the service."""
    # Only the loopback farm is reachable; the metadata address stays refused, as it would in production.
    farm_app.config.update(FETCH_ALLOW_PRIVATE_NETWORKS=False, FETCH_ALLOWED_NETWORKS="127.0.0.0/8")
    with farm_app.app_context():
        workspace = WorkspaceFactory()
        ids = {}
        for key, (_status, _reasons, anchor, rel) in CASES.items():
            host, _, path = key.partition("/") if not key.startswith("/") else (pages.BLOG, "", key[1:])
            url = farm.url("/" + path, host)
            ids[key] = BacklinkFactory(workspace_id=workspace.id, source_url=url, target_url=farm.target,
                                       expected_anchor=anchor or "", expected_rel=rel or "").id
        # A target that is no web address at all (kept from an old import, say) is reported, not crashed on.
        ids["invalid_target"] = BacklinkFactory(workspace_id=workspace.id, source_url=farm.url("/live"),
                                                target_url="mailto:links@our-shop.com").id
        counts = verification.verify_backlinks(list(ids.values()), resolver=pages.resolver)
        yield ids, counts


def test_every_status_and_reason_through_the_service(farm_app, farm_checked):
    ids, counts = farm_checked
    problems = []
    with farm_app.app_context():
        for key, (status, reasons, _anchor, _rel) in CASES.items():
            check = db.session.scalar(select(LinkCheck).where(LinkCheck.backlink_id == ids[key]))
            if check is None or check.status != status or not set(reasons) <= set(check.reasons):
                problems.append(f"{key}: wanted {status} {reasons}, got "
                                f"{check and check.status} {check and check.reasons}")
        invalid = db.session.scalar(select(LinkCheck).where(LinkCheck.backlink_id == ids["invalid_target"]))
        assert (invalid.status, invalid.reasons) == ("unverified", ["invalid_target"])
    assert not problems, "\n".join(problems)
    assert counts["checked"] == len(CASES) + 1 and counts["errors"] == 0
    # The farm covers every status, and every reason the verifier can give has words for a marketer.
    with farm_app.app_context():
        checks = db.session.scalars(select(LinkCheck)).all()
        seen_statuses = {c.status for c in checks}
        seen_reasons = {code for c in checks for code in c.reasons}
    assert seen_statuses == set(STATUSES)
    assert seen_reasons | UNREACHABLE == set(REASON_WORDS), "a verifier reason without words, or never produced"
    assert set(STATUSES) <= set(STATUS_WORDS)


def test_first_results_set_the_status_at_once_and_unreadable_pages_stay_unknown(farm_app, farm_checked):
    ids, _counts = farm_checked
    with farm_app.app_context():
        live = db.session.get(Backlink, ids["/live"])
        assert live.status == "live" and live.pending_status is None and live.first_live_at is not None
        assert live.score is not None and 0 < live.score <= 100 and live.score_explanation.startswith(f"{live.score}:")
        missing = db.session.get(Backlink, ids["/missing"])
        assert missing.status == "missing" and missing.score is None
        assert missing.score_explanation == "no score: missing"
        # Unreadable is not missing: an unknown link stays "could not check" and is retried within hours.
        slow = db.session.get(Backlink, ids["/slow"])
        assert slow.status == "unverified" and slow.score is None
        assert (slow.next_check_at - slow.last_checked_at).total_seconds() <= 3600 + 1
        moved = db.session.get(Backlink, ids["/moved"])
        assert moved.final_url.endswith("/moved-here")
        check = moved.checks[0]
        assert [hop["status"] for hop in check.evidence["redirect_chain"]] == [301, 200]
