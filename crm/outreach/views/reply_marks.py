"""Marking a reply positive from its conversation."""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from crm.accounts.current import get_scoped_or_404, require_role
from crm.accounts.forms import ActionForm
from crm.outreach import reply_marks
from crm.outreach.models import Reply
from crm.outreach.views import bp


@bp.post("/inbox/replies/<int:reply_id>/positive")
@require_role("member")
def mark_reply_positive(reply_id: int):
    """Mark a reply as a positive answer (or, with positive=0, take the mark away)."""
    reply = get_scoped_or_404(Reply, reply_id)
    if ActionForm().validate_on_submit():
        positive = request.form.get("positive", "1") != "0"
        try:
            reply_marks.mark_positive(reply, positive)
        except ValueError as exc:
            flash(str(exc), "warning")
        else:
            flash("Reply marked positive." if positive else "Positive mark taken away.", "success")
    if reply.site_id is not None:
        return redirect(url_for("campaigns.thread", site_id=reply.site_id))
    return redirect(url_for("campaigns.inbox"))
