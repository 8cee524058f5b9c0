"""Running the product: job workers, their heartbeat, a health check for load balancers, backups."""


def init_app(app) -> None:
    """Register the health check, the `worker`, `backup` and `restore` commands and the housekeeping tasks."""
    from crm.ops import cli, tasks, views  # noqa: F401 - tasks register themselves with the queue

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.worker)
    app.cli.add_command(cli.backup_command)
    app.cli.add_command(cli.restore_command)
