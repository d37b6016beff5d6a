"""The audit trail, read-only: who changed what, when, with the values before and after."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from registry.adapters import db
from registry.domain import limits
from registry.domain.permissions import AUDIT
from registry.presentation.access import requires
from registry.presentation.words import translate
from registry.services import audit
from registry.web.helpers import paging

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _date(name: str, problems: list[str]) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        problems.append(
            _('"%(value)s" is not a date (YYYY-MM-DD); that filter is ignored.', value=raw)
        )
        return None
    try:
        return limits.check_day(day, field=name)
    except limits.OutOfRange as exc:
        problem = translate(exc.msgid, exc.params)
        problems.append(_("%(problem)s That filter is ignored.", problem=problem))
        return None


@bp.get("")
@requires(AUDIT)
def index():
    session = db.session()
    problems: list[str] = []
    filters = audit.AuditFilters(
        action=request.args.get("action", "").strip(),
        entity_type=request.args.get("entity_type", "").strip(),
        actor=request.args.get("actor", "").strip(),
        date_from=_date("date_from", problems),
        date_to=_date("date_to", problems),
    )
    page = audit.list_entries(
        session,
        filters,
        **paging(),
    )
    actions, entity_types = audit.choices(session)
    return render_template(
        "audit/index.html",
        page=page,
        filters=filters,
        actions=actions,
        entity_types=entity_types,
        problems=problems,
    )
