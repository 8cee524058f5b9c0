"""Prospect sites, contacts and metrics: import, export and contact discovery."""


def init_app(app) -> None:
    """Register the sites pages, the `import` command, the background jobs, demo data and event handlers."""
    from crm.prospects import (  # noqa: F401 - tasks and demo register themselves; the views attach to bp
        cli,
        demo,
        subscribers,
        tasks,
        views,
        views_discovery,
        views_fields,
        views_import,
        views_site,
    )

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.import_command)
    subscribers.connect()
