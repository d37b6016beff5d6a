"""One's own API tokens, from the profile: create one (shown once), list them, revoke one."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from registry.adapters import db
from registry.domain.permissions import API_TOKENS
from registry.presentation.access import requires
from registry.services import tokens
from registry.web.forms import ConfirmForm
from registry.web.helpers import actor, context, or_404, run_use_case

bp = Blueprint("tokens", __name__, url_prefix="/me/tokens")


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Give the token a name.")),
            Length(max=tokens.NAME_MAX_LENGTH),
        ],
        description=_l("What will use it, e.g. “nightly export script”."),
    )
    submit = SubmitField(_l("Create a token"))


def _render(form: TokenForm, *, new_token: str | None = None, status: int = 200):
    response = render_template(
        "tokens/index.html",
        form=form,
        tokens=tokens.list_tokens(db.session(), actor()),
        new_token=new_token,
    )
    # The page with a fresh token must not be kept by the browser or a proxy.
    return response, status, {"Cache-Control": "no-store"}


@bp.get("")
@requires(API_TOKENS)
def index():
    return _render(TokenForm(formdata=None))


@bp.post("")
@requires(API_TOKENS)
def create():
    form = TokenForm()
    if not form.validate_on_submit():
        return _render(form, status=422)
    result = run_use_case(form, tokens.create_token, actor(), form.name.data)
    if result is None:
        return _render(form, status=422)
    _token, plaintext = result
    # Shown in this answer and never again: no redirect, since the token cannot be
    # carried to another page without storing it somewhere.
    return _render(TokenForm(formdata=None), new_token=plaintext, status=201)


@bp.route("/<int:token_id>/revoke", methods=["GET", "POST"])
@requires(API_TOKENS)
def revoke(token_id: int):
    """Revoking cannot be undone: the list's button leads to this page's question (GET),
    whose button revokes (POST). One rule for both methods: werkzeug answers 405 rather than
    404 for an id its converter refuses when two views share the address."""
    if request.method == "GET":
        token = or_404(tokens.revocable_token, context(), token_id)
        if token.revoked_at is not None:
            return redirect(url_for("tokens.index"))
        return render_template("tokens/revoke.html", token=token, form=ConfirmForm(formdata=None))
    if ConfirmForm().validate_on_submit():
        token = run_use_case(None, tokens.revoke_token, token_id)
        if token is not None:
            flash(
                _("Token “%(name)s” is revoked; scripts using it are refused.", name=token.name),
                "success",
            )
    return redirect(url_for("tokens.index"))
