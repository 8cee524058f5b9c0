"""The outreach pages: outbox, inbox, templates, senders, suppression, settings and the webhooks."""

from flask import Blueprint

bp = Blueprint("outreach", __name__)

from crm.outreach.views import (  # noqa: E402, F401 - routes register on bp
    inbox,
    inbox_snippets,
    library,
    outbox,
    public,
    reply_marks,
)
