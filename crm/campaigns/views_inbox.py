"""The inbox pages: threads per contact and opportunity, filtered, read, answered, moved and assigned.

They stand with campaigns because each thread shows its contact and site (prospects) and its campaign and the
opportunity's stage; campaigns reads those (crm.campaigns.inbox) and hands the answer's addressee down to
outreach's answering as plain values. Outreach keeps the threads, their states and services.
"""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from crm.accounts.current import current_membership, current_workspace, get_scoped_or_404, require_role
from crm.accounts.forms import ActionForm
from crm.campaigns import inbox as inbox_rows
from crm.campaigns import stages
from crm.campaigns.views import bp
from crm.outreach import answering, queries, snippets, thread_queries, threads
from crm.outreach.forms import AnswerForm, ThreadOwnerForm, ThreadStateForm
from crm.outreach.inbound import KIND_LABELS, mark_read
from crm.outreach.models import Thread
from crm.outreach.reading import quote_for_reply, split_quoted
from crm.prospects.models import Contact, Site


@bp.app_context_processor
def _inbox_badge():
    """The navigation's unread count, computed only when a template asks for it."""

    def unread() -> int:
        membership = current_membership()
        if membership is None or not current_user.is_authenticated:
            return 0
        return threads.unread_count(membership.workspace_id, current_user.id)

    return {"inbox_unread": unread}


@bp.get("/inbox")
@require_role("viewer")
def inbox():
    """The workspace's threads, most recently active first, filtered by state, owner and campaign."""
    workspace_id = current_workspace().id
    filters = thread_queries.Filters.from_args(request.args)
    rows = inbox_rows.listing(workspace_id, current_user.id, filters)
    return render_template("campaigns/inbox.html", rows=rows, filters=filters, labels=threads.STATE_LABELS,
                           campaigns=inbox_rows.campaigns_with_threads(workspace_id), stage_label=stages.label)


@bp.get("/inbox/sites/<int:site_id>")
@require_role("viewer")
def thread(site_id: int):
    """One site's conversation: what we sent and what came back, in order."""
    site = get_scoped_or_404(Site, site_id)
    items = queries.conversation(current_workspace().id, site.id)
    return render_template("campaigns/inbox_site.html", site=site, items=items, labels=KIND_LABELS,
                           action_form=ActionForm(), readable=split_quoted)


@bp.post("/inbox/sites/<int:site_id>/read")
@require_role("member")
def mark_thread_read(site_id: int):
    """Mark a site's replies as read."""
    site = get_scoped_or_404(Site, site_id)
    if ActionForm().validate_on_submit():
        mark_read(site.workspace_id, site.id)
        flash(f"Replies from {site.domain} marked as read.", "success")
    return redirect(url_for("campaigns.thread", site_id=site.id))


def _starting_text(items) -> str:
    """The composer's first text: the thread's last message, quoted."""
    if not items:
        return ""
    when, what, row = items[-1]
    text = row.text if what == "reply" else row.body_text
    return quote_for_reply(text, row.from_name or row.from_email, f"{when:%d %b %Y %H:%M}")


def _owner_form(members: list[tuple[int, str]], row: Thread | None) -> ThreadOwnerForm:
    form = ThreadOwnerForm()
    form.owner.choices = [SelectChoice("", "Nobody")] + [SelectChoice(str(uid), name) for uid, name in members]
    if request.method == "GET" and row is not None:
        form.owner.data = str(row.owner_id or "")
    return form


def _thread_page(ctx: inbox_rows.ThreadContext, form: AnswerForm, status: int = 200):
    workspace_id, row = current_workspace().id, ctx.thread
    if row is None:  # a contact who never wrote to us: their page says so, with nothing to answer
        items, last, neighbours = [], None, (None, None)
    else:
        items = threads.items(row)
        last = threads.last_reply(row)
        neighbours = thread_queries.neighbours(workspace_id, current_user.id,
                                               thread_queries.Filters.from_args(request.args), row.id)
        if request.method == "GET":
            threads.mark_read(row, current_user.id)
    if last is not None and not form.body.data and request.method == "GET":
        form.body.data = _starting_text(items)
    members = thread_queries.members(workspace_id)
    return render_template(
        "campaigns/inbox_thread.html", ctx=ctx, thread=row, items=items, labels=KIND_LABELS, readable=split_quoted,
        form=form, last=last, stage_label=stages.label, state_labels=threads.STATE_LABELS, state_form=ThreadStateForm(),
        owner_form=_owner_form(members, row), owner_name=dict(members).get(row.owner_id) if row else None,
        neighbours=neighbours, list_args=request.args.to_dict(),
        snippets=snippets.of_workspace(workspace_id), refusal=answering.refusal(workspace_id, ctx.correspondent),
    ), status


