"""Importing through the pages: upload, mapping step, preview, the job with progress, its report."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.prospects import progress
from crm.prospects.models import ProspectJob
from tests.conftest import csrf_token, login
from tests.prospects.samples import sample_bytes
from tests.prospects.support import counts
from tests.web.test_security import INLINE_HANDLER, INLINE_SCRIPT, STYLE_ATTRIBUTE


def _upload(client, data: bytes, name: str = "export.csv"):
    token = csrf_token(client, "/sites/import")
    return client.post("/sites/import", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _no_inline_code(html: str) -> None:
    assert not INLINE_SCRIPT.search(html) and not INLINE_HANDLER.search(html) and not STYLE_ATTRIBUTE.search(html)
    assert not re.search(r"\splaceholder\s*=", html)


def _uploads(app) -> list[Path]:
    return sorted((Path(app.instance_path) / "uploads" / "prospects").glob("*"))


def test_upload_preview_import_and_report(app, as_role, team):
    client = as_role("member")
    response = _upload(client, sample_bytes("ahrefs-backlinks-v3.csv"), "ourshop-backlinks.csv")
    assert response.status_code == 302 and re.search(r"/sites/import/[\w-]{32}$", response.location)
    with app.app_context():
        assert counts(team.workspace_id)["sites"] == 0  # nothing before the import is confirmed
    html = client.get(response.location).get_data(as_text=True)
    assert "Ahrefs backlinks" in html and 'id="count-new">4<' in html and "5 link(s) to your pages" in html
    assert "velocollege.edu" in html and "DR 74" in html
    _no_inline_code(html)
    token = csrf_token(client, response.location)
    started = client.post(response.location + "/run", data={"csrf_token": token, "create_backlinks": "y",
                                                            "tags": "Ahrefs June"})
    assert started.status_code == 302 and re.search(r"/sites/imports/\d+$", started.location)
    report = client.get(started.location).get_data(as_text=True)  # the job ran at once (tests run tasks immediately)
    assert "Imported Ahrefs backlinks: 4 new site(s), 0 updated, 0 skipped." in report
    _no_inline_code(report)
    with app.app_context():
        got = counts(team.workspace_id)
        assert (got["sites"], got["backlinks"], got["tags"]) == (4, 5, 1)
        job = db.session.scalar(select(ProspectJob))
        assert job.status == "done" and job.result["new"] == 4 and job.created_by_id == team.user_ids["member"]
    assert not [p for p in _uploads(app) if p.suffix == ".bin"]  # the file is gone once imported
    assert client.get(response.location).status_code == 404


def test_the_progress_box_reloads_the_page_when_done(app, as_role, team):
    client = as_role("member")
    preview = _upload(client, sample_bytes("pitchbox-partner-import.csv")).location
    job_url = client.post(preview + "/run", data={"csrf_token": csrf_token(client, preview)}).location
    box = client.get(job_url + "/progress")
    assert box.headers.get("HX-Refresh") == "true" and "Finished." in box.get_data(as_text=True)
    with app.app_context():
        job = db.session.scalar(select(ProspectJob))
        job.status = "running"
        db.session.commit()
        progress.report(job.id, "Writing", 50, 200)
    box = client.get(job_url + "/progress")
    html = box.get_data(as_text=True)
    assert "HX-Refresh" not in box.headers and 'hx-get="' in html and "Writing: 50 of 200" in html
    assert "pct-25" in html


def test_unknown_columns_go_through_the_mapping_step(app, as_role, team):
    client = as_role("member")
    data = b"Publication,Writer address,Authority\r\nhttps://mag.example.org/,ed@mag.example.org,33\r\n"
    response = _upload(client, data)
    assert response.location.endswith("/map")
    page = client.get(response.location).get_data(as_text=True)
    _no_inline_code(page)
    assert "Which column holds what?" in page and "<td class=\"small text-muted\">ed@mag.example.org</td>" in page
    token = csrf_token(client, response.location)
    again = client.post(response.location, data={"csrf_token": token, "col0": "", "col1": "", "col2": "site.da"})
    assert again.status_code == 400 and "Choose which column holds the site" in again.get_data(as_text=True)
    mapped = client.post(response.location, data={"csrf_token": token, "col0": "site_url", "col1": "email",
                                                  "col2": "site.da"})
    assert mapped.status_code == 302
    preview = client.get(mapped.location).get_data(as_text=True)
    assert "Custom column mapping" in preview and 'id="count-new">1<' in preview
    client.post(mapped.location + "/run", data={"csrf_token": csrf_token(client, mapped.location)})
    with app.app_context():
        assert counts(team.workspace_id)["contacts"] == 1


def test_the_mapping_of_a_recognised_export_starts_from_what_was_recognised(as_role):
    client = as_role("member")
    preview = _upload(client, sample_bytes("ahrefs-backlinks-v3.csv")).location
    page = client.get(preview + "/map").get_data(as_text=True)
    assert re.search(r'id="col1" name="col1">\s*<option value="">Ignore</option>.*?'
                     r'<option value="source_url" selected>', page, re.S)
    assert re.search(r'<option value="site.dr" selected>', page)


@pytest.mark.parametrize(("data", "message"), [
    (b"%PDF-1.4 junk", "This file is a PDF document"),
    (b"", "The file is empty."),
    (b"Website\r\n", "no data rows"),
])  # fmt: skip
def test_bad_files_are_refused_on_the_upload_page(app, as_role, team, data, message):
    client = as_role("member")
    response = _upload(client, data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert not _uploads(app)  # nothing kept
    with app.app_context():
        assert counts(team.workspace_id)["sites"] == 0


def test_an_upload_over_the_request_limit_gets_a_clear_message(app, as_role):
    client = as_role("member")
    app.config["MAX_CONTENT_LENGTH"] = 2000
    response = _upload(client, b"Website\r\n" + b"a.com\r\n" * 1000)
    assert response.status_code == 302
    assert "The file is larger than 1 KB, the most one upload may be." in client.get(response.location).get_data(
        as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 50 * 1024 * 1024
    html = client.get("/sites/import").get_data(as_text=True)
    assert "Upload and preview" in html


def test_another_workspaces_upload_is_not_found(app, as_role, team):
    member = as_role("member")
    preview = _upload(member, sample_bytes("semrush-refdomains.csv")).location
    rival = app.test_client()
    login(rival, team.rival_owner_email)
    assert rival.get(preview).status_code == 404
    assert rival.post(preview + "/run", data={"csrf_token": csrf_token(rival, "/sites")}).status_code == 404
    assert rival.get("/sites/import/../../etc/passwd").status_code == 404
    with app.app_context():
        assert counts()["sites"] == 0


def test_viewers_cannot_import(as_role):
    client = as_role("viewer")
    assert client.get("/sites/import").status_code == 403
    token = csrf_token(client, "/sites")
    response = client.post("/sites/import", data={"csrf_token": token, "file": (io.BytesIO(b"Website\r\na.com\r\n"),
                                                                                "x.csv")})
    assert response.status_code == 403


def test_a_failed_import_says_why_and_writes_nothing(app, as_role, team):
    client = as_role("member")
    preview = _upload(client, sample_bytes("gsc-top-linking-sites.csv")).location
    for path in _uploads(app):
        if path.suffix == ".bin":
            path.write_bytes(b"%PDF-1.4 replaced")  # the stored file went bad between preview and import
    report = client.get(client.post(preview + "/run", data={"csrf_token": csrf_token(client, preview)}).location)
    html = report.get_data(as_text=True)
    assert "This file is a PDF document" in html and "Upload again" in html
    with app.app_context():
        assert db.session.scalar(select(ProspectJob.status)) == "failed"
        assert counts(team.workspace_id)["sites"] == 0
