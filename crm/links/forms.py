"""Forms for adding, editing and importing backlinks."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from crm.links.models import ACQUISITIONS, SELF_CREATED_KINDS
from crm.links.wording import ACQUISITION_WORDS, REL_CHOICES, SELF_KIND_WORDS

ACQUISITION_CHOICES = [SelectChoice(a, ACQUISITION_WORDS[a]) for a in ACQUISITIONS]
SELF_KIND_CHOICES = [SelectChoice("", "—"), *(SelectChoice(k, SELF_KIND_WORDS[k]) for k in SELF_CREATED_KINDS)]
REL_FORM_CHOICES = [SelectChoice(value, label) for value, label in REL_CHOICES.items()]


def campaign_choices(pairs: list[tuple[int, str]]) -> list[SelectChoice]:
    """Choices of a campaign select: none, then the workspace's campaigns."""
    return [SelectChoice(0, "No campaign"), *(SelectChoice(i, name) for i, name in pairs)]


def opportunity_choices(rows: list[tuple[int, str, str]]) -> dict[str, list[SelectChoice]]:
    """Choices of an opportunity select, grouped by campaign (the first group: none)."""
    groups: dict[str, list[SelectChoice]] = {"": [SelectChoice(0, "No card")]}
    for opportunity_id, campaign_name, label in rows:
        groups.setdefault(campaign_name, []).append(SelectChoice(opportunity_id, label))
    return groups


def _int_or_none(value):
    """A select's value as an id; the empty choice is None."""
    return int(value) if value not in (None, "", "0", 0, "None") else None


class BacklinkForm(FlaskForm):
    """One backlink: where it is, where it points, what was agreed and what it cost."""

    source_url = StringField("Linking page (source URL)", validators=[DataRequired(), Length(max=2048)])
    target_url = StringField("Our page it links to (target URL)", validators=[DataRequired(), Length(max=2048)])
    expected_anchor = StringField("Expected anchor text", validators=[Optional(), Length(max=500)])
    expected_rel = SelectField("Expected rel", choices=REL_FORM_CHOICES, default="")
    acquisition = SelectField("How we got it", choices=ACQUISITION_CHOICES, default="outreach")
    self_kind = SelectField("Kind of self-created link", choices=SELF_KIND_CHOICES, default="")
    cost = StringField("Cost", validators=[Optional(), Length(max=30)])
    currency = StringField("Currency", default="", validators=[Optional(), Length(min=3, max=3)])
    placed_on = DateField("Placed on", validators=[Optional()])
    campaign_id = SelectField("Campaign", coerce=_int_or_none, choices=[], validate_choice=False)
    opportunity_id = SelectField("Card it came from", coerce=_int_or_none, choices=[], validate_choice=False)


class ImportForm(FlaskForm):
    """Many backlinks at once: pasted lines or a CSV file, with defaults for what the rows leave out."""

    pasted = TextAreaField("Paste links", validators=[Optional(), Length(max=2_000_000)])
    file = FileField("Or upload a CSV file")
    acquisition = SelectField("How we got them", choices=ACQUISITION_CHOICES, default="outreach")
    campaign_id = SelectField("Campaign", coerce=_int_or_none, choices=[], validate_choice=False)
