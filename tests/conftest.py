"""Fixtures: an app on a fresh SQLite file per test, clients signed in per role, and the network guard."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from crm import create_app
from crm.extensions import db
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory
from tests.support import network_guard, services

network_guard.install()

ROLES = ("viewer", "member", "admin", "owner")


@pytest.fixture(autouse=True)
def _no_outside_network():
    """Any attempt to reach a non-loopback address fails the test, even if the code swallowed the error."""
    network_guard.violations.clear()
    yield
    assert not network_guard.violations, f"test reached outside loopback: {network_guard.violations}"


def app_settings(instance_path, database_url: str, **extra) -> dict:
    """Settings for an app under test."""
    config = {
        "ENV_NAME": "testing",
        "TESTING": True,
        "INSTANCE_PATH": str(instance_path),
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "HUEY_IMMEDIATE": True,
        "HUEY_URL": "",
        "MAIL_BACKEND": "file",
        "SENDGRID_API_KEY": "",
        "TRUSTED_HOSTS": ["localhost", "127.0.0.1"],
        "PUBLIC_BASE_URL": "http://localhost",
    }
    config.update(extra)
    return config


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """A SQLite file brought to the newest schema by the migrations, copied for each test."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "crm.db"
    app = create_app(app_settings(folder, f"sqlite:///{path}"))
    with app.app_context():
        upgrade(revision="heads")
        db.engine.dispose()
    return path


def pytest_generate_tests(metafunc):
    """Tests marked both_databases run once on SQLite and once on the local PostgreSQL."""
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_databases"):
        metafunc.parametrize(
            "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.services)], indirect=True
        )


@pytest.fixture
def backend(request) -> str:
    """Which database the app runs on: sqlite unless the test is parametrized by both_databases."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def migrated_postgres(tmp_path_factory):
    """A PostgreSQL database for this session, brought to the newest schema by the migrations."""
    url, drop = services.postgres_database()
    folder = tmp_path_factory.mktemp("pg")
    app = create_app(app_settings(folder, url))
    with app.app_context():
        upgrade(revision="heads")
        db.engine.dispose()
    yield url
    drop()


def _empty_postgres(app) -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with app.app_context():
        db.session.remove()
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()


@pytest.fixture
def app(request, tmp_path, backend):
    """The app on a freshly migrated database (its own SQLite copy, or the emptied PostgreSQL); tasks run at once."""
    if backend == "postgresql":
        url = request.getfixturevalue("migrated_postgres")
    else:
        path = tmp_path / "crm.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        url = f"sqlite:///{path}"
    app = create_app(app_settings(tmp_path / "instance", url))
    yield app
    if backend == "postgresql":
        _empty_postgres(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A browser-like client (cookies kept between requests)."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Runs `flask` commands against the app."""
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An app context for tests that work with the data layer directly."""
    with app.app_context():
        yield


@dataclass(frozen=True)
class Team:
    """Ids and addresses of a workspace with one user per role, and a rival workspace with its own owner."""

    workspace_id: int
    rival_workspace_id: int
    emails: dict[str, str]
    user_ids: dict[str, int]
    rival_owner_email: str


@pytest.fixture
def team(app) -> Team:
    """Acme (a user per role) and Rival (an owner who is not in Acme)."""
    with app.app_context():
        acme = WorkspaceFactory(name="Acme")
        rival = WorkspaceFactory(name="Rival")
        members = {role: MembershipFactory(workspace=acme, role=role, user=UserFactory(email=f"{role}@acme.example"))
                   for role in ROLES}
        rival_owner = MembershipFactory(workspace=rival, role="owner", user=UserFactory(email="owner@rival.example"))
        return Team(
            workspace_id=acme.id,
            rival_workspace_id=rival.id,
            emails={role: m.user.email for role, m in members.items()},
            user_ids={role: m.user_id for role, m in members.items()},
            rival_owner_email=rival_owner.user.email,
        )


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|value="([^"]+)" name="csrf_token"')


def csrf_token(client, url: str = "/login") -> str:
    """The CSRF token a page hands out to this client's session."""
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def login(client, email: str, password: str = PASSWORD):
    """Sign in through the real form, CSRF token included."""
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def as_role(app, team):
    """A function giving a client signed in as Acme's user with that role."""

    def make(role: str):
        client = app.test_client()
        response = login(client, team.emails[role])
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return make
