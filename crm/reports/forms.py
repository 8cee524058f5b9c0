"""Forms of the reports pages: share links, monthly report mail, and deciding about a harmful link."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange

from crm.reports.sharing import DEFAULT_EXPIRY_DAYS, EXPIRY_DAYS


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


class ShareLinkForm(FlaskForm):
    """How long a new share link stays valid, and which internal notes the client may see (all off by default)."""

    days = SelectField("Valid for", choices=[SelectChoice(d, _days(d)) for d in EXPIRY_DAYS], coerce=int,
                       default=DEFAULT_EXPIRY_DAYS)
    show_risks = BooleanField("Show risk warnings (paid and harmful links)")
    show_costs = BooleanField("Show costs (spent, cost per link)")
    show_reply_rates = BooleanField("Show reply rates")


class ShareNotesForm(FlaskForm):
    """Change which internal notes an existing share link shows."""

    show_risks = BooleanField("Risk warnings")
    show_costs = BooleanField("Costs")
    show_reply_rates = BooleanField("Reply rates")


class ReportScheduleForm(FlaskForm):
    """Mail this report to a client address every month."""

    recipient = StringField("Client address", validators=[DataRequired(), Length(max=254)])
    day = IntegerField("Day of the month", default=1, validators=[DataRequired(), NumberRange(1, 28)])
    show_risks = BooleanField("Risk warnings")
    show_costs = BooleanField("Costs")
    show_reply_rates = BooleanField("Reply rates")

    def __init__(self, *args, **kwargs):
        # Prefixed: the share-link form on the same page has note boxes of the same names.
        kwargs.setdefault("prefix", "schedule")
        super().__init__(*args, **kwargs)


class DecisionForm(FlaskForm):
    """Disavow or keep the domain or the URL of one flagged link."""

    backlink_id = IntegerField(validators=[DataRequired()])
    scope = HiddenField(validators=[AnyOf(("domain", "url"))])
    decision = StringField(validators=[AnyOf(("disavow", "keep", "undecided"))])
    comment = StringField("Note for the disavow file", validators=[Length(max=500)])
