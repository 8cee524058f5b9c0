"""The outreach pages: outbox, snippets, senders, suppression, settings, replies' marks and the webhooks."""

from flask import Blueprint

bp = Blueprint("outreach", __name__)

from crm.outreach.views import (  # noqa: E402, F401 - routes register on bp
    inbox_snippets,
    library,
    outbox,
    public,
    reply_marks,
)
