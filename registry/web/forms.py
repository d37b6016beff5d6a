"""The site's forms. Choices that come from the database are filled in by the views."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm

# SelectChoice is WTForms 3.2's; types-WTForms does not know it yet.
from wtforms import (  # type: ignore[attr-defined]
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
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from registry.domain import clock, handover, letters, limits, passwords
from registry.domain.handover import FAILURE_REASONS
from registry.domain.messages import LANGUAGES
from registry.presentation import i18n, words
from registry.presentation.labels import LABELS, labelled
from registry.services.letters import NOTE_MAX


def options(pairs) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class WebUrl:
    """The registry's one rule for links (registry.domain.limits.check_web_url): http or
    https only, and at most `max_length` characters (the input's maxlength too), so the form
    says at once, and once, what the use case would refuse."""

    def __init__(self, max_length: int = limits.URL_MAX) -> None:
        self.max_length = max_length
        self.length = Length(max=max_length)
        self.field_flags = self.length.field_flags

    def __call__(self, form, field) -> None:
        self.length(form, field)  # said as every text field of the site says it
        try:
            field.data = limits.check_web_url(field.data, max_length=self.max_length)
        except limits.OutOfRange as exc:
            raise ValidationError(words.translate(exc.msgid, exc.params)) from None


web_url = WebUrl()

HOLDER_CHOICES = labelled("holder_kind")
STATUS_CHOICES = labelled("status")


def _out_of_bounds(field) -> str | None:
    """Why a field's value cannot be kept (translated), or None: a whole number beyond a
    32-bit column, a date or a date and time outside 1900-2100."""
    data = field.data
    try:
        if isinstance(field, IntegerField) and isinstance(data, int):
            if not -limits.INT32_MAX - 1 <= data <= limits.INT32_MAX:
                low, high = _number_range(field)
                limits.check_int(data, minimum=low, maximum=high)
        elif isinstance(field, DateTimeLocalField) and isinstance(data, datetime):
            limits.check_moment(data)
        elif isinstance(field, DateField) and isinstance(data, date):
            limits.check_day(data)
    except limits.OutOfRange as exc:
        return words.translate(exc.msgid, exc.params)
    return None


def _number_range(field) -> tuple[int, int]:
    """The range a whole-number field accepts: its NumberRange validators within 32 bits."""
    low, high = -limits.INT32_MAX - 1, limits.INT32_MAX
    for validator in field.validators:
        if isinstance(validator, NumberRange):
            low = low if validator.min is None else max(low, int(validator.min))
            high = high if validator.max is None else min(high, int(validator.max))
    return low, high


def _stop_validation(form) -> None:
    raise StopValidation()  # the field already says what is wrong


class BoundedForm(FlaskForm):
    """Every form of the site. Whatever its fields declare, a whole number must fit its
    column (32 bits) and a date, or a date and time, lie within 1900-2100: a value beyond is
    refused as the form reads it, before any validator or view computes with it (a number of
    400 digits cannot even be compared with a float). A text without a length of its own is
    at most limits.TEXT_INPUT_MAX characters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self._fields.values():
            problem = _out_of_bounds(field)
            if problem:
                field.data = None
                field.process_errors.append(problem)
                field.pre_validate = _stop_validation

    def validate(self, extra_validators=None) -> bool:
        extra = {name: list(checks) for name, checks in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            if isinstance(field, StringField) and not any(
                isinstance(validator, Length) for validator in field.validators
            ):
                extra.setdefault(name, []).append(_TEXT_INPUT_LENGTH)
        return super().validate(extra_validators=extra)


def _text_input_length(form, field) -> None:
    """Length(max=limits.TEXT_INPUT_MAX), for the texts a form sent (a view may have put
    another value in a hidden field, such as a version number)."""
    if isinstance(field.data, str):
        Length(max=limits.TEXT_INPUT_MAX)(form, field)


_TEXT_INPUT_LENGTH = _text_input_length


def password_field(label) -> PasswordField:
    """A new password: the domain's rules (registry.domain.passwords) decide; the form only
    bounds the length it reads and says what is asked."""
    return PasswordField(
        label,
        validators=[
            DataRequired(message=_l("Choose a password.")),
            Length(max=passwords.MAX_LENGTH),
        ],
        description=_l(passwords.HINT, min=passwords.MIN_LENGTH),
    )


class SignupForm(BoundedForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Length(max=limits.EMAIL_MAX)],
        description=_l("Private: we send the link that creates your account to it."),
    )
    display_name = StringField(
        _l("Your name"),
        validators=[Optional(), Length(max=limits.NAME_MAX)],
        description=_l(
            "Optional. Staff and the brands' legal teams see it. It becomes public only on a "
            'handle you offer, and only if you tick "Show my name" on that proposal.'
        ),
    )
    password = password_field(_l("Password"))
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))],
    )
    submit = SubmitField(_l("Create my account"))


