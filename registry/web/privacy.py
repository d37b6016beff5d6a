"""The privacy notice and a member's rights: download their data, delete their account."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired

from registry.adapters import db
from registry.domain.permissions import MEMBER, PUBLIC
from registry.presentation import words
from registry.presentation.access import requires
from registry.services import privacy
from registry.web.helpers import actor, context, form_status, run_use_case

bp = Blueprint("privacy", __name__)


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired()])
    submit = SubmitField(_l("Delete my account"))


@bp.get("/privacy")
@requires(PUBLIC)
def notice():
    return render_template("privacy/notice.html", retention=privacy.RETENTION)


@bp.get("/me/data.json")
@requires(MEMBER)
def download():
    body = privacy.member_data_json(db.session(), actor(), translate=words.translate_message)
    filename = f"handle-registry-my-data-{context().today.isoformat()}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/me/delete", methods=["GET", "POST"])
@requires(MEMBER)
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        done = run_use_case(form, privacy.delete_member, actor(), password=form.password.data)
        if done is not None:
            logout_user()
            flash(_("Your account is deleted and your personal data erased. Thank you."), "success")
            return redirect(url_for("main.home"))
    return render_template("privacy/delete.html", form=form), form_status(form)
