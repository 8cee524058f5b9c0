"""The outbox: every message with its status, a viewer for saved .eml files, and the actions on one message."""

from __future__ import annotations

from email.message import EmailMessage

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for

from crm.accounts.current import current_workspace, get_scoped_or_404, require_role
from crm.accounts.forms import ActionForm
from crm.mail.backends.file import PROVIDER_PREFIX, FileBackend
from crm.mail.delivery import outbox_directory
from crm.outreach import outbox_actions, queries, sending
from crm.outreach.models import MESSAGE_STATUSES, OutboundMessage
from crm.outreach.views import bp


def _saved_eml(row: OutboundMessage) -> EmailMessage | None:
    if not (row.provider_message_id or "").startswith(PROVIDER_PREFIX):
        return None
    try:
        return FileBackend(outbox_directory(current_app)).read(row.provider_message_id)
    except (OSError, ValueError):
        return None


@bp.get("/outbox")
@require_role("viewer")
def outbox():
    """The outbox list, filtered by status."""
    workspace = current_workspace()
    status = request.args.get("status") if request.args.get("status") in MESSAGE_STATUSES else None
    page = queries.outbox_page(workspace.id, status, request.args.get("page", 1, type=int),
                               request.args.get("campaign", type=int))
    return render_template("outreach/outbox.html", page=page, status=status, counts=queries.status_counts(workspace.id),
                           statuses=MESSAGE_STATUSES, action_form=ActionForm())


@bp.get("/outbox/counts")
@require_role("viewer")
def outbox_counts():
    """The status counts partial the outbox page refreshes while mail goes out."""
    counts = queries.status_counts(current_workspace().id)
    return render_template("outreach/_outbox_counts.html", counts=counts, statuses=MESSAGE_STATUSES,
                           status=request.args.get("status"))


@bp.post("/outbox/send-now")
@require_role("member")
def send_now():
    """Start sending what is due now in the background."""
    from crm.outreach.tasks import send_due_now

    if ActionForm().validate_on_submit():
        refused = sending.refusal(current_workspace().id)
        if refused:
            flash(refused, "danger")
            return redirect(url_for("outreach.outbox"))
        send_due_now(current_workspace().id)
        flash("Sending this workspace's mail that is due now. The counts below update as messages go out.", "info")
    return redirect(url_for("outreach.outbox"))


@bp.get("/outbox/<int:message_id>")
@require_role("viewer")
def message(message_id: int):
    """One message: what was (or will be) sent, its status and the provider's events."""
    row = get_scoped_or_404(OutboundMessage, message_id)
    saved = _saved_eml(row)
    saved_text = None
    if saved is not None:
        part = saved.get_body(preferencelist=("plain",))
        saved_text = part.get_content() if part is not None else ""
    return render_template("outreach/message.html", row=row, events=queries.events_of(row.id), saved=saved,
                           saved_text=saved_text, action_form=ActionForm())


@bp.get("/outbox/<int:message_id>/eml")
@require_role("viewer")
def message_eml(message_id: int):
    """The saved .eml file of a message the file backend sent."""
    row = get_scoped_or_404(OutboundMessage, message_id)
    saved = _saved_eml(row)
    if saved is None:
        abort(404)
    return Response(saved.as_bytes(), mimetype="message/rfc822",
                    headers={"Content-Disposition": f'attachment; filename="message-{row.id}.eml"'})


def _act(message_id: int, action, done: str):
    row = get_scoped_or_404(OutboundMessage, message_id)
    if ActionForm().validate_on_submit():
        try:
            action(row)
        except outbox_actions.ActionError as exc:
            flash(str(exc), "warning")
        else:
            flash(done, "success")
    return redirect(url_for("outreach.message", message_id=row.id))


@bp.post("/outbox/<int:message_id>/cancel")
@require_role("member")
def cancel_message(message_id: int):
    """Cancel a message that has not gone out."""
    return _act(message_id, lambda row: outbox_actions.cancel(row, "hand"), "Message cancelled; it will not be sent.")


@bp.post("/outbox/<int:message_id>/retry")
@require_role("member")
def retry_message(message_id: int):
    """Queue a failed or unknown message again."""
    return _act(message_id, outbox_actions.retry, "Message queued again.")


@bp.post("/outbox/<int:message_id>/mark-sent")
@require_role("member")
def mark_message_sent(message_id: int):
    """Settle an unknown message as sent."""
    return _act(message_id, outbox_actions.settle_as_sent, "Message recorded as sent.")
