"""The workspace dashboard, campaign reports, share links and the harmful-link review."""


def init_app(app) -> None:
    """Register the pages, filters, jobs, CLI, demo step, event subscriptions and the link-digest mailer."""
    from crm.links.digest import DELIVERER
    from crm.reports import cli, demo, filters, harmful_views, subscribers, tasks, views, views_schedules  # noqa: F401
    from crm.reports.notices import deliver_digest

    filters.init_app(app)
    app.extensions[DELIVERER] = deliver_digest  # link digests go out through the mail backend
    subscribers.connect()
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.reports_cli)