def _new_composer() -> AnswerForm:
    form = AnswerForm()
    form.draft.data = uuid.uuid4().hex
    return form


def _contact_context(contact_id: int) -> inbox_rows.ThreadContext:
    """The contact's most recent thread, or their page without one."""
    contact = get_scoped_or_404(Contact, contact_id)
    row = threads.latest_for_contact(contact.workspace_id, contact.id)
    return inbox_rows.context(row) if row is not None else inbox_rows.without_thread(contact)


@bp.get("/inbox/threads/<int:thread_id>")
@require_role("viewer")
def show_thread(thread_id: int):
    """One thread (a bookmarkable page): ours and theirs in order, its links and state, and a composer."""
    return _thread_page(inbox_rows.context(get_scoped_or_404(Thread, thread_id)), _new_composer())


@bp.get("/inbox/contacts/<int:contact_id>")
@require_role("viewer")
def contact_thread(contact_id: int):
    """A contact's most recent thread (the address older links use)."""
    return _thread_page(_contact_context(contact_id), _new_composer())


def _answer(ctx: inbox_rows.ThreadContext):
    form, row = AnswerForm(), ctx.thread
    if not form.validate_on_submit():
        return _thread_page(ctx, form, 400)
    try:
        sent = answering.send_answer(row, ctx.correspondent, form.body.data, form.draft.data or "")
    except answering.AnswerError as exc:
        flash(str(exc), "danger")
        return _thread_page(ctx, form, 400)
    if sent.status == "sent":
        flash(f"Answer sent to {sent.to_email}.", "success")
    else:
        flash(f"The answer to {sent.to_email} is not sent yet ({sent.status}): {sent.last_error}", "warning")
    return redirect(url_for("campaigns.show_thread", thread_id=row.id))


@bp.post("/inbox/threads/<int:thread_id>/answer")
@require_role("member")
def answer_thread(thread_id: int):
    """Send the composer's answer to the thread's last inbound message."""
    return _answer(inbox_rows.context(get_scoped_or_404(Thread, thread_id)))


@bp.post("/inbox/contacts/<int:contact_id>/answer")
@require_role("member")
def answer_contact(contact_id: int):
    """Answer the contact's most recent thread (the address older composers post to)."""
    ctx = _contact_context(contact_id)
    if ctx.thread is None:
        abort(404)
    return _answer(ctx)


@bp.post("/inbox/threads/<int:thread_id>/state")
@require_role("member")
def set_thread_state(thread_id: int):
    """Mark a thread done, back to needs reply, or waiting."""
    row = get_scoped_or_404(Thread, thread_id)
    form = ThreadStateForm()
    if form.validate_on_submit():
        threads.set_state(row, form.state.data)
        flash(f"Thread marked {threads.STATE_LABELS[form.state.data].lower()}.", "success")
    else:
        flash("That state is unknown.", "danger")
    return redirect(url_for("campaigns.show_thread", thread_id=row.id, **request.args.to_dict()))


@bp.post("/inbox/threads/<int:thread_id>/owner")
@require_role("member")
def set_thread_owner(thread_id: int):
    """Give a thread to a member of the workspace, or to nobody."""
    row = get_scoped_or_404(Thread, thread_id)
    form = _owner_form(thread_queries.members(row.workspace_id), row)
    if form.validate_on_submit():
        threads.assign(row, int(form.owner.data) if form.owner.data else None)
        flash("Owner saved.", "success")
    else:
        flash("Choose a member of this workspace.", "danger")
    return redirect(url_for("campaigns.show_thread", thread_id=row.id, **request.args.to_dict()))
