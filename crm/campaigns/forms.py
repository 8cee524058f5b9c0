"""Forms for campaigns, opportunities, moves, bulk changes, tasks, costs and adding sites."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from crm.campaigns import money, stages, targets
from crm.campaigns.models import CAMPAIGN_STATUSES, PAYMENT_STATUSES, STAGES

STAGE_CHOICES = [SelectChoice(stage, stages.label(stage)) for stage in STAGES]
STATUS_CHOICES = [SelectChoice(status, status.capitalize()) for status in CAMPAIGN_STATUSES]
CURRENCY_CHOICES = [SelectChoice(code, code) for code in money.CURRENCIES]


def optional_int(value):
    """'' or None → None; anything else → int (ValueError for junk)."""
    if value in (None, "", "None"):
        return None
    return int(value)


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def people_choices(users, none_label: str = "Unassigned") -> list[SelectChoice]:
    """Choices for an owner or assignee select."""
    return choices([("", none_label)] + [(str(u.id), u.display_name) for u in users])


class AmountField(StringField):
    """Money typed as text ('1,250.50'), held as integer cents in .cents."""

    cents: int | None = None

    def pre_validate(self, form):
        """Read the amount, or say what is wrong with it."""
        try:
            self.cents = money.parse_amount(self.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class CampaignForm(FlaskForm):
    """A campaign's settings and its target pages."""

    name = StringField("Name", validators=[DataRequired(), Length(max=160)])
    kind = SelectField("Kind", choices=[])
    status = SelectField("Status", choices=STATUS_CHOICES, default="draft")
    goal_links = IntegerField("Goal (links)", validators=[Optional(), NumberRange(min=0, max=100000)])
    budget = AmountField("Budget", validators=[Length(max=20)])
    currency = SelectField("Currency", choices=CURRENCY_CHOICES, default="USD")
    starts_on = DateField("Starts on", validators=[Optional()])
    ends_on = DateField("Ends on", validators=[Optional()])
    owner_id = SelectField("Owner", choices=[], coerce=optional_int)
    description = TextAreaField("Description", validators=[Length(max=5000)])
    target_pages = TextAreaField("Target pages and anchors", validators=[Length(max=20000)])

    def validate_target_pages(self, field):
        """Each line: a page on our site, then | and the anchors wanted for it, comma-separated."""
        try:
            self.parsed_targets = targets.parse_targets(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def validate_ends_on(self, field):
        """A campaign ends after it starts."""
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The end date is before the start date.")


class OpportunityForm(FlaskForm):
    """What a person edits on an opportunity."""

    contact_id = SelectField("Contact", choices=[], coerce=optional_int)
    owner_id = SelectField("Owner", choices=[], coerce=optional_int)
    target_page_id = SelectField("Target page", choices=[], coerce=optional_int)
    next_action_on = DateField("Next action on", validators=[Optional()])
    notes = TextAreaField("Notes", validators=[Length(max=10000)])
    price = AmountField("Price (paid placement)", validators=[Length(max=20)])
    currency = SelectField("Currency", choices=CURRENCY_CHOICES, default="USD")
    payment_status = SelectField(
        "Payment", choices=choices([("", "Not a paid placement")] + [(p, p.capitalize()) for p in PAYMENT_STATUSES]),
        coerce=lambda v: v or None,
    )
    term = RadioField("Term", choices=choices([("permanent", "Permanent"), ("until", "Until a date")]),
                      default="permanent")
    term_until = DateField("Until", validators=[Optional()])

    def validate(self, extra_validators=None):
        """A placement for a while needs its end date (checked here: an empty optional date skips field checks)."""
        valid = super().validate(extra_validators)
        if self.term.data == "until" and not self.term_until.data and not self.term_until.errors:
            self.term_until.errors = [*self.term_until.errors, "Give the date the placement ends, or choose permanent."]
            return False
        return valid


class MoveForm(FlaskForm):
    """Move one card: the stage, and (from drag and drop) the card it was dropped below."""

    stage = SelectField("Stage", choices=STAGE_CHOICES)
    after_id = IntegerField(validators=[Optional()])
    next = HiddenField()


class BulkForm(FlaskForm):
    """Change the selected rows of the table: their stage or their owner."""

    action = SelectField("Change", choices=choices([("stage", "Move to stage"), ("owner", "Give to")]))
    stage = SelectField("Stage", choices=STAGE_CHOICES)
    owner_id = SelectField("Owner", choices=[], coerce=optional_int, validate_choice=False)
    next = HiddenField()


class TaskForm(FlaskForm):
    """A task made by hand."""

    title = StringField("Task", validators=[DataRequired(), Length(max=200)])
    due_on = DateField("Due on", validators=[Optional()])
    assignee_id = SelectField("Assignee", choices=[], coerce=optional_int)
    notes = TextAreaField("Notes", validators=[Length(max=5000)])
    next = HiddenField()


class CostForm(FlaskForm):
    """Money spent on the campaign beyond placement prices."""

    amount = AmountField("Amount", validators=[DataRequired(), Length(max=20)])
    currency = SelectField("Currency", choices=CURRENCY_CHOICES, default="USD")
    description = StringField("What for", validators=[DataRequired(), Length(max=200)])
    spent_on = DateField("Spent on", validators=[Optional()])


class AddSitesForm(FlaskForm):
    """The campaign to add the ticked sites to (site_ids come as a list)."""

    campaign_id = IntegerField("Campaign", validators=[DataRequired()])
    next = HiddenField()


class ActionForm(FlaskForm):
    """A button that changes something: carries only the CSRF token."""


class RecordLinkForm(FlaskForm):
    """The live link a won opportunity got: where it is, where it points, what was agreed."""

    source_url = StringField("Live URL of the linking page", validators=[DataRequired(), Length(max=2048)])
    target_url = StringField("Our page it links to", validators=[DataRequired(), Length(max=2048)])
    expected_anchor = StringField("Expected anchor text", validators=[Optional(), Length(max=500)])
    expected_rel = SelectField("Expected rel", default="", choices=[
        SelectChoice("", "No expectation"), SelectChoice("follow", "Followed (dofollow)"),
        SelectChoice("nofollow", "nofollow"), SelectChoice("sponsored", "sponsored"), SelectChoice("ugc", "ugc")])
