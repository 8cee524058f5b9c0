"""Templates, sequences, sender identities, outbox, SendGrid, webhooks, replies and suppression."""


def init_app(app) -> None:
    """Register the outreach pages and webhooks, the `outreach` commands, the jobs, threads and the copy of
    prospects' statuses."""
    from crm.outreach import blocks, cli, tasks, threads, views  # noqa: F401 - tasks register themselves

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.outreach)
    app.cli.add_command(cli.senders)
    threads.connect()
    blocks.connect()
