"""The workspace's saved snippets for answers: listed, added, changed and removed on one small page."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from crm.accounts.current import current_workspace, get_scoped_or_404, require_role
from crm.accounts.forms import ActionForm
from crm.outreach import snippets
from crm.outreach.forms import SnippetForm
from crm.outreach.models import Snippet
from crm.outreach.views import bp


def _page(form: SnippetForm, editing: Snippet | None = None, status: int = 200):
    return render_template("outreach/inbox_snippets.html", snippets=snippets.of_workspace(current_workspace().id),
                           form=form, editing=editing, action_form=ActionForm()), status


@bp.get("/inbox/snippets")
@require_role("viewer")
def list_snippets():
    """The workspace's snippets and a form to add one."""
    return _page(SnippetForm())


@bp.get("/inbox/snippets/<int:snippet_id>")
@require_role("member")
def edit_snippet(snippet_id: int):
    """The snippets page with one snippet in the form, to change it."""
    row = get_scoped_or_404(Snippet, snippet_id)
    return _page(SnippetForm(obj=row), row)


def _save(form: SnippetForm, row: Snippet | None):
    if not form.validate_on_submit():
        return _page(form, row, 400)
    try:
        saved = snippets.save(current_workspace().id, form.name.data, form.body.data, row)
    except snippets.SnippetError as exc:
        form.name.errors = [*form.name.errors, str(exc)]
        return _page(form, row, 400)
    flash(f"Snippet {saved.name!r} saved.", "success")
    return redirect(url_for("outreach.list_snippets"))


@bp.post("/inbox/snippets")
@require_role("member")
def add_snippet():
    """Save a new snippet."""
    return _save(SnippetForm(), None)


@bp.post("/inbox/snippets/<int:snippet_id>")
@require_role("member")
def update_snippet(snippet_id: int):
    """Save changes to a snippet."""
    return _save(SnippetForm(), get_scoped_or_404(Snippet, snippet_id))


@bp.post("/inbox/snippets/<int:snippet_id>/delete")
@require_role("member")
def delete_snippet(snippet_id: int):
    """Remove a snippet."""
    row = get_scoped_or_404(Snippet, snippet_id)
    if ActionForm().validate_on_submit():
        name = row.name
        snippets.delete(row)
        flash(f"Snippet {name!r} removed.", "success")
    return redirect(url_for("outreach.list_snippets"))
