"""Backlinks: the verifier that decides whether a link is live, and its checks and monitoring."""


def init_app(app) -> None:
    """Register the backlink pages, the `links` commands, the jobs and the demo data."""
    from crm.links import demo, tasks, views, views_runs  # noqa: F401 - tasks, routes and demo register themselves
    from crm.links.cli import links_cli

    app.register_blueprint(views.bp)
    app.cli.add_command(links_cli)
