"""Forms for templates, sender identities, sequences, the suppression list and the preview picker."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from crm.outreach.identities import WEEKDAYS, IdentityError, parse_clock, zone_named
from crm.outreach.library import MAX_DELAY_DAYS, MAX_STEPS


class TemplateForm(FlaskForm):
    """A pitch or follow-up: name, subject and body with merge fields."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    subject = StringField("Subject", validators=[Length(max=500)])
    body = TextAreaField("Body", validators=[DataRequired(), Length(max=20_000)], render_kw={"rows": 14})
    recipient = SelectField("Preview for", choices=[], validate_choice=False)


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _clock(form, field) -> None:
    try:
        parse_clock(field.data or "")
    except IdentityError as exc:
        raise ValidationError(str(exc)) from exc


def _zone(form, field) -> None:
    if zone_named(field.data) is None:
        raise ValidationError("Use a time zone name such as Europe/London or America/New_York.")


class SenderForm(FlaskForm):
    """Who the mail comes from, how much a day and when."""

    from_name = StringField("From name", validators=[DataRequired(), Length(max=120)])
    from_email = EmailField("From address", validators=[DataRequired(), Length(max=254)])
    reply_domain = StringField("Reply domain", validators=[Optional(), Length(max=253)])
    daily_cap = IntegerField("Daily cap", default=50, validators=[NumberRange(min=0, max=100_000)])
    window_days = MultiCheckboxField("Sending days", default=["1", "2", "3", "4", "5"],
                                     choices=[SelectChoice(str(i + 1), d) for i, d in enumerate(WEEKDAYS)])
    window_start = StringField("Window opens", default="09:00", validators=[DataRequired(), _clock])
    window_end = StringField("Window closes", default="17:00", validators=[DataRequired(), _clock])
    timezone = StringField("Time zone", default="UTC", validators=[DataRequired(), Length(max=64), _zone])
    use_recipient_timezone = BooleanField("Use the recipient's time zone when known")
    active = BooleanField("Active", default=True)

    def validate_window_days(self, field) -> None:
        """At least one day."""
        if not field.data:
            raise ValidationError("Choose at least one day.")

    def validate_window_end(self, field) -> None:
        """The window closes after it opens."""
        try:
            if parse_clock(field.data) <= parse_clock(self.window_start.data or ""):
                raise ValidationError("The window must close after it opens.")
        except IdentityError:
            pass  # the field validator reports the format


SECURITY_CHOICES = [SelectChoice("tls", "TLS"), SelectChoice("starttls", "STARTTLS"),
                    SelectChoice("plain", "Plain (loopback test server only)")]


class MailboxForm(FlaskForm):
    """A sender's own SMTP and IMAP accounts; the password is never filled back in (PasswordField)."""

    smtp_host = StringField("SMTP host", validators=[Optional(), Length(max=253)])
    smtp_port = IntegerField("SMTP port", validators=[Optional(), NumberRange(min=1, max=65535)])
    smtp_security = SelectField("SMTP security", choices=SECURITY_CHOICES, default="starttls")
    smtp_user = StringField("SMTP user", validators=[Optional(), Length(max=254)])
    smtp_password = PasswordField("SMTP password", validators=[Optional(), Length(max=1024)])
    imap_host = StringField("IMAP host", validators=[Optional(), Length(max=253)])
    imap_port = IntegerField("IMAP port", validators=[Optional(), NumberRange(min=1, max=65535)])
    imap_security = SelectField("IMAP security", choices=SECURITY_CHOICES, default="tls")
    imap_user = StringField("IMAP user", validators=[Optional(), Length(max=254)])
    imap_password = PasswordField("IMAP password", validators=[Optional(), Length(max=1024)])

    def fields_of(self, kind: str) -> dict:
        """The values of one account, as crm.outreach.mailboxes.save_mailbox takes them."""
        return {name: getattr(self, f"{kind}_{name}").data for name in ("host", "port", "security", "user",
                                                                        "password")}


class StepForm(Form):
    """One step: its template and how many business days after the previous message."""

    template_id = SelectField("Template", choices=[], validate_choice=False)
    delay = IntegerField("Business days after the previous message", default=0,
                         validators=[Optional(), NumberRange(min=0, max=MAX_DELAY_DAYS)])
    # a subject and body test: other templates sent to an even share of the recipients each
    variant_b = SelectField("Variant B", choices=[], validate_choice=False)
    variant_c = SelectField("Variant C", choices=[], validate_choice=False)
    variant_d = SelectField("Variant D", choices=[], validate_choice=False)

    def variant_fields(self) -> list:
        """The fields of variants B, C and D."""
        return [self.variant_b, self.variant_c, self.variant_d]


class SequenceForm(FlaskForm):
    """A campaign's sequence: the sender and up to MAX_STEPS steps."""

    sender_id = SelectField("Send from", choices=[], validate_choice=False)
    steps = FieldList(FormField(StepForm), min_entries=MAX_STEPS, max_entries=MAX_STEPS)

    def chosen_steps(self) -> list[tuple[int, int, list[int]]]:
        """(template id, delay, variant template ids) for each filled step, in order."""
        chosen = []
        for entry in self.steps:
            value = entry.form.template_id.data
            if value and str(value).isdigit():
                others = [int(f.data) for f in entry.form.variant_fields() if str(f.data or "").isdigit()]
                chosen.append((int(value), int(entry.form.delay.data or 0), others))
        return chosen


class SuppressionForm(FlaskForm):
    """An address or a whole domain to suppress."""

    value = StringField("Address or domain", validators=[DataRequired(), Length(max=254)])


class AnswerForm(FlaskForm):
    """The inbox composer: the answer to a contact's last message."""

    body = TextAreaField("Your answer", validators=[DataRequired(message="Write something before sending."),
                                                      Length(max=50_000)])
    # Made when the composer is shown: pressing Send twice (or resending the form) sends one answer.
    draft = HiddenField(validators=[Optional(), Regexp(r"^[0-9a-f]{32}$", message="The form is out of date.")])


class ThreadStateForm(FlaskForm):
    """Move a thread by hand: done, back to needs reply, or waiting."""

    state = SelectField("State", choices=[SelectChoice("needs_reply", "Needs reply"),
                                          SelectChoice("waiting", "Waiting"), SelectChoice("done", "Done")])


class ThreadOwnerForm(FlaskForm):
    """Give a thread to a member of the workspace (choices set by the view), or to nobody."""

    owner = SelectField("Owner", choices=[], validate_choice=True)


class SnippetForm(FlaskForm):
    """A saved snippet for answers."""

    name = StringField("Name", validators=[DataRequired(message="Give the snippet a name."), Length(max=80)])
    body = TextAreaField("Text", validators=[DataRequired(message="Write the snippet's text."), Length(max=10_000)])
