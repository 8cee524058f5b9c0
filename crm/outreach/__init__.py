"""Templates, sequences, sender identities, outbox, SendGrid, webhooks, replies and suppression."""


def init_app(app) -> None:
    """Register the outreach pages and webhooks, the `outreach` commands, the jobs, the demo data and threads."""
    from crm.outreach import cli, demo, tasks, threads, views  # noqa: F401 - tasks and demo register themselves

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.outreach)
    app.cli.add_command(cli.senders)
    threads.connect()
