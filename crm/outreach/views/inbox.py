"""The unified inbox: replies threaded per site, sanitised before display."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, url_for

from crm.accounts.current import current_workspace, get_scoped_or_404, require_role
from crm.accounts.forms import ActionForm
from crm.campaigns import stages
from crm.outreach import answering, queries
from crm.outreach.forms import AnswerForm
from crm.outreach.inbound import KIND_LABELS, mark_read
from crm.outreach.models import REPLY_KINDS
from crm.outreach.reading import quote_for_reply, split_quoted
from crm.outreach.views import bp
from crm.prospects.models import Contact, Site


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


def _contact_thread_page(contact: Contact, form: AnswerForm, status: int = 200):
    workspace_id = current_workspace().id
    ctx = answering.context(workspace_id, contact)
    items = queries.conversation(workspace_id, contact.site_id, contact.id)
    last = answering.last_reply(workspace_id, contact.id)
    if last is not None and not form.body.data and request.method == "GET":
        when = f"{last.received_at:%d %b %Y %H:%M}"
        form.body.data = quote_for_reply(last.text, last.from_name or last.from_email, when)
    return render_template("outreach/contact_thread.html", ctx=ctx, items=items, labels=KIND_LABELS,
                           readable=split_quoted, form=form, last=last, stage_label=stages.label,
                           refusal=answering.refusal(workspace_id, contact)), status


@bp.get("/inbox/contacts/<int:contact_id>")
@require_role("viewer")
def contact_thread(contact_id: int):
    """One contact's conversation (a bookmarkable page): ours and theirs in order, with a composer."""
    form = AnswerForm()
    form.draft.data = uuid.uuid4().hex
    return _contact_thread_page(get_scoped_or_404(Contact, contact_id), form)


@bp.post("/inbox/contacts/<int:contact_id>/answer")
@require_role("member")
def answer_contact(contact_id: int):
    """Send the composer's answer to the contact's last message."""
    contact = get_scoped_or_404(Contact, contact_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _contact_thread_page(contact, form, 400)
    try:
        row = answering.send_answer(contact.workspace_id, contact, form.body.data, form.draft.data or "")
    except answering.AnswerError as exc:
        flash(str(exc), "danger")
        return _contact_thread_page(contact, form, 400)
    if row.status == "sent":
        flash(f"Answer sent to {row.to_email}.", "success")
    else:
        flash(f"The answer to {row.to_email} is not sent yet ({row.status}): {row.last_error}", "warning")
    return redirect(url_for("outreach.contact_thread", contact_id=contact.id))