class ConfirmSignupForm(BoundedForm):
    submit = SubmitField(_l("Create my account"))


class PasswordForm(BoundedForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = password_field(_l("New password"))
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))],
    )
    submit = SubmitField(_l("Change the password"))


class LoginForm(BoundedForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Log in"))


def local_time_help() -> str:
    return gettext("Your local time (%(zone)s). Never in the future.", zone=i18n.zone_city())


def known_time_zone(form, field) -> None:
    if not i18n.is_known_zone((field.data or "").strip()):
        raise ValidationError(
            gettext(
                'Unknown time zone "%(zone)s"; use a name such as Europe/Paris.', zone=field.data
            )
        )


LANGUAGE_CHOICES = [("", _l("The browser's language")), *LANGUAGES.items()]


class ProfileForm(BoundedForm):
    display_name = StringField(_l("Name"), validators=[Optional(), Length(max=limits.NAME_MAX)])
    phone = StringField(
        _l("Phone"),
        validators=[Optional(), Length(max=limits.PHONE_MAX)],
        description=_l("Private: only staff and legal see it, when they follow up your requests."),
    )
    locale = SelectField(_l("Language"), choices=options(LANGUAGE_CHOICES), default="")
    timezone = StringField(
        _l("Time zone"),
        default=i18n.DEFAULT_TIMEZONE,
        validators=[DataRequired(message=_l("Enter a time zone.")), known_time_zone],
        description=_l("Dates and times are shown in it, e.g. Europe/Paris or America/Montreal."),
    )
    digests = BooleanField(
        _l("E-mail me the overdue digest"),
        description=_l(
            "One e-mail when requests you see become overdue or due soon; each once per flag."
        ),
    )
    submit = SubmitField(_l("Save"))


class HandleForm(BoundedForm):
    platform = SelectField(_l("Platform"), validators=[DataRequired()])
    handle = StringField(
        _l("Handle"),
        validators=[DataRequired(message=_l("Enter a handle."))],
        description=_l("As written on the platform, with or without @, or paste the profile URL."),
        render_kw={"maxlength": limits.HANDLE_INPUT_MAX},  # the use case checks it
    )
    brand = SelectField(_l("Brand it names"), default="")
    holder_kind = SelectField(_l("Held by"), choices=options(HOLDER_CHOICES), default="unknown")
    holder_name = StringField(
        _l("Holder's name"), validators=[Optional(), Length(max=limits.NAME_MAX)]
    )
    holder_contact = StringField(
        _l("Holder's contact (private)"),
        validators=[Optional(), Length(max=limits.CONTACT_MAX)],
        description=_l("E-mail or phone; never shown to visitors or fans."),
    )
    status = SelectField(_l("Status"), choices=options(STATUS_CHOICES), default="active")
    followers = IntegerField(
        _l("Followers"),
        validators=[
            Optional(),
            NumberRange(min=0, message=_l("Cannot be negative.")),
            NumberRange(max=limits.MAX_FOLLOWERS, message=_l("At most %(max)s followers.")),
        ],
    )
    followers_seen_on = DateField(_l("Followers counted on"), validators=[Optional()])
    notes = TextAreaField(_l("Public notes"), validators=[Optional(), Length(max=limits.NOTE_MAX)])
    private_notes = TextAreaField(
        _l("Private notes"), validators=[Optional(), Length(max=limits.NOTE_MAX)]
    )
    submit = SubmitField(_l("Save handle"))


class HandleEditForm(HandleForm):
    """Platform, handle and holder are fixed here: holder changes go through custody."""

    version = HiddenField()  # the version the editor read: a stale save is refused

    # WTForms drops a parent's field that a subclass sets to None (typed stubs do not know).
    platform = None  # type: ignore[assignment]
    handle = None  # type: ignore[assignment]
    holder_kind = None  # type: ignore[assignment]
    holder_name = None  # type: ignore[assignment]
    holder_contact = None  # type: ignore[assignment]


class HolderChangeForm(BoundedForm):
    version = HiddenField()
    holder_kind = SelectField(_l("New holder"), choices=options(HOLDER_CHOICES))
    holder_name = StringField(
        _l("Holder's name"), validators=[Optional(), Length(max=limits.NAME_MAX)]
    )
    holder_contact = StringField(
        _l("Holder's contact (private)"), validators=[Optional(), Length(max=limits.CONTACT_MAX)]
    )
    started_on = DateField(
        _l("Holds it since"), validators=[DataRequired(message=_l("Enter a date."))]
    )
    evidence_url = URLField(
        _l("Evidence (URL)"),
        validators=[Optional(), web_url],
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=limits.CUSTODY_NOTE_MAX)])
    submit = SubmitField(_l("Record the change of holder"))


