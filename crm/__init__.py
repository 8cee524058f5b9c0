"""The outreach and link-building CRM: the application factory."""

from __future__ import annotations

import importlib
import os

from flask import Flask

import config as settings

# Feature packages, lowest floor first; each has init_app(app) registering its blueprint, commands, tasks,
# demo data and signal subscriptions. Demo data is made in this order, so later features can use earlier ones.
FEATURES = ("accounts", "ops", "prospects", "links", "campaigns", "outreach", "reports", "api")


def create_app(config: dict | None = None) -> Flask:
    """Build the app from environment settings, overridden by `config` (tests pass their own)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        template_folder=os.path.join(root, "templates"),
        instance_path=(config or {}).get("INSTANCE_PATH")
        or os.environ.get("CRM_INSTANCE_PATH")
        or os.path.join(root, "instance"),
    )
    app.config.update(settings.load((config or {}).get("ENV_NAME")))
    app.config.update(config or {})
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY") and app.config.get("ENV_NAME") != "production":
        app.config["SECRET_KEY"] = settings.instance_secret_key(app.instance_path)
    settings.check_secret_key(app.config)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "crm.db")

    import crm.models  # noqa: F401 - the whole schema, for migrations and the worker

    register_extensions(app)
    register_blueprints(app)
    register_security(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind database, migrations, sign-in, CSRF and the job queue to the app."""
    from crm.extensions import csrf, db, login_manager, migrate
    from crm.jobs import huey

    db.init_app(app)
    migrations = os.path.join(os.path.dirname(app.root_path), "migrations")
    migrate.init_app(app, db, directory=migrations, render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    huey.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Each feature's blueprint, commands, tasks and signal subscriptions; the workspace is loaded per request."""
    from crm.accounts.current import load_current_membership

    for name in FEATURES:
        init = getattr(importlib.import_module(f"crm.{name}"), "init_app", None)
        if init is not None:  # a feature without pages or commands has nothing to register
            init(app)
    app.before_request(load_current_membership)


def register_security(app: Flask) -> None:
    """Security headers with a strict Content-Security-Policy, and proxy awareness when configured."""
    from crm.security import init_app

    init_app(app)


def register_errorhandlers(app: Flask) -> None:
    """Friendly error pages that never show a stack trace."""
    from crm.errors import init_app

    init_app(app)


def register_template_helpers(app: Flask) -> None:
    """Globals and filters the base layout and macros use."""
    from crm.accounts.layout import layout_values
    from crm.templating import init_app

    init_app(app, layout_values)


def register_commands(app: Flask) -> None:
    """Commands that span features (each feature adds its own in its init_app)."""
    from crm.demo import demo

    app.cli.add_command(demo)
