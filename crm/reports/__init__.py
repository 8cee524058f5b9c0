"""The workspace dashboard, campaign reports, share links and the harmful-link review."""


def init_app(app) -> None:
    """Register the pages, the report filters, the refresh job, the demo data step and the event subscriptions."""
    from crm.reports import demo, filters, harmful_views, subscribers, tasks, views  # noqa: F401 - register on import

    filters.init_app(app)
    subscribers.connect()
    app.register_blueprint(views.bp)
