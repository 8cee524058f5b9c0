"""Users, workspaces, memberships and roles, sign-in and invitations."""


def init_app(app) -> None:
    """Register the sign-in and workspace pages and the `users` commands."""
    from crm.accounts import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.users)
