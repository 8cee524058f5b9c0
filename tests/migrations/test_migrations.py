"""The migrations build the models' schema exactly, and keep data when run over a populated database."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import check, downgrade, upgrade

from crm import create_app
from crm.extensions import db, migrate
from tests.conftest import app_settings
from tests.migrations.seeds import SEEDS
from tests.support import services

pytestmark = pytest.mark.both_databases


@pytest.fixture
def empty_app(request, tmp_path, backend):
    """An app on an empty database of the chosen kind."""
    if backend == "postgresql":
        url, drop = services.postgres_database()
        request.addfinalizer(drop)
    else:
        url = f"sqlite:///{tmp_path / 'empty.db'}"
    app = create_app(app_settings(tmp_path, url))
    yield app
    with app.app_context():
        db.engine.dispose()


def _revisions(app) -> list[str]:
    with app.app_context():
        script = ScriptDirectory.from_config(migrate.get_config())
        return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_the_migrations_form_one_line(empty_app):
    with empty_app.app_context():
        script = ScriptDirectory.from_config(migrate.get_config())
        assert len(script.get_heads()) == 1, f"several heads: {script.get_heads()}; chain the new migration"


def test_upgrade_builds_exactly_the_models_schema(empty_app):
    with empty_app.app_context():
        upgrade(revision="heads")
        check()  # raises when the models and the migrated database differ


def test_every_revision_keeps_the_rows_written_before_it(empty_app):
    revisions = _revisions(empty_app)
    assert revisions, "no migrations found"
    assert set(SEEDS) <= set(revisions), "a seed names a revision that does not exist"
    checks = []
    with empty_app.app_context():
        for revision in revisions:
            upgrade(revision=revision)
            if revision in SEEDS:
                with db.engine.begin() as conn:
                    checks.append(SEEDS[revision](conn))
        with db.engine.connect() as conn:
            for verify in checks:
                verify(conn)


def test_downgrade_to_nothing_and_back(empty_app):
    with empty_app.app_context():
        upgrade(revision="heads")
        downgrade(revision="base")
        upgrade(revision="heads")
        check()
