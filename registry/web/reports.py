"""Public reports: which brands answer their community (the ranking, its charts, its CSV).

Only aggregates are shown, to everyone: the figures of registry.services.responsiveness
(counts, rates, business days), never a name, an address or a message of a request.
"""

from __future__ import annotations

from babel import numbers
from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from registry.domain.permissions import PUBLIC
from registry.presentation import i18n, words
from registry.presentation.access import requires
from registry.services import ServiceError
from registry.services import responsiveness as service
from registry.web import charts
from registry.web.helpers import context, refuse

bp = Blueprint("reports", __name__, url_prefix="/reports")

# The table's columns, in order: (sort key, heading). Numbers sort from the largest first on
# the first click, the brand's name from A.
COLUMNS = (
    ("brand", _l("Brand")),
    ("requests", _l("Requests")),
    ("contacted", _l("Contacted")),
    ("replied", _l("Replied")),
    ("reply_rate", _l("Reply rate")),
    ("median", _l("Median")),
    ("worst", _l("Worst")),
    ("late", _l("Late replies")),
    ("overdue", _l("Overdue now")),
)


def percent(rate: float | None) -> str:
    """A reply rate as the reader writes a percentage ("50 %" in French); "—" without one."""
    if rate is None:
        return "—"
    return numbers.format_percent(rate, locale=i18n.current_locale())


def days(value: float | int | None) -> str:
    """A number of business days as the reader writes it ("5,5" in French); "—" without."""
    if value is None:
        return "—"
    return numbers.format_decimal(value, locale=i18n.current_locale())


@bp.app_template_filter("percent")
def _percent_filter(rate):
    return percent(rate)


@bp.app_template_filter("business_days")
def _days_filter(value):
    return days(value)


def _period():
    """The period of the query string, or the refusal to show beside its fields."""
    try:
        return service.period(request.args.get("from"), request.args.get("to")), None
    except ServiceError as refusal:
        return None, refusal


def _rows(period):
    sort = request.args.get("sort", "")
    ctx = context()
    return service.ranking(
        ctx,
        period=period,
        as_of=ctx.today,
        sort=sort,
        descending=request.args.get("order") == "desc",
    )


def rate_chart(rows: list[service.Ranked]) -> charts.Chart:
    listed = [(row.brand.name, row.figures.reply_rate) for row in rows]
    values = [
        _("%(brand)s: %(rate)s", brand=name, rate=percent(rate))
        if rate is not None
        else _("%(brand)s: nobody contacted yet", brand=name)
        for name, rate in listed
    ]
    return charts.Chart(
        id="chart-reply-rate",
        title=_("Reply rate per brand"),
        desc=_(
            "The share of contacted requests that got a real reply. %(values)s.",
            values="; ".join(values),
        ),
        bars=charts.bars(
            [(name, percent(rate), rate, None, None) for name, rate in listed],
            scale_max=1,
        ),
    )


def days_chart(rows: list[service.Ranked]) -> charts.Chart:
    values, bars = [], []
    for row in rows:
        median = row.figures.median_business_days_to_first_reply
        worst = row.figures.worst_business_days_to_first_reply
        if median is None:
            text = "—"
            values.append(_("%(brand)s: no reply yet", brand=row.brand.name))
        else:
            text = f"{days(median)} · {days(worst)}"
            values.append(
                _(
                    "%(brand)s: median %(median)s, worst %(worst)s, due within %(deadline)s",
                    brand=row.brand.name,
                    median=days(median),
                    worst=days(worst),
                    deadline=days(row.deadline_days),
                )
            )
        bars.append((row.brand.name, text, worst, median, row.deadline_days))
    longest = max([row.figures.worst_business_days_to_first_reply or 0 for row in rows], default=0)
    deadline = max([row.deadline_days for row in rows], default=0)
    return charts.Chart(
        id="chart-business-days",
        title=_("Business days to the first real reply"),
        desc=_(
            "Per brand, the median and the worst number of business days from the first "
            "message to the first real reply; the mark is the brand's reply deadline. "
            "%(values)s.",
            values="; ".join(values),
        ),
        bars=charts.bars(bars, scale_max=max(longest, deadline) * 1.05),
    )


@bp.get("/responsiveness")
@requires(PUBLIC)
def responsiveness():
    """The ranking of the brands by how they answer, over a period, with two charts."""
    period, refusal = _period()
    errors = {}
    if refusal is not None:
        errors = {
            name: words.translate_message(message)
            for name, message in refusal.field_messages.items()
        }
    rows = _rows(period) if period is not None else []
    return (
        render_template(
            "reports/responsiveness.html",
            rows=rows,
            errors=errors,
            period=period,
            columns=[(key, str(heading)) for key, heading in COLUMNS],
            sort=request.args.get("sort", ""),
            order=request.args.get("order", ""),
            charts=[rate_chart(rows), days_chart(rows)] if rows else [],
            as_of=context().today,
            brand_count=ngettext("%(num)s brand", "%(num)s brands", len(rows)),
        ),
        422 if refusal is not None else 200,
    )


@bp.get("/responsiveness.csv")
@requires(PUBLIC)
def responsiveness_csv():
    """The ranking's table as a CSV file, with the same period and order."""
    period, refusal = _period()
    if refusal is not None:
        refuse(refusal)
    body = "\ufeff" + service.ranking_csv(_rows(period))  # the BOM: Excel reads UTF-8
    name = f"responsiveness-{context().today.isoformat()}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