class VerifyHolderForm(BoundedForm):
    version = HiddenField()
    evidence_url = URLField(
        _l("Page that shows who holds it"),
        validators=[DataRequired(message=_l("Give the address of the page you checked.")), web_url],
        description=_l(
            "The profile's bio, a post or a message from the account that names the holder."
        ),
    )
    submit = SubmitField(_l("Confirm the holder"))


def deadline_help() -> str:
    return gettext(
        "Leave empty for the default (%(days)s).", days=current_app.config["REPLY_DEADLINE_DAYS"]
    )


class BrandForm(BoundedForm):
    version = HiddenField()
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Enter the brand's name.")),
            Length(max=limits.NAME_MAX),
        ],
    )
    slug = StringField(
        _l("Slug"),
        validators=[Optional(), Length(max=limits.BRAND_SLUG_MAX)],
        description=_l("Lower-case name used in URLs and the API; made from the name when empty."),
    )
    country = StringField(
        _l("Country"),
        default=clock.DEFAULT_COUNTRY,
        validators=[
            DataRequired(),
            Length(min=limits.COUNTRY_CODE_LENGTH, max=limits.COUNTRY_CODE_LENGTH),
        ],
        description=_l("Two-letter code; its public holidays pause the reply clock."),
    )
    subdivision = StringField(
        _l("Region"),
        validators=[Optional(), Length(max=limits.SUBDIVISION_MAX)],
        description=_l(
            "ISO 3166-2 code such as GB-ENG, GB-SCT or DE-BY: its own holidays count too. "
            "Empty: national holidays only."
        ),
    )
    timezone = StringField(
        _l("Time zone"),
        default="Europe/Paris",
        validators=[DataRequired()],
        render_kw={"maxlength": limits.TIMEZONE_MAX},  # the use case checks the zone
    )
    website = URLField(_l("Website"), validators=[Optional(), WebUrl(limits.WEBSITE_MAX)])
    reply_deadline_days = IntegerField(
        _l("Reply deadline (business days)"),
        validators=[
            Optional(),
            NumberRange(min=limits.MIN_DEADLINE_DAYS, max=limits.MAX_DEADLINE_DAYS),
        ],
        description=LazyString(deadline_help),
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=limits.NOTE_MAX)])
    submit = SubmitField(_l("Save brand"))


class ContactPointForm(BoundedForm):
    kind = SelectField(_l("Department"), choices=options(labelled("department")))
    label = StringField(_l("Label"), validators=[Optional(), Length(max=limits.NAME_MAX)])
    value = StringField(
        _l("Address, phone or URL"),
        validators=[DataRequired(), Length(max=limits.CONTACT_POINT_MAX)],
    )
    submit = SubmitField(_l("Add contact point"))


class UserRoleForm(BoundedForm):
    role = SelectField(_l("Role"), choices=options(labelled("role")))
    brand = SelectField(_l("Acts for brand"), default="")  # choices set by the view
    active = BooleanField(_l("Active"))
    submit = SubmitField(_l("Save"))


class ConfirmForm(BoundedForm):
    """A bare form for POST-only buttons, so they carry a CSRF token."""

    submit = SubmitField(_l("Confirm"))


