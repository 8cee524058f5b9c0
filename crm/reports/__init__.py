"""The workspace dashboard and campaign reports."""


def init_app(app) -> None:
    """Register the dashboard and report pages."""
    from crm.reports import views

    app.register_blueprint(views.bp)
