"""The site's forms. Choices that come from the database are filled in by the views."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, EqualTo, Length, NumberRange, Optional

from registry.domain.clock import CHANNELS, OUTCOMES
from registry.domain.roles import ROLE_LABELS
from registry.models import CONTACT_POINT_KINDS, HANDLE_STATUSES, HOLDER_KINDS


def labelled(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v.replace("_", " ").capitalize()) for v in values]


def options(pairs) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


HOLDER_CHOICES = labelled(HOLDER_KINDS)
STATUS_CHOICES = labelled(HANDLE_STATUSES)


class SignupForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    display_name = StringField(
        "Name shown to staff",
        validators=[Optional(), Length(max=120)],
        description="Optional. Visitors never see it.",
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired(),
            Length(min=8, max=200, message="Passwords need at least 8 characters."),
        ],
        description="At least 8 characters.",
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", "The passwords differ.")],
    )
    submit = SubmitField("Create my account")


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Keep me signed in")
    submit = SubmitField("Log in")


class ProfileForm(FlaskForm):
    display_name = StringField("Name", validators=[Optional(), Length(max=120)])
    phone = StringField(
        "Phone",
        validators=[Optional(), Length(max=40)],
        description="Private: only staff and legal see it, when they follow up your requests.",
    )
    submit = SubmitField("Save")


class HandleForm(FlaskForm):
    platform = SelectField("Platform", validators=[DataRequired()])
    handle = StringField(
        "Handle",
        validators=[DataRequired(message="Enter a handle.")],
        description="As written on the platform, with or without @, or paste the profile URL.",
    )
    brand = SelectField("Brand it names", default="")
    holder_kind = SelectField("Held by", choices=options(HOLDER_CHOICES), default="unknown")
    holder_name = StringField("Holder's name", validators=[Optional(), Length(max=120)])
    holder_contact = StringField(
        "Holder's contact (private)",
        validators=[Optional(), Length(max=255)],
        description="E-mail or phone; never shown to visitors or fans.",
    )
    status = SelectField("Status", choices=options(STATUS_CHOICES), default="active")
    followers = IntegerField(
        "Followers", validators=[Optional(), NumberRange(min=0, message="Cannot be negative.")]
    )
    followers_seen_on = DateField("Followers counted on", validators=[Optional()])
    notes = TextAreaField("Public notes", validators=[Optional(), Length(max=5000)])
    private_notes = TextAreaField("Private notes", validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Save handle")


class HandleEditForm(HandleForm):
    """Platform, handle and holder are fixed here: holder changes go through custody."""

    platform = None
    handle = None
    holder_kind = None
    holder_name = None
    holder_contact = None


class HolderChangeForm(FlaskForm):
    holder_kind = SelectField("New holder", choices=options(HOLDER_CHOICES))
    holder_name = StringField("Holder's name", validators=[Optional(), Length(max=120)])
    holder_contact = StringField(
        "Holder's contact (private)", validators=[Optional(), Length(max=255)]
    )
    started_on = DateField("Holds it since", validators=[DataRequired(message="Enter a date.")])
    evidence_url = URLField(
        "Evidence (URL)", validators=[Optional(), URL(message="Enter a full URL (https://…).")]
    )
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Record the change of holder")


class BrandForm(FlaskForm):
    name = StringField(
        "Name", validators=[DataRequired(message="Enter the brand's name."), Length(max=120)]
    )
    slug = StringField(
        "Slug",
        validators=[Optional(), Length(max=64)],
        description="Lower-case name used in URLs and the API; made from the name when empty.",
    )
    country = StringField(
        "Country",
        default="FR",
        validators=[DataRequired(), Length(min=2, max=2)],
        description="Two-letter code; its public holidays pause the reply clock.",
    )
    timezone = StringField("Time zone", default="Europe/Paris", validators=[DataRequired()])
    website = URLField(
        "Website", validators=[Optional(), URL(message="Enter a full URL (https://…).")]
    )
    reply_deadline_days = IntegerField(
        "Reply deadline (business days)",
        validators=[Optional(), NumberRange(min=1, max=90)],
        description="Leave empty for the default (10).",
    )
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Save brand")


class ContactPointForm(FlaskForm):
    kind = SelectField("Department", choices=options(labelled(CONTACT_POINT_KINDS)))
    label = StringField("Label", validators=[Optional(), Length(max=120)])
    value = StringField("Address, phone or URL", validators=[DataRequired(), Length(max=255)])
    submit = SubmitField("Add contact point")


class UserRoleForm(FlaskForm):
    role = SelectField("Role", choices=options(ROLE_LABELS.items()))
    active = BooleanField("Active")
    submit = SubmitField("Save")


class ConfirmForm(FlaskForm):
    """A bare form for POST-only buttons, so they carry a CSRF token."""

    submit = SubmitField("Confirm")


REQUEST_KIND_CHOICES = [
    ("offer", "The holder offers it to the brand"),
    ("claim", "The brand asks for it back"),
]
TERMS_CHOICES = [
    ("free", "Free"),
    ("donation", "Against a donation to a charity"),
    ("sale", "Sale"),
]


class ProposalForm(FlaskForm):
    platform = SelectField("Platform")
    handle = StringField("Handle", description="With or without @, or paste the profile URL.")
    brand = SelectField("Brand it names", default="")
    kind = SelectField("Request", choices=options(REQUEST_KIND_CHOICES), default="offer")
    terms = SelectField("Terms", choices=options(TERMS_CHOICES), default="free")
    amount = StringField(
        "Amount (€)",
        validators=[Optional(), Length(max=20)],
        description="For a donation or a sale; leave empty when free.",
    )
    message = TextAreaField(
        "Message",
        validators=[Optional(), Length(max=5000)],
        description="What you propose and how the brand can reach you.",
    )
    submit = SubmitField("Propose the transfer")


class AttemptForm(FlaskForm):
    direction = SelectField(
        "Direction",
        choices=options([("outbound", "We contacted them"), ("inbound", "They contacted us")]),
    )
    channel = SelectField("Channel", choices=options(labelled(CHANNELS)))
    contact_point = StringField(
        "Department or contact reached",
        validators=[Optional(), Length(max=255)],
        description="e.g. web form, customer service, press office, CEO's office.",
    )
    happened_at = DateTimeLocalField(
        "When",
        validators=[DataRequired(message="Enter the date and time.")],
        description="Your local time (Paris). Never in the future.",
    )
    outcome = SelectField("Outcome", choices=options(labelled(OUTCOMES)))
    summary = TextAreaField("Summary", validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Log the attempt")


class TransitionForm(FlaskForm):
    to = HiddenField(validators=[DataRequired()])
    note = StringField("Note", validators=[Optional(), Length(max=500)])


class DecisionForm(FlaskForm):
    decision = SelectField(
        "Decision",
        choices=options([("accept", "Accept the transfer"), ("decline", "Decline the transfer")]),
    )
    channel = SelectField("Sent by", choices=options(labelled(CHANNELS)), default="email")
    summary = TextAreaField("Message to the holder", validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Record the decision")
