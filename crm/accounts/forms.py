"""Forms for signing in, passwords, workspaces, members and invitations."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, HiddenField, IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from crm.accounts.auth import MIN_PASSWORD_LENGTH
from crm.accounts.models import ROLES

ROLE_CHOICES = [SelectChoice(role, role.capitalize()) for role in ROLES]


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class PasswordForm(FlaskForm):
    """Change one's own password."""

    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField(
        "New password", validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024)]
    )
    confirm = PasswordField("Repeat the new password", validators=[EqualTo("new_password", "The passwords differ.")])


class ActionForm(FlaskForm):
    """A button that changes something: carries only the CSRF token."""


class SwitchWorkspaceForm(FlaskForm):
    """Pick the current workspace from the header."""

    workspace_id = IntegerField(validators=[DataRequired()])


class NewWorkspaceForm(FlaskForm):
    """Create a workspace for a client or team."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)])


class WorkspaceSettingsForm(FlaskForm):
    """A workspace's name and the postal address for email footers."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    postal_address = TextAreaField("Postal address (printed in every outreach email)", validators=[Length(max=500)])


class LogoForm(FlaskForm):
    """The workspace's logo for share pages; its bytes are checked by crm.accounts.logo."""

    logo = FileField("Logo for shared reports (PNG, JPEG or WebP, up to 200 KB)",
                     render_kw={"accept": "image/png,image/jpeg,image/webp"})


class InviteForm(FlaskForm):
    """Invite someone by email with a role."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    role = SelectField("Role", choices=ROLE_CHOICES, default="member")


class RoleForm(FlaskForm):
    """Give a member another role."""

    role = SelectField("Role", choices=ROLE_CHOICES)


class AcceptInvitationForm(FlaskForm):
    """Create an account to accept an invitation."""

    name = StringField("Your name", validators=[Length(max=120)])
    password = PasswordField("Password", validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024)])
    confirm = PasswordField("Repeat the password", validators=[EqualTo("password", "The passwords differ.")])
