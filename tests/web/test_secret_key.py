"""A laptop signs with its own random key from instance/secret_key; production needs one; published keys never sign."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import stat

import pytest

import config
from crm import create_app
from crm.extensions import db
from crm.outreach.tokens import unsubscribe_token
from tests.accounts.factories import WorkspaceFactory
from tests.conftest import app_settings
from tests.prospects.factories import ContactFactory

OLD_PUBLIC_KEY = "dev-only-secret-key-change-me"


@pytest.fixture(autouse=True)
def _no_key_in_environment(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)


def _without_key(instance, url="sqlite://", **extra) -> dict:
    settings = app_settings(instance, url, **extra)
    del settings["SECRET_KEY"]
    return settings


def test_the_key_file_is_written_once_private_and_reused(tmp_path):
    key = config.instance_secret_key(str(tmp_path))
    path = tmp_path / "secret_key"
    assert len(key) >= 48 and key != OLD_PUBLIC_KEY
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert config.instance_secret_key(str(tmp_path)) == key
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]  # no temporary file left behind
    assert config.instance_secret_key(str(tmp_path / "other")) != key  # each install has its own


def test_two_apps_on_one_instance_folder_share_the_key_it_wrote(tmp_path):
    first = create_app(_without_key(tmp_path, ENV_NAME="development", TESTING=False))
    second = create_app(_without_key(tmp_path, ENV_NAME="development", TESTING=False))
    written = (tmp_path / "secret_key").read_text().strip()
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == written


def test_a_set_secret_key_is_used_and_no_file_is_written(tmp_path):
    app = create_app(app_settings(tmp_path, "sqlite://"))
    assert app.config["SECRET_KEY"] == "test-secret-key-that-is-long-enough-0123456789"
    assert not (tmp_path / "secret_key").exists()


def _start(folder: str, results) -> None:
    results.put(config.instance_secret_key(folder))


def test_processes_starting_together_agree_on_one_key(tmp_path):
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    workers = [context.Process(target=_start, args=(str(tmp_path), results)) for _ in range(4)]
    for worker in workers:
        worker.start()
    keys = {results.get(timeout=60) for _ in workers}
    for worker in workers:
        worker.join(timeout=60)
    assert keys == {(tmp_path / "secret_key").read_text().strip()}


def test_production_without_a_key_refuses_to_start_and_writes_none(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(_without_key(tmp_path, ENV_NAME="production", TESTING=False))
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("env_name", ["development", "production", "testing"])
def test_the_old_published_key_is_refused_everywhere(tmp_path, env_name):
    with pytest.raises(RuntimeError, match="published"):
        create_app(app_settings(tmp_path, "sqlite://", ENV_NAME=env_name, SECRET_KEY=OLD_PUBLIC_KEY))


def test_a_token_signed_with_the_old_published_key_is_rejected(tmp_path, migrated_sqlite):
    shutil.copyfile(migrated_sqlite, tmp_path / "crm.db")
    app = create_app(_without_key(tmp_path / "instance", f"sqlite:///{tmp_path / 'crm.db'}"))
    with app.app_context():
        workspace = WorkspaceFactory(name="Acme")
        contact = ContactFactory(workspace_id=workspace.id, site__workspace_id=workspace.id)
        forged = unsubscribe_token(OLD_PUBLIC_KEY, workspace.id, contact.id)
        genuine = unsubscribe_token(app.config["SECRET_KEY"], workspace.id, contact.id)
        db.session.remove()
    client = app.test_client()
    assert client.get(f"/u/{forged}").status_code == 404
    assert client.post(f"/u/{forged}", data={"List-Unsubscribe": "One-Click"}).status_code == 404
    assert client.get(f"/u/{genuine}").status_code == 200
    with app.app_context():
        db.engine.dispose()
    assert os.path.exists(tmp_path / "instance" / "secret_key")
