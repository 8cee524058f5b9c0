"""The JSON API under /api/v1: bearer tokens, routes with their schemas, the OpenAPI document."""


def init_app(app) -> None:
    """Register the API (exempt from CSRF: it never reads the session cookie), its settings page and commands."""
    from crm.api import auth, cli, openapi, settings, views_campaigns, views_links, views_outreach, views_sites  # noqa: F401
    from crm.api.registry import bp
    from crm.extensions import csrf

    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.register_blueprint(settings.bp)
    app.cli.add_command(cli.api_group)
