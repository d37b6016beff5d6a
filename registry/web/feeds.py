"""The Atom feed of overdue and due-soon requests (`/feeds/overdue.atom?token=…`), and its
address on the profile.

A feed reader cannot log in: the feed answers to its owner's feed token alone (never to a
session cookie, never to an API token), with what the owner may see (staff and admins: every
request; legal: its brand's), in the owner's language. A missing, wrong or revoked token, or
an owner who may no longer read it, gets 404 with no data. The address is shown once, when it
is made (only the token's hash is kept); making a new one turns the old one off."""

from __future__ import annotations

from datetime import UTC, datetime, time
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from registry.domain.permissions import MEMBER, PUBLIC
from registry.jobs.digests import absolute_url
from registry.jobs.reminders import language_of, zone_of
from registry.presentation import i18n
from registry.presentation.access import requires
from registry.presentation.formats import long_date
from registry.presentation.labels import label
from registry.services import digests
from registry.services.context import brand_zone
from registry.web.forms import ConfirmForm
from registry.web.helpers import actor, context, run_use_case

bp = Blueprint("feeds", __name__)

# The year the registry's addresses were first its own: tag URIs name an authority and a
# date at which it held the name (RFC 4151), which must never change.
TAG_YEAR = "2026"


def _tag(host: str, *path: object) -> str:
    return f"tag:{host},{TAG_YEAR}:" + "/".join(str(p) for p in path)


def _started(entry: digests.FeedEntry) -> datetime:
    """The first moment of the day the request got its flag, where its brand is."""
    return datetime.combine(entry.since, time(), brand_zone(entry.row.brand)).astimezone(UTC)


def render_feed(owner, entries: list[digests.FeedEntry], *, now: datetime) -> bytes:
    host = urlsplit(absolute_url("main.home")).hostname or "localhost"
    feed = FeedGenerator()
    feed.id(_tag(host, "feeds", "overdue", owner.id))
    feed.title(_("Overdue and due-soon requests"))
    feed.subtitle(_("Handle Registry"))
    feed.author({"name": _("Handle Registry")})
    feed.link(href=absolute_url("requests.dashboard"), rel="alternate")
    feed.language(language_of(owner))
    for entry in entries:
        row = entry.row
        item = feed.add_entry(order="append")
        item.id(_tag(host, "requests", row.request.id, row.flag))
        name = _(
            "#%(id)s @%(handle)s on %(platform)s",
            id=row.request.id,
            handle=row.handle.handle,
            platform=row.platform.name,
        )
        item.title(_("%(flag)s: %(request)s", flag=label(row.flag, "flag"), request=name))
        item.link(href=absolute_url("requests.detail", request_id=row.request.id))
        item.updated(_started(entry))
        brand = f"{row.brand.name}, " if row.brand else ""
        item.summary(brand + _("reply due %(day)s", day=long_date(row.due_date)))
    feed.updated(max((_started(e) for e in entries), default=now))
    return feed.atom_str(pretty=True)


@bp.get("/feeds/overdue.atom")
@requires(PUBLIC)  # the token decides, below
def overdue():
    ctx = context()  # a feed reader signs in with the token alone: no member acts
    owner = digests.feed_owner(ctx.session, request.args.get("token"))
    if owner is None:
        abort(404)
    now = ctx.now
    as_of = now.astimezone(zone_of(owner)).date()  # the owner's day, wherever they read it
    entries = digests.feed_entries(ctx, owner, as_of=as_of)
    with i18n.in_language(language_of(owner)):
        body = render_feed(owner, entries, now=now)
    response = make_response(body)
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.post("/me/feed")
@requires(MEMBER)  # the use case decides which roles hold a feed
def make_token():
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("auth.profile"))
    plaintext = run_use_case(None, digests.make_feed_token, actor())
    if plaintext is None:
        return redirect(url_for("auth.profile"))
    feed_url = absolute_url("feeds.overdue", token=plaintext)
    # Shown in this answer and never again (only its hash is kept): not stored by the
    # browser or a proxy.
    page = render_template("feeds/token.html", feed_url=feed_url)
    return page, 201, {"Cache-Control": "no-store"}


@bp.post("/me/feed/revoke")
@requires(MEMBER)
def revoke_token():
    form = ConfirmForm()
    if form.validate_on_submit() and run_use_case(None, digests.revoke_feed_token, actor()):
        flash(_("Your overdue feed is turned off: its address no longer works."), "success")
    return redirect(url_for("auth.profile"))
