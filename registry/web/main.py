"""Home page, the public lookup, and the footer's language switcher."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request

from registry.adapters import db
from registry.domain.permissions import PUBLIC
from registry.presentation import i18n, outage
from registry.presentation.access import requires
from registry.services import (
    ServiceError,
    accounts,
    brands,
    custody,
    guide,
    handles,
    lookalikes,
    platforms,
    proposals,
)
from registry.web.helpers import context, refusal, safe_next

bp = Blueprint("main", __name__)


@bp.get("/healthz")
@requires(PUBLIC)
def healthz():
    """The process answers: no database, no template. A load balancer's liveness probe,
    and the bare route the benchmark measures every page against."""
    return {"status": "ok"}


@bp.get("/readyz")
@requires(PUBLIC)
def readyz():
    """A readiness probe: 200 when the database answers at the newest migration, else 503
    with the reason (a load balancer sends no traffic to this server until then)."""
    reason = db.readiness(db.engine())
    if reason is not None:
        return (
            {"status": "not ready", "reason": reason},
            503,
            {"Retry-After": str(outage.RETRY_AFTER_SECONDS)},
        )
    return {"status": "ready", "revision": db.head_revision()}


@bp.get("/")
@requires(PUBLIC)
def home():
    session = db.session()
    return render_template(
        "main/home.html",
        platforms=platforms.all_platforms(session),
        recent=handles.recent_handles(session),
    )


@bp.get("/lookup")
@requires(PUBLIC)
def lookup():
    session = db.session()
    platform_slug = request.args.get("platform", "x")
    raw = request.args.get("handle", "")
    result, error, history, similar = None, None, [], None
    if raw.strip():
        try:
            result, similar = lookalikes.lookalikes_of(session, platform_slug, raw)
        except ServiceError as exc:
            error = refusal(exc)
        if result and result.handle:
            assert result.handle.id is not None  # a handle the registry knows is stored
            history = custody.custody_history(session, result.handle.id)
    row = result.row if result else None
    # Not in the registry: the brand its name most likely names, for the proposal link.
    named = brands.named_by(session, result.normalized) if result and row is None else None
    return render_template(
        "main/lookup.html",
        named_brand=named,
        proposable=row is not None and proposals.proposable(context(), row.handle),
        platforms=platforms.all_platforms(session),
        platform_slug=platform_slug,
        raw=raw,
        result=result,
        row=row,
        history=history,
        lookalikes=similar,
        error=error,
    ), (200 if error is None else 422)


@bp.get("/help")
@requires(PUBLIC)
def help():
    """Flags, business days, replies and the handover, with the figures the rules use; the
    holidays shown are the chosen brand's (?brand=), else the registry's default calendar."""
    ctx = context()
    slug = request.args.get("brand", "").strip()
    found = guide.guide(
        ctx,
        language=i18n.current_locale(),
        brand_slug=slug,
    )
    return render_template(
        "main/help.html",
        guide=found,
        brands=brands.brand_menu(ctx.session, slug),
        brand=slug,
    )


@bp.post("/language")
@requires(PUBLIC)
def set_language():
    """The footer's switcher: remembered in the session, and in a member's profile.
    (CSRFProtect checks the form's token before any POST reaches a view.)"""
    locale = request.form.get("locale", "")
    if locale not in i18n.LANGUAGES:
        abort(400)
    ctx = context()
    if ctx.actor is not None:
        accounts.update_profile(ctx, ctx.actor, locale=locale)
    i18n.remember_choice(locale)
    return redirect(safe_next(request.form.get("next")))
