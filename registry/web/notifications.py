"""A member's notifications: the list (/me/notifications), opening one, marking all read, the
choices per topic and channel (/me/notifications/settings), and the unsubscribe link every
notification e-mail carries (RFC 8058: a mail client posts it in one click, without a
session or a CSRF token; the signed token in its address is the credential)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from registry.domain.notifications import Channel
from registry.domain.permissions import MEMBER, PUBLIC
from registry.presentation import notifications as words
from registry.presentation.access import requires
from registry.presentation.extensions import csrf
from registry.services import NotFound
from registry.services import notifications as notices
from registry.web.forms import ConfirmForm
from registry.web.helpers import context, or_404, paging, refusal, run_use_case

bp = Blueprint("notifications", __name__, url_prefix="/me/notifications")

# Where a webhook's notification leads, when the site has a page listing them.
WEBHOOKS_PAGE = "webhooks.index"


@dataclass(frozen=True)
class Row:
    """One line of the list: its sentence and topic in the reader's words."""

    item: notices.Item
    text: str
    topic: str


@dataclass(frozen=True)
class SettingRow:
    """One topic of the settings' table: its name, then each channel's box (its field's
    name, its channel, whether it is on), in the order of the table's columns."""

    topic: str
    label: str
    boxes: list[tuple[str, str, bool]]


@bp.get("")
@requires(MEMBER)
def index():
    page = notices.notifications_page(context(), paging()["page"])
    rows = [Row(item, words.text(item), words.topic_label(item.topic)) for item in page.items]
    return render_template(
        "notifications/index.html", page=page, rows=rows, form=ConfirmForm(formdata=None)
    )


@bp.post("/read")
@requires(MEMBER)
def mark_all_read():
    if ConfirmForm().validate_on_submit():
        done = run_use_case(None, notices.mark_all_read)
        if done is not None:
            flash(_("All your notifications are marked read."), "success")
    return redirect(url_for("notifications.index"))


def target_url(item: notices.Item) -> str:
    if item.target == notices.TO_REQUEST and item.request_id is not None:
        return url_for("requests.detail", request_id=item.request_id)
    if item.target == notices.TO_UNMATCHED_MAIL:
        return url_for("correspondence.unmatched")
    if item.target == notices.TO_WEBHOOKS and WEBHOOKS_PAGE in current_app.view_functions:
        return url_for(WEBHOOKS_PAGE)
    return url_for("notifications.index")


@bp.get("/<int:notification_id>")
@requires(MEMBER)
def open_one(notification_id: int):
    """Opening a notification reads it, then leads to what it is about."""
    item = or_404(notices.open_notification, context(), notification_id)
    return redirect(target_url(item))


@bp.route("/settings", methods=["GET", "POST"])
@requires(MEMBER)
def settings():
    form = ConfirmForm()
    if form.validate_on_submit():
        enabled = [
            (topic, channel)
            for topic in (choice.topic for choice in notices.preferences(context()))
            for channel in notices.CHANNELS
            if request.form.get(f"{channel}-{topic}")
        ]
        if run_use_case(None, notices.save_preferences, enabled) is not None:
            flash(_("Your notification settings are saved."), "success")
            return redirect(url_for("notifications.settings"))
    return render_template(
        "notifications/settings.html",
        form=form,
        rows=[
            SettingRow(
                choice.topic,
                words.topic_label(choice.topic),
                [
                    (f"{Channel.SITE}-{choice.topic}", Channel.SITE, choice.site),
                    (f"{Channel.EMAIL}-{choice.topic}", Channel.EMAIL, choice.email),
                ],
            )
            for choice in notices.preferences(context())
        ],
        channels=[(str(channel), words.channel_label(channel)) for channel in notices.CHANNELS],
    )


@bp.route("/unsubscribe/<unsubscribe_token>", methods=["GET", "POST"])
@requires(PUBLIC)
@csrf.exempt
def unsubscribe(unsubscribe_token: str):
    """GET: what the link turns off, and a button. POST: turned off — from that button, or
    from a mail client's one click (`List-Unsubscribe=One-Click`, RFC 8058)."""
    try:
        if request.method == "POST":
            found = notices.unsubscribe(context(), unsubscribe_token)
            done = True
        else:
            found = notices.unsubscription(context(), unsubscribe_token)
            done = found.already_off
    except NotFound as exc:
        return render_template("notifications/unsubscribe.html", problem=refusal(exc)), 404
    return render_template(
        "notifications/unsubscribe.html",
        token=unsubscribe_token,
        topic=words.topic_label(found.topic),
        done=done,
        problem="",
    )
