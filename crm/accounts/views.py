"""Sign-in, sign-out, password, workspace switching, members and invitations."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from crm.accounts import audit, auth, forms, logo
from crm.accounts import workspaces as ws
from crm.accounts.current import current_workspace, get_scoped_or_404, require_role, switch_workspace
from crm.accounts.models import Invitation, Membership
from crm.extensions import db, login_manager
from crm.security import safe_next

bp = Blueprint("accounts", __name__)

SESSION_TOKEN_KEY = "sid"  # noqa: S105 - a session key name, not a secret


@login_manager.user_loader
def _load_user(user_id: str):
    """Only a cookie whose server-side session is still open signs anyone in."""
    return auth.session_user(user_id, session.get(SESSION_TOKEN_KEY))


def _start_session(user, token: str) -> None:
    session.clear()  # a fresh session at sign-in: nothing from before survives (fixation)
    session[SESSION_TOKEN_KEY] = token
    session.permanent = True
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in page."""
    if current_user.is_authenticated:
        return redirect(url_for("reports.dashboard"))
    form = forms.LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            result = auth.sign_in(
                form.email.data,
                form.password.data,
                address=request.remote_addr or "",
                user_agent=request.user_agent.string,
            )
        except auth.AuthError as exc:
            flash(str(exc), "danger")
        else:
            _start_session(result.user, result.session_token)
            return redirect(safe_next(form.next.data, url_for("reports.dashboard")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    """Sign out: the server-side session ends, so a copied cookie is worthless."""
    if current_user.is_authenticated:
        audit.record_for_user(current_user, "sign_out")  # committed with the session's end
    auth.end_session(session.get(SESSION_TOKEN_KEY))
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """One's own password and sessions."""
    form = forms.PasswordForm()
    if form.validate_on_submit():
        try:
            ended = auth.change_password(
                current_user, form.current_password.data, form.new_password.data, session.get(SESSION_TOKEN_KEY)
            )
        except auth.AuthError as exc:
            flash(str(exc), "danger")
        else:
            flash(f"Password changed. {ended} other session(s) signed out.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form, action_form=forms.ActionForm())


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    """Sign out every other browser."""
    if forms.ActionForm().validate_on_submit():
        ended = auth.end_other_sessions(current_user, session.get(SESSION_TOKEN_KEY))
        flash(f"{ended} other session(s) signed out.", "success")
    return redirect(url_for("accounts.account"))


@bp.route("/workspaces", methods=["GET", "POST"])
@login_required
def workspaces():
    """The user's workspaces, and a form to create one."""
    form = forms.NewWorkspaceForm()
    may_create = ws.may_create_workspace(current_user)
    if request.method == "POST" and not may_create:
        flash(ws.CREATION_REFUSED, "danger")
        return render_template("accounts/workspaces.html", form=form, may_create=False,
                               memberships=ws.memberships_of(current_user)), 403
    if form.validate_on_submit():
        try:
            workspace = ws.new_workspace_for(current_user, form.name.data)
        except ws.WorkspaceError as exc:
            flash(str(exc), "danger")
        else:
            switch_workspace(workspace.id)
            flash(f"Workspace {workspace.name} created.", "success")
            return redirect(url_for("reports.dashboard"))
    return render_template("accounts/workspaces.html", form=form, may_create=may_create,
                           memberships=ws.memberships_of(current_user))


@bp.post("/workspaces/switch")
@login_required
def switch():
    """Make another of one's workspaces current."""
    form = forms.SwitchWorkspaceForm()
    if not form.validate_on_submit() or switch_workspace(form.workspace_id.data) is None:
        abort(404)
    flash(f"Now working in {current_workspace().name}.", "info")
    return redirect(url_for("reports.dashboard"))


@bp.get("/workspace/settings")
@require_role("viewer")
def settings():
    """The current workspace's name, postal address, members and invitations."""
    return _settings_page(forms.WorkspaceSettingsForm(obj=current_workspace()))


@bp.post("/workspace/settings")
@require_role("admin")
def save_settings():
    """Rename the workspace or change its postal address."""
    form = forms.WorkspaceSettingsForm()
    if form.validate_on_submit():
        try:
            ws.update_workspace(current_workspace(), name=form.name.data, postal_address=form.postal_address.data or "")
        except ws.WorkspaceError as exc:
            flash(str(exc), "danger")
        else:
            flash("Workspace saved.", "success")
            return redirect(url_for("accounts.settings"))
    return _settings_page(form), 400


@bp.post("/workspace/logo")
@require_role("admin")
def save_logo():
    """Upload the logo the workspace's share pages carry; refused with the reason when it is not a safe image."""
    form = forms.LogoForm()
    if form.validate_on_submit():
        upload = form.logo.data
        try:
            logo.set_logo(current_workspace(), upload.read(logo.MAX_LOGO_BYTES + 1) if upload else b"", current_user.id)
        except logo.LogoError as exc:
            flash(str(exc), "danger")
            return _settings_page(forms.WorkspaceSettingsForm(obj=current_workspace()), form), 400
        flash("Logo saved: shared reports now carry it.", "success")
    return redirect(url_for("accounts.settings"))


@bp.post("/workspace/logo/remove")
@require_role("admin")
def remove_logo():
    """Take the logo off the workspace's share pages."""
    if forms.ActionForm().validate_on_submit():
        logo.remove_logo(current_workspace(), current_user.id)
        flash("Logo removed.", "success")
    return redirect(url_for("accounts.settings"))


@bp.get("/workspace/logo")
@require_role("viewer")
def show_logo():
    """The current workspace's logo image."""
    return logo.logo_response(current_workspace())


def _settings_page(form, logo_form=None):
    workspace = current_workspace()
    invitations = db.session.scalars(
        db.select(Invitation).where(Invitation.workspace_id == workspace.id).order_by(Invitation.created_at.desc())
    ).all()
    return render_template(
        "accounts/settings.html",
        form=form,
        logo_form=logo_form or forms.LogoForm(),
        invite_form=forms.InviteForm(),
        role_form=forms.RoleForm(),
        action_form=forms.ActionForm(),
        members=sorted(workspace.memberships, key=lambda m: m.user.email),
        invitations=invitations,
    )


@bp.post("/workspace/invitations")
@require_role("owner")
def invite():
    """An owner invites someone; the link is shown once to pass on."""
    form = forms.InviteForm()
    if form.validate_on_submit():
        try:
            made = ws.invite(current_workspace(), form.email.data, form.role.data, current_user)
        except ws.WorkspaceError as exc:
            flash(str(exc), "danger")
        else:
            link = url_for("accounts.accept", token=made.token, _external=True)
            flash(f"Invitation for {made.invitation.email} made. Send them this link (shown once): {link}", "success")
    return redirect(url_for("accounts.settings"))


@bp.post("/workspace/invitations/<int:invitation_id>/revoke")
@require_role("owner")
def revoke(invitation_id: int):
    """Withdraw a pending invitation."""
    invitation = get_scoped_or_404(Invitation, invitation_id)
    if forms.ActionForm().validate_on_submit():
        ws.revoke_invitation(invitation)
        flash(f"Invitation for {invitation.email} withdrawn.", "info")
    return redirect(url_for("accounts.settings"))


@bp.post("/workspace/members/<int:membership_id>/role")
@require_role("owner")
def change_role(membership_id: int):
    """Give a member another role."""
    membership = get_scoped_or_404(Membership, membership_id)
    form = forms.RoleForm()
    if form.validate_on_submit():
        try:
            ws.change_role(membership, form.role.data)
        except ws.WorkspaceError as exc:
            flash(str(exc), "danger")
        else:
            flash(f"{membership.user.email} is now {membership.role}.", "success")
    return redirect(url_for("accounts.settings"))


@bp.post("/workspace/members/<int:membership_id>/remove")
@require_role("owner")
def remove_member(membership_id: int):
    """Remove someone from the workspace."""
    membership = get_scoped_or_404(Membership, membership_id)
    if forms.ActionForm().validate_on_submit():
        email = membership.user.email
        try:
            ws.remove_member(membership)
        except ws.WorkspaceError as exc:
            flash(str(exc), "danger")
        else:
            flash(f"{email} removed from the workspace.", "info")
    return redirect(url_for("accounts.settings"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept(token: str):
    """Accept an invitation: join as the signed-in user, or create an account for the invited address."""
    invitation = ws.find_invitation(token)
    if invitation is None:
        return render_template("accounts/invitation_invalid.html"), 404
    form = forms.AcceptInvitationForm()
    action_form = forms.ActionForm()
    if request.method == "POST":
        try:
            if current_user.is_authenticated and action_form.validate_on_submit():
                ws.accept_invitation(invitation, current_user)
            elif not current_user.is_authenticated and form.validate_on_submit():
                _join_as_new_user(invitation, form)
            else:
                raise ws.WorkspaceError("Please check the form and try again.")
        except ws.WorkspaceError as exc:
            flash(str(exc), "danger")
        else:
            switch_workspace(invitation.workspace_id)
            flash(f"Welcome to {invitation.workspace.name}.", "success")
            return redirect(url_for("reports.dashboard"))
    return render_template("accounts/accept.html", invitation=invitation, form=form, action_form=action_form)


def _join_as_new_user(invitation, form) -> None:
    user = ws.accept_as_new_user(invitation, form.name.data or "", form.password.data)
    token = auth.open_session_saved(user, address=request.remote_addr or "", user_agent=request.user_agent.string)
    _start_session(user, token)