REQUEST_KIND_CHOICES = [
    ("offer", _l("The holder offers it to the brand")),
    ("claim", _l("The brand asks for it back")),
]
TERMS_CHOICES = [
    ("free", _l("Free")),
    ("donation", _l("Against a donation to a charity")),
    ("sale", _l("Sale")),
]


class ProposalForm(BoundedForm):
    platform = SelectField(_l("Platform"))
    handle = StringField(
        _l("Handle"),
        description=_l("With or without @, or paste the profile URL."),
        render_kw={"maxlength": limits.HANDLE_INPUT_MAX},  # the use case checks it
    )
    brand = SelectField(_l("Brand it names"), default="")
    kind = SelectField(_l("Request"), choices=options(REQUEST_KIND_CHOICES), default="offer")
    terms = SelectField(_l("Terms"), choices=options(TERMS_CHOICES), default="free")
    amount = StringField(
        _l("Amount (€)"),
        validators=[Optional(), Length(max=limits.AMOUNT_INPUT_MAX)],
        description=_l("For a donation or a sale; leave empty when free."),
    )
    message = TextAreaField(
        _l("Message"),
        validators=[Optional(), Length(max=limits.MESSAGE_MAX)],
        description=_l("What you propose and how the brand can reach you."),
    )
    opened_on = DateField(
        _l("First made on"),
        validators=[Optional()],
        description=_l(
            "When the request was first made, if before today (e.g. a first e-mail in April)."
            " Never in the future."
        ),
    )
    show_name = BooleanField(
        _l("Show my name as this handle's holder on the public pages"),
        default=False,
        description=_l(
            'Off: the public pages say "a fan". Staff and the brand\'s legal team see your '
            "name either way; your e-mail address stays private."
        ),
    )
    submit = SubmitField(_l("Propose the transfer"))


class AttemptForm(BoundedForm):
    direction = SelectField(
        _l("Direction"),
        choices=options(
            [("outbound", _l("We contacted them")), ("inbound", _l("They contacted us"))]
        ),
    )
    channel = SelectField(_l("Channel"), choices=options(labelled("channel")))
    contact_point = StringField(
        _l("Department or contact reached"),
        validators=[Optional(), Length(max=limits.CONTACT_POINT_MAX)],
        description=_l("e.g. web form, customer service, press office, CEO's office."),
    )
    happened_at = DateTimeLocalField(
        _l("When"),
        validators=[DataRequired(message=_l("Enter the date and time."))],
        description=LazyString(local_time_help),
    )
    outcome = SelectField(_l("Outcome"), choices=options(labelled("outcome")))
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=limits.SUMMARY_MAX)])
    submit = SubmitField(_l("Log the attempt"))


class TransitionForm(BoundedForm):
    to = HiddenField(validators=[DataRequired()])
    from_state = HiddenField()  # the state the page showed: a move from a stale page is refused
    note = StringField(_l("Note"), validators=[Optional(), Length(max=limits.TRANSITION_NOTE_MAX)])


class DecisionForm(BoundedForm):
    """Shown on the request page beside the attempt form: its ids are its own, so that each
    label names its own field."""

    decision = SelectField(
        _l("Decision"),
        choices=options(
            [("accept", _l("Accept the transfer")), ("decline", _l("Decline the transfer"))]
        ),
    )
    channel = SelectField(
        _l("Sent by"), choices=options(labelled("channel")), default="email", id="decision-channel"
    )
    summary = TextAreaField(
        _l("Message to the holder"),
        validators=[Optional(), Length(max=limits.SUMMARY_MAX)],
        id="decision-summary",
    )
    submit = SubmitField(_l("Record the decision"), id="decision-submit")


# --- the handover (issue 15) ---------------------------------------------------------------


def window_time_help() -> str:
    return gettext("Your local time (%(zone)s).", zone=i18n.zone_city())


