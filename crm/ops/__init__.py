"""Running the product: job workers, their heartbeat, and a health check for load balancers."""


def init_app(app) -> None:
    """Register the health check, the `worker` command and the housekeeping tasks."""
    from crm.ops import cli, tasks, views  # noqa: F401 - tasks register themselves with the queue

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.worker)
