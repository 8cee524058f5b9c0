"""Templates, sequences, sender identities, outbox, SendGrid, webhooks, replies and suppression."""


def init_app(app) -> None:
    """Register the outreach pages and webhooks, the `outreach` commands, the jobs, the demo data, threads and
    the copy of prospects' statuses."""
    from crm.outreach import blocks, cli, demo, tasks, threads, views  # noqa: F401 - tasks and demo register themselves

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.outreach)
    app.cli.add_command(cli.senders)
    threads.connect()
    blocks.connect()