class HandoverScheduleForm(BoundedForm):
    """Staff plan the window of an agreed request. Its ids are its own on the request page."""

    window_start = DateTimeLocalField(
        _l("Window starts"),
        validators=[DataRequired(message=_l("Enter the date and time."))],
        description=LazyString(window_time_help),
        id="handover-start",
    )
    window_minutes = IntegerField(
        _l("Length in minutes"),
        default=handover.DEFAULT_WINDOW_MINUTES,
        validators=[DataRequired(message=_l("Enter the window's length in minutes."))],
        # The use case checks the range, and its refusal is shown next to the field.
        render_kw={"min": handover.MIN_WINDOW_MINUTES, "max": handover.MAX_WINDOW_MINUTES},
        id="handover-minutes",
    )
    notes = TextAreaField(
        _l("Notes for both sides"),
        validators=[Optional(), Length(max=limits.NOTE_MAX)],
        id="handover-notes",
    )
    submit = SubmitField(_l("Plan the window"), id="handover-schedule-submit")


class HandoverConfirmForm(BoundedForm):
    """A side's confirmation of the window: `party` is set by the page (its choices are the
    sides this reader may confirm for); staff name the channel it reached them by."""

    party = SelectField(_l("Confirmation of"), choices=[], id="handover-party")
    channel = SelectField(
        _l("Received by"),
        choices=options([("", _l("— choose —")), *labelled("channel")]),
        validators=[Optional()],
        id="handover-channel",
    )
    submit = SubmitField(_l("Record the confirmation"), id="handover-confirm-submit")


def failure_reason_choices(reasons: tuple[str, ...] = FAILURE_REASONS) -> list[SelectChoice]:
    """The reasons a window can fail for, labelled (a plan's method may allow fewer)."""
    return options((reason, LABELS["failure_reason"][reason]) for reason in reasons)


class HandoverOutcomeForm(BoundedForm):
    """What happened in the window: `claimed` (a confirm step first) or `failed`, with why."""

    outcome = HiddenField(validators=[DataRequired()])
    reason = SelectField(
        _l("Why it failed"),
        choices=failure_reason_choices(),
        validators=[Optional()],
        id="handover-reason",
    )
    note = TextAreaField(
        _l("Note"), validators=[Optional(), Length(max=limits.NOTE_MAX)], id="handover-note"
    )
    submit = SubmitField(_l("Record the failed window"), id="handover-outcome-submit")


# --- correspondence (issue 26) -------------------------------------------------------------


class LetterForm(BoundedForm):
    """A letter to the brand, from the request page: "Preview" shows it filled in; the
    preview's own "Send" posts the same fields with `confirmed`. The contact points and
    the letters are the page model's; the ids are the form's own on the request page."""

    contact_point = SelectField(_l("To"), choices=[], id="letter-to")
    template = SelectField(_l("Letter"), choices=[], id="letter-template")
    language = SelectField(
        _l("Language"),
        choices=options(letters.LANGUAGE_LABELS.items()),
        id="letter-language",
    )
    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), Length(max=NOTE_MAX)],
        description=_l("Added to the letter as you write it; leave empty for none."),
        id="letter-note",
    )
    confirmed = HiddenField(id="letter-confirmed")
    preview = SubmitField(_l("Preview"), id="letter-preview")
    send = SubmitField(_l("Send the letter"), id="letter-send")


class MailReadingForm(BoundedForm):
    """Staff correct how a message received was read: one of the three, per button."""

    outcome = SelectField(
        _l("Outcome"),
        choices=options([("", "—"), *labelled("outcome")]),
        validators=[Optional()],
    )
    mass_reply = SelectField(
        choices=options([("", ""), ("yes", "yes"), ("no", "no")]), validators=[Optional()]
    )
    verified = SelectField(choices=options([("", ""), ("yes", "yes")]), validators=[Optional()])


class AssignMailForm(BoundedForm):
    request_id = IntegerField(
        _l("Request number"),
        validators=[
            DataRequired(message=_l("Enter the number of the request.")),
            NumberRange(min=1, message=_l("Enter the number of the request.")),
        ],
    )


class DiscardMailForm(BoundedForm):
    note = TextAreaField(_l("Why"), validators=[Optional(), Length(max=500)])
    confirmed = HiddenField()


class WordingForm(BoundedForm):
    """An admin's wording of one letter in one language; the service checks what it says."""

    subject = StringField(_l("Subject"), validators=[Length(max=letters.SUBJECT_MAX)])
    body = TextAreaField(_l("Text"), validators=[Length(max=letters.BODY_MAX)])
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save the wording"))
