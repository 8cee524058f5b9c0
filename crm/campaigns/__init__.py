"""Campaigns, their target pages, the pipeline of opportunities, tasks and costs."""


def init_app(app) -> None:
    """Register the campaign, board and task pages, demo data, handlers of outreach and link events, recipients."""
    from crm.campaigns import (  # noqa: F401
        automation,
        demo,
        recipients,
        views,
        views_personal,
        views_pipeline,
        views_tasks,
        views_wonlink,
    )

    app.register_blueprint(views.bp)
    automation.connect()
    recipients.register()
