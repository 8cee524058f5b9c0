"""Campaigns, their target pages, the pipeline of opportunities, tasks and costs."""


def init_app(app) -> None:
    """Register the campaign, board, task, sequence, launch, template and inbox pages, demo data, handlers of
    outreach and link events, and the model holding opportunities' custom field values."""
    from crm.campaigns import (  # noqa: F401
        automation,
        cli,
        demo,
        demo_outreach,
        views,
        views_inbox,
        views_launch,
        views_personal,
        views_pipeline,
        views_tasks,
        views_templates,
        views_unsubscribe,
        views_wonlink,
    )
    from crm.campaigns.models import Opportunity
    from crm.prospects import fielddefs

    app.register_blueprint(views.bp)
    fielddefs.register_holder("opportunity", Opportunity)  # the delete page counts the cards' values
    automation.connect()
