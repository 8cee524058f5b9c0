"""The unified inbox: replies threaded per site, sanitised before display."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from crm.accounts.current import current_workspace, get_scoped_or_404, require_role
from crm.accounts.forms import ActionForm
from crm.outreach import queries
from crm.outreach.inbound import KIND_LABELS, mark_read
from crm.outreach.models import REPLY_KINDS
from crm.outreach.reading import split_quoted
from crm.outreach.views import bp
from crm.prospects.models import Site


@bp.get("/inbox")
@require_role("viewer")
def inbox():
    """Every site that replied, newest first."""
    kind = request.args.get("kind") if request.args.get("kind") in REPLY_KINDS else None
    threads = queries.inbox_threads(current_workspace().id, kind)
    return render_template("outreach/inbox.html", threads=threads, kind=kind, kinds=REPLY_KINDS, labels=KIND_LABELS)


@bp.get("/inbox/sites/<int:site_id>")
@require_role("viewer")
def thread(site_id: int):
    """One site's conversation: what we sent and what came back, in order."""
    site = get_scoped_or_404(Site, site_id)
    items = queries.conversation(current_workspace().id, site.id)
    return render_template("outreach/thread.html", site=site, items=items, labels=KIND_LABELS,
                           action_form=ActionForm(), readable=split_quoted)


@bp.post("/inbox/sites/<int:site_id>/read")
@require_role("member")
def mark_thread_read(site_id: int):
    """Mark a site's replies as read."""
    site = get_scoped_or_404(Site, site_id)
    if ActionForm().validate_on_submit():
        mark_read(site.workspace_id, site.id)
        flash(f"Replies from {site.domain} marked as read.", "success")
    return redirect(url_for("outreach.thread", site_id=site.id))
