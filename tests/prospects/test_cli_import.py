"""`flask import FILE --workspace W [--dry-run]`: one JSON object out, clear errors with a non-zero exit."""

from __future__ import annotations

import json

import pytest

from tests.accounts.factories import WorkspaceFactory
from tests.prospects.samples import SAMPLES
from tests.prospects.support import counts


@pytest.fixture
def acme(app):
    with app.app_context():
        return WorkspaceFactory(name="Acme Shoes").id


def _json(result) -> dict:
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, "exactly one JSON object is printed"
    return json.loads(lines[0])


@pytest.mark.both_databases
def test_import_prints_the_format_and_counts(app, runner, acme):
    path = SAMPLES / "ahrefs-backlinks-v3.csv"
    out = _json(runner.invoke(args=["import", str(path), "--workspace", "Acme Shoes", "--create-backlinks"]))
    assert out["format"] == "ahrefs_backlinks"
    assert (out["new"], out["updated"], out["skipped"], out["errors"]) == (4, 0, 0, 0)
    assert out["backlinks"]["created"] == 5 and out["workspace"] == "Acme Shoes" and out["dry_run"] is False
    with app.app_context():
        assert counts(acme)["sites"] == 4 and counts(acme)["backlinks"] == 5
    again = _json(runner.invoke(args=["import", str(path), "--workspace", "Acme Shoes"]))
    assert (again["new"], again["updated"], again["skipped"]) == (0, 0, 4)


@pytest.mark.both_databases
def test_dry_run_writes_nothing(app, runner, acme):
    out = _json(runner.invoke(args=["import", str(SAMPLES / "hunter-domain-search-unverified.csv"),
                                    "--workspace", str(acme), "--dry-run"]))
    assert out["format"] == "hunter_domain_search" and out["new"] == 1 and out["contacts"]["new"] == 5
    assert out["dry_run"] is True
    with app.app_context():
        assert counts(acme)["sites"] == 0 and counts(acme)["contacts"] == 0


def test_unknown_workspace_is_an_error(runner, acme):
    result = runner.invoke(args=["import", str(SAMPLES / "semrush-backlinks.csv"), "--workspace", "Nope"])
    assert result.exit_code != 0
    assert "There is no workspace called 'Nope'" in result.output and "Acme Shoes" in result.output


def test_unknown_format_says_a_mapping_is_needed(runner, acme, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Foo,Bar\r\n1,2\r\n")
    result = runner.invoke(args=["import", str(path), "--workspace", "Acme Shoes"])
    assert result.exit_code != 0
    assert "mapping is needed" in result.output and "--map" in result.output and "'foo'" in result.output


def test_a_mapping_from_the_command_line(app, runner, acme, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Publication,Authority,Junk\r\nhttps://mag.example.org/,33,x\r\n")
    out = _json(runner.invoke(args=["import", str(path), "--workspace", "Acme Shoes", "--map", "Publication=site_url",
                                    "--map", "Authority=site.da", "--map", "Junk=", "--tag", "Magazines"]))
    assert out["format"] == "custom" and out["new"] == 1
    with app.app_context():
        assert counts(acme)["tags"] == 1


def test_a_bad_file_is_an_error_and_writes_nothing(app, runner, acme, tmp_path):
    path = tmp_path / "report.csv"
    path.write_bytes(b"%PDF-1.7\n" + b"x" * 100)
    result = runner.invoke(args=["import", str(path), "--workspace", "Acme Shoes"])
    assert result.exit_code != 0 and "report.csv: This file is a PDF document" in result.output
    with app.app_context():
        assert counts(acme)["sites"] == 0


def test_a_missing_file_is_an_error(runner, acme, tmp_path):
    result = runner.invoke(args=["import", str(tmp_path / "missing.csv"), "--workspace", "Acme Shoes"])
    assert result.exit_code != 0 and "does not exist" in result.output


def test_row_errors_are_counted(runner, acme, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Website,DR\r\ngood.com,5\r\nbad url,x\r\n")
    out = _json(runner.invoke(args=["import", str(path), "--workspace", "Acme Shoes"]))
    assert out["new"] == 1 and out["errors"] == 1 and out["error_rows"][0]["row"] == 3
