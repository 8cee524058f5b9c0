"""Background jobs: at once in tests, and through a real `flask worker` consumer on SQLite and on Redis."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime

import pytest

from crm import create_app
from crm.extensions import db
from crm.jobs import huey
from crm.ops import tasks
from crm.ops.models import WorkerHeartbeat
from crm.ops.services import worker_status
from tests.conftest import app_settings
from tests.support import services

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_tasks_run_at_once_in_tests(app):
    with app.app_context():
        tasks.heartbeat_now("immediate")
        assert db.session.get(WorkerHeartbeat, "immediate") is not None


def test_the_heartbeat_is_scheduled_every_minute(app):
    due = [task.name for task in huey.read_periodic(datetime(2026, 11, 24, 9, 30))]
    assert any(name.endswith("heartbeat") for name in due)
    hourly = [task.name for task in huey.read_periodic(datetime(2026, 11, 24, 9, 17))]
    assert any(name.endswith("purge_sessions") for name in hourly)
    assert not any(name.endswith("purge_sessions") for name in due)


def test_dashboard_says_when_no_worker_runs_and_when_one_does(app, as_role):
    page = as_role("viewer").get("/").get_data(as_text=True)
    assert "no worker seen yet" in page
    with app.app_context():
        tasks.heartbeat_now()
        assert worker_status().running
    assert "Background jobs running" in as_role("viewer").get("/").get_data(as_text=True)


def _run_through_consumer(tmp_path, migrated_sqlite, huey_url: str, huey_name: str) -> None:
    database = tmp_path / "crm.db"
    shutil.copyfile(migrated_sqlite, database)
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{database}",
        HUEY_URL=huey_url,
        HUEY_NAME=huey_name,
        HUEY_IMMEDIATE="",
        CRM_INSTANCE_PATH=str(tmp_path / "instance"),
        SECRET_KEY="consumer-test-secret-key-0123456789abcdef",
    )
    consumer = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "run", "worker", "--workers", "2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    producer = create_app(app_settings(tmp_path / "instance", f"sqlite:///{database}",
                                       HUEY_IMMEDIATE=False, HUEY_URL=huey_url, HUEY_NAME=huey_name))
    try:
        with producer.app_context():
            name = f"consumer-{uuid.uuid4().hex[:6]}"
            tasks.heartbeat_now(name)  # enqueued, not run here
            assert db.session.get(WorkerHeartbeat, name) is None
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                db.session.remove()
                if db.session.get(WorkerHeartbeat, name) is not None:
                    break
                time.sleep(0.2)
            else:
                consumer.send_signal(signal.SIGINT)
                pytest.fail("the consumer did not run the task: " + consumer.communicate(timeout=10)[0])
            db.engine.dispose()
    finally:
        if consumer.poll() is None:
            consumer.send_signal(signal.SIGINT)
            try:
                consumer.wait(timeout=15)
            except subprocess.TimeoutExpired:
                consumer.kill()
        huey.init_app(create_app(app_settings(tmp_path / "instance", "sqlite://")))  # back to immediate mode


def test_a_real_consumer_runs_tasks_from_sqlite_storage(tmp_path, migrated_sqlite):
    _run_through_consumer(tmp_path, migrated_sqlite, f"sqlite:///{tmp_path / 'huey.db'}", "crm-test")


@pytest.mark.services
def test_a_real_consumer_runs_tasks_from_redis(tmp_path, migrated_sqlite):
    client = services.redis_client()
    name = f"crm-test-{uuid.uuid4().hex[:8]}"
    try:
        _run_through_consumer(tmp_path, migrated_sqlite, services.REDIS_URL, name)
    finally:
        for key in client.scan_iter(f"huey.*{name}*"):
            client.delete(key)
