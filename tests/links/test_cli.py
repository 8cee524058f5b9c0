"""`flask links verify` (one JSON line per pair, nothing stored) and `flask links recheck-due`."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm.db import utcnow
from crm.extensions import db
from crm.links.models import Backlink, IdfState, LinkCheck, PageText
from tests.accounts.factories import WorkspaceFactory
from tests.links.factories import BacklinkFactory
from tests.links.farm import link, page

FIELDS = {"source_url", "target_url", "status", "found", "rel", "anchor_text", "http_status", "final_url",
          "indexable", "reasons", "placement", "outbound_links"}


def _lines(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.strip().splitlines()]


def _stored(app) -> int:
    with app.app_context():
        return sum(db.session.scalar(select(func.count()).select_from(model))
                   for model in (Backlink, LinkCheck, PageText, IdfState))


def test_verify_one_pair_prints_the_fixed_fields_and_stores_nothing(farm, farm_app):
    runner = farm_app.test_cli_runner()
    [line] = _lines(runner.invoke(args=["links", "verify", farm.ip_url("/sponsored"), farm.target_ip]))
    assert set(line) >= FIELDS
    assert line["source_url"] == farm.ip_url("/sponsored") and line["target_url"] == farm.target_ip
    assert (line["status"], line["found"], line["rel"]) == ("live_nofollow", True, ["noopener", "sponsored"])
    assert (line["anchor_text"], line["http_status"], line["indexable"]) == ("best running shoes", 200, True)
    assert (line["reasons"], line["placement"], line["outbound_links"]) == (["sponsored"], "content", 2)
    assert line["final_url"] == farm.ip_url("/sponsored")
    assert _stored(farm_app) == 0


def test_verify_input_csv_fetches_a_shared_source_once_and_keeps_the_input_order(farm, farm_app, tmp_path):
    shared = f"/ip/cli-shared-{uuid.uuid4().hex}"
    second = farm.target_ip.replace("/running-shoes/", "/trail-shoes/")
    body = page(link(farm.target_ip, "  best\n running   shoes ")
                + f'<p><a href="{second}"><img src="/t.png" alt="Trail  shoes"></a></p>')
    farm.blog.expect_request(shared).respond_with_data(body, content_type="text/html")
    shared_url = f"http://127.0.0.1:{farm.blog.port}{shared}"
    csv_file = tmp_path / "pairs.csv"
    csv_file.write_text(f"source_url,target_url\r\n{shared_url},{farm.target_ip}\r\n"
                        f"{farm.ip_url('/missing')},{farm.target_ip}\r\n{shared_url},{second}\r\n")
    lines = _lines(farm_app.test_cli_runner().invoke(args=["links", "verify", "--input", str(csv_file)]))
    assert [(x["source_url"], x["target_url"], x["status"]) for x in lines] == [
        (shared_url, farm.target_ip, "live"), (farm.ip_url("/missing"), farm.target_ip, "missing"),
        (shared_url, second, "live")]
    assert lines[0]["anchor_text"] == "best running shoes"  # whitespace collapsed
    assert lines[2]["anchor_text"] == "Trail shoes"  # an image link speaks through its alt text
    assert lines[1]["reasons"] == ["no_link"] and lines[1]["found"] is False
    assert farm.hits(shared) == 1
    assert _stored(farm_app) == 0


def test_verify_respects_the_private_network_setting(farm, app):
    app.config.update(FETCH_ALLOW_PRIVATE_NETWORKS=False)
    [line] = _lines(app.test_cli_runner().invoke(args=["links", "verify", farm.ip_url("/live"), farm.target_ip]))
    assert (line["status"], line["reasons"]) == ("page_error", ["blocked_address"])


@pytest.mark.parametrize(("args", "message"), [
    (["links", "verify"], "give SOURCE_URL TARGET_URL, or --input FILE.csv"),
    (["links", "verify", "https://a.example/"], "give SOURCE_URL TARGET_URL, or --input FILE.csv"),
])
def test_verify_explains_wrong_usage(app, args, message):
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0 and message in result.output


def test_verify_refuses_a_csv_without_the_columns_clearly(app, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("url;anchor\nfoo;bar\n")
    result = app.test_cli_runner().invoke(args=["links", "verify", "--input", str(bad)])
    assert result.exit_code == 1
    assert "Error: the first line must name the columns source_url,target_url" in result.output
    assert "Traceback" not in result.output


def test_recheck_due_verifies_only_due_links_and_prints_counts(farm, farm_app):
    with farm_app.app_context():
        workspace = WorkspaceFactory()
        past, future = utcnow() - timedelta(minutes=5), utcnow() + timedelta(days=3)
        due = [BacklinkFactory(workspace_id=workspace.id, source_url=farm.ip_url(path), target_url=farm.target_ip,
                               next_check_at=past).id for path in ("/live", "/error")]
        later = BacklinkFactory(workspace_id=WorkspaceFactory().id, source_url=farm.ip_url("/live"),
                                target_url=farm.target_ip, next_check_at=future).id
    counts = _lines(farm_app.test_cli_runner().invoke(args=["links", "recheck-due"]))[0]
    assert counts == {"due": 2, "checked": 2, "live": 1, "changed": 0, "pending_confirmation": 0, "unverified": 1,
                      "errors": 0}
    with farm_app.app_context():
        assert db.session.get(Backlink, due[0]).status == "live"
        assert db.session.get(Backlink, due[1]).status == "unverified"
        assert db.session.get(Backlink, later).check_count == 0
    again = _lines(farm_app.test_cli_runner().invoke(args=["links", "recheck-due"]))[0]
    assert again["due"] == 0 and again["checked"] == 0


def test_recheck_due_reports_a_bad_setting_without_a_traceback(app):
    app.config["QUALITY_WEIGHTS"] = {"authority": "lots"}
    result = app.test_cli_runner().invoke(args=["links", "recheck-due"])
    assert result.exit_code == 1 and "score weight 'authority' must be a number" in result.output
    app.config.update(QUALITY_WEIGHTS=None, FETCH_TOTAL_TIMEOUT="soon")
    result = app.test_cli_runner().invoke(args=["links", "recheck-due"])
    assert result.exit_code == 1 and "Error: fetch settings: FETCH_TOTAL_TIMEOUT" in result.output


def test_verify_names_the_line_of_an_incomplete_row(app, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("source_url,target_url\nhttps://a.example/,https://b.example/\n\nhttps://c.example/,\n")
    result = app.test_cli_runner().invoke(args=["links", "verify", "--input", str(bad)])
    assert result.exit_code == 1 and "Error: line 4 needs both a source_url and a target_url" in result.output
