"""Forms of the sites pages: import, edit a site, contacts, metrics, merge, bulk actions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from crm.prospects import contactinfo
from crm.prospects.bulk import ACTIONS
from crm.prospects.importing.formats import METRICS
from crm.prospects.metrics import SOURCES
from crm.prospects.models import CONTACT_STATUSES, EDITABLE_VERIFICATIONS, SITE_STATUSES
from crm.prospects.sites import STATUS_LABELS

STATUS_CHOICES = [SelectChoice(s, STATUS_LABELS[s]) for s in SITE_STATUSES]
CONTACT_STATUS_CHOICES = [SelectChoice(s, s.replace("_", " ").capitalize()) for s in CONTACT_STATUSES]
METRIC_CHOICES = [SelectChoice(k, v[0]) for k, v in METRICS.items() if k != "is_spam"]
SOURCE_CHOICES = [SelectChoice(s, "Search Console" if s == "gsc" else s.capitalize()) for s in SOURCES]
VERIFICATION_CHOICES = [SelectChoice("", "Not checked"), *(
    SelectChoice(s, contactinfo.verification_label(s).capitalize()) for s in EDITABLE_VERIFICATIONS)]
ACTION_CHOICES = [SelectChoice("", "Choose an action…"), *(SelectChoice(k, v) for k, v in ACTIONS.items())]


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class UploadForm(FlaskForm):
    """Choose an export file."""

    file = FileField("Export file (CSV or TSV)", validators=[FileRequired("Choose a file to import.")])


class ImportOptionsForm(FlaskForm):
    """Choices on the preview page before importing."""

    create_backlinks = BooleanField("Also track these links as backlinks to your site")
    tags = StringField("Tag every imported site", validators=[Length(max=300)])
    measured_on = DateField("Date the metrics were measured", validators=[Optional()])


class NewSiteForm(FlaskForm):
    """Add one site by hand."""

    domain = StringField("Domain or address", validators=[DataRequired(), Length(max=2048)])


class SiteForm(FlaskForm):
    """A site's editable fields."""

    name = StringField("Name", validators=[Length(max=200)])
    homepage = StringField("Homepage", validators=[Length(max=2048)])
    status = SelectField("Status", choices=STATUS_CHOICES)
    owner_id = SelectField("Owner", choices=[], coerce=str)
    tags = StringField("Tags (comma-separated)", validators=[Length(max=1000)])
    notes = TextAreaField("Notes", validators=[Length(max=20_000)])


class ContactForm(FlaskForm):
    """A contact's details."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    first_name = StringField("First name", validators=[Length(max=100)])
    last_name = StringField("Last name", validators=[Length(max=100)])
    position = StringField("Position", validators=[Length(max=150)])
    status = SelectField("Status", choices=CONTACT_STATUS_CHOICES, default="ok")
    linkedin_url = StringField("LinkedIn", validators=[Length(max=2048)],
                               description="A linkedin.com address, or the profile name after /in/")
    twitter = StringField("X/Twitter", validators=[Length(max=200)], description="@handle or an x.com address")
    email_verification = SelectField("Email verification", choices=VERIFICATION_CHOICES, default="")

    def validate_linkedin_url(self, field) -> None:
        """A linkedin.com http(s) address or a bare profile name, stored as the full address."""
        field.data = _profile(contactinfo.parse_linkedin, field.data)

    def validate_twitter(self, field) -> None:
        """An X/Twitter handle, or an x.com / twitter.com http(s) address, stored as the handle."""
        field.data = _profile(contactinfo.parse_twitter, field.data)


def _profile(parse, raw: str | None) -> str:
    """The normalised profile, empty when left blank; ValidationError naming what was wrong."""
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        return parse(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class MetricForm(FlaskForm):
    """A measurement entered by hand."""

    name = SelectField("Metric", choices=METRIC_CHOICES)
    value = DecimalField("Value", validators=[InputRequired(), NumberRange(min=0)])
    source = SelectField("Source", choices=SOURCE_CHOICES, default="manual")
    measured_on = DateField("Measured on", validators=[InputRequired()])


class MergeForm(FlaskForm):
    """Name the site to merge into this one."""

    other = StringField("Domain of the site to merge into this one", validators=[DataRequired(), Length(max=2048)])
    confirm = BooleanField("I understand the other site is removed after its data moves here",
                           validators=[DataRequired("Tick the box to confirm.")])


class BulkForm(FlaskForm):
    """A bulk action on the sites list (the chosen site ids come as repeated site_ids fields)."""

    action = SelectField("Action", choices=ACTION_CHOICES, validate_choice=False)
    tag = StringField("Tag", validators=[Length(max=60)])
    owner = SelectField("Owner", choices=[], validate_choice=False)
    status = SelectField("Status", choices=STATUS_CHOICES, validate_choice=False)
    scope = HiddenField(default="selected")
    query = HiddenField()
