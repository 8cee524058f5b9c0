"""Users, workspaces, memberships and roles, sign-in, invitations and the audit trail."""


def init_app(app) -> None:
    """Register the sign-in, workspace and audit pages and the `users` and `audit` commands."""
    from crm.accounts import audit_cli, audit_views, cli, views  # noqa: F401 - audit_views adds its routes to bp

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.users)
    app.cli.add_command(audit_cli.audit_group)
