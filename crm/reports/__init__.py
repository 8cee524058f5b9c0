"""The workspace dashboard, campaign reports, share links and the harmful-link review."""


def init_app(app) -> None:
    """Register the pages, filters, jobs, CLI, demo step and event subscriptions."""
    from crm.reports import cli, demo, filters, harmful_views, subscribers, tasks, views, views_schedules  # noqa: F401

    filters.init_app(app)
    subscribers.connect()
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.reports_cli)
