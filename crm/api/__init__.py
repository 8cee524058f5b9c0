"""The JSON API under /api/v1 (bearer tokens, routes, the OpenAPI document) and signed outbound webhooks."""


def init_app(app) -> None:
    """Register the API (exempt from CSRF: it never reads the session cookie), its settings page and commands."""
    from crm.api import (  # noqa: F401  # noqa: F401
        auth,
        cli,
        openapi,
        settings,
        subscribers,
        views_campaigns,
        views_links,
        views_outreach,
        views_sites,
        webhook_cli,
        webhook_settings,
        webhook_tasks,
    )
    from crm.api.registry import bp
    from crm.extensions import csrf

    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.register_blueprint(settings.bp)
    app.cli.add_command(cli.api_group)
    app.register_blueprint(webhook_settings.bp)
    app.cli.add_command(webhook_cli.webhooks_group)
    subscribers.connect()
