"""Responsiveness on the database and on the site: the use case's figures for a scene built
through the services, the brand's public scorecard, the ranking at /reports/responsiveness
(charts, sorting, period filter and its errors, both languages) and its CSV.

The scene, as of Tuesday 30 June 2026, in France's calendar (holidays 8 May, 14 May, 25 May):
- Gallimard: a fan's offer e-mailed Monday 4 May at 10:00 in Paris, answered Tuesday 12 May
  (5 business days, on time: due 20 May); another's web form sent Saturday 2 May, an
  auto-reply on 5 May, the answer Thursday 21 May (11 business days, due 20 May: late);
  and a claim by Gallimard's own legal team, which is not counted.
- Cochonou: an offer sent by web form Monday 1 June, never answered: due 15 June, overdue.
  -> Gallimard 2 requests, 2 contacted, 2 replied (100 %), median 8, worst 11, 1 late;
     Cochonou 1, 1, 0 (0 %), no median, 1 overdue, its web form left unanswered.
The fans' names, e-mails and messages are private: none of them may show.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from registry.adapters import db
from registry.adapters.models import User
from registry.services import Invalid, NotFound, proposals
from registry.services import attempts as attempt_log
from registry.services import responsiveness as service
from tests.factories import context

AS_OF = date(2026, 6, 30)
PARIS = ZoneInfo("Europe/Paris")
PRIVATE = ("Julien Secret", "julien.secret@example.org", "Amélie Privée", "amelie@example.org")
MESSAGE = "Ceci est un message privé du fan"


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS).astimezone(UTC)


@pytest.fixture
def scene(app, make, monkeypatch):
    # The reader's day, on the pages and in the API alike (their context is built there).
    monkeypatch.setattr("registry.presentation.context.reader_today", lambda moment: AS_OF)
    gallimard = make.brand("Gallimard")
    cochonou = make.brand("Cochonou")
    julien = make.user("fan", email=PRIVATE[1], display_name=PRIVATE[0])
    amelie = make.user("fan", email=PRIVATE[3], display_name=PRIVATE[2])
    legal = make.user("legal", brand_slug="gallimard")

    def held(name, brand, fan):
        return make.handle(
            name,
            brand_id=brand.id,
            holder_kind="fan",
            holder_name=fan.display_name,
            holder_contact=fan.email,
            holder_user_id=fan.id,
        )

    def offer(fan, handle, opened, attempts):
        with app.app_context():
            session = db.session()
            member = session.get(User, fan.id)
            request = proposals.propose(
                context(member, today=opened), handle_id=handle.id, message=MESSAGE
            )
            for moment, direction, channel, outcome in attempts:
                attempt_log.log_attempt(
                    context(member, now=at(AS_OF, 23)),
                    request.id,
                    direction=direction,
                    channel=channel,
                    outcome=outcome,
                    happened_at=moment,
                    summary=MESSAGE,
                )
            return request.id

    offer(
        julien,
        held("Gallimard", gallimard, julien),
        date(2026, 5, 4),
        [
            (at(date(2026, 5, 4)), "outbound", "email", "no_answer"),
            (at(date(2026, 5, 12)), "inbound", "email", "replied"),
        ],
    )
    offer(
        amelie,
        held("GallimardJeune", gallimard, amelie),
        date(2026, 5, 2),
        [
            (at(date(2026, 5, 2)), "outbound", "web_form", "no_answer"),
            (at(date(2026, 5, 5)), "inbound", "email", "auto_reply"),
            (at(date(2026, 5, 21)), "inbound", "email", "replied"),
        ],
    )
    offer(
        amelie,
        held("Cochonou", cochonou, amelie),
        date(2026, 6, 1),
        [(at(date(2026, 6, 1)), "outbound", "web_form", "no_answer")],
    )
    claimed = make.handle("GallimardLivres", brand_id=gallimard.id, holder_kind="squatter")
    make.request(
        ("no_answer",), opened_on=date(2026, 6, 1), proposer=legal, brand=gallimard, handle=claimed
    )
    return {"gallimard": gallimard, "cochonou": cochonou}


def figures(app, slug, **period):
    with app.app_context():
        return service.brand_figures(
            context(), slug, period=service.Period(**period), as_of=AS_OF
        ).figures


# --- the use case ----------------------------------------------------------------------------


def test_the_figures_on_the_database_match_the_hand_calculation(app, scene):
    gallimard = figures(app, "gallimard")
    assert (gallimard.requests, gallimard.contacted, gallimard.replied) == (2, 2, 2)
    assert gallimard.reply_rate == 1.0
    # (5 + 11) / 2: the median of two values is their mean.
    assert gallimard.median_business_days_to_first_reply == 8
    assert gallimard.worst_business_days_to_first_reply == 11
    assert (gallimard.late_replies, gallimard.overdue_now, gallimard.auto_replied) == (1, 0, 0)
    cochonou = figures(app, "cochonou")
    assert (cochonou.requests, cochonou.contacted, cochonou.replied) == (1, 1, 0)
    assert cochonou.reply_rate == 0.0 and cochonou.median_business_days_to_first_reply is None
    assert cochonou.overdue_now == 1
    assert cochonou.unanswered_by_channel == (("web_form", 1),)


def test_the_period_selects_requests_by_the_day_they_were_opened(app, scene):
    may_fourth_on = figures(app, "gallimard", start=date(2026, 5, 3))
    assert (may_fourth_on.requests, may_fourth_on.worst_business_days_to_first_reply) == (1, 5)
    up_to_may_second = figures(app, "gallimard", end=date(2026, 5, 2))
    assert (up_to_may_second.requests, up_to_may_second.late_replies) == (1, 1)
    nothing = figures(app, "gallimard", start=date(2026, 7, 1))
    assert (nothing.requests, nothing.reply_rate) == (0, None)


def test_the_ranking_lists_the_brands_with_requests_most_responsive_first(app, scene, make):
    make.brand("Nespresso")  # no request: not ranked
    with app.app_context():
        ranked = service.ranking(context(), as_of=AS_OF)
        by_overdue = service.ranking(context(), as_of=AS_OF, sort="overdue", descending=True)
    assert [row.brand.slug for row in ranked] == ["gallimard", "cochonou"]
    assert [row.brand.slug for row in by_overdue] == ["cochonou", "gallimard"]
    assert ranked[0].deadline_days == 10


def test_a_bad_period_is_refused_on_its_field():
    with pytest.raises(Invalid) as not_a_date:
        service.period("2026-02-30", "")
    assert set(not_a_date.value.field_messages) == {"from"}
    with pytest.raises(Invalid) as backwards:
        service.period("2026-06-02", "2026-06-01")
    assert set(backwards.value.field_messages) == {"to"}
    with pytest.raises(Invalid):
        service.period("", "2101-01-01")
    assert service.period("  ", None) == service.Period()


def test_an_unknown_brand_is_not_found(app):
    with app.app_context(), pytest.raises(NotFound):
        service.brand_figures(context(), "nope", as_of=AS_OF)


def count_queries(app, call) -> int:
    engine = app.extensions["registry.engine"]
    statements = []

    def note(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", note)
    try:
        with app.app_context():
            call(db.session())
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return len(statements)


def test_the_ranking_reads_the_same_few_queries_whatever_the_number_of_requests(app, scene, make):
    def rank(session):
        service.ranking(context(), as_of=AS_OF)

    before = count_queries(app, rank)
    for n in range(4):
        brand = make.brand(f"Brand {n}")
        fan = make.user("fan")
        handle = make.handle(
            f"brand{n}", brand_id=brand.id, holder_kind="fan", holder_user_id=fan.id
        )
        make.request(("no_answer", "auto_reply"), proposer=fan, brand=brand, handle=handle)
    assert count_queries(app, rank) == before <= 3


# --- the pages -------------------------------------------------------------------------------


def test_the_brand_page_shows_its_public_scorecard_and_no_private_data(client, scene):
    page = client.get("/brands/gallimard").text
    card = page[page.index('id="responsiveness"') :]
    card = card[: card.index("</section>")]
    assert "How Gallimard answers its community" in card
    numbers = re.findall(r"<dd>([^<]*)</dd>", card)
    # Offers, contacted, replied, rate, median, worst, late, overdue.
    assert numbers == ["2", "2", "2", "100%", "8", "11", "1", "0"]
    for secret in (*PRIVATE, MESSAGE):
        assert secret not in page


def test_a_brand_nobody_wrote_to_says_so(client, make):
    make.brand("Nespresso")
    page = client.get("/brands/nespresso").text
    assert "No fan has offered this brand a handle yet." in page


def test_the_ranking_page_has_its_charts_with_text_alternatives(client, scene):
    response = client.get("/reports/responsiveness")
    assert response.status_code == 200
    page = response.text
    charts = re.findall(r"<svg class=\"chart\"[^>]*>.*?</svg>", page, re.S)
    assert len(charts) == 2
    for chart in charts:
        chart_id = re.search(r'id="([^"]+)"', chart).group(1)
        assert 'role="img"' in chart
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in chart
        assert f'<title id="{chart_id}-title">' in chart and f'<desc id="{chart_id}-desc">' in chart
        assert "style=" not in chart  # the CSP allows no inline style
    assert "Gallimard: 100%; Cochonou: 0%" in charts[0]
    assert "Gallimard: median 8, worst 11, due within 10" in charts[1]
    # The bars: Gallimard's full (300 of 300), Cochonou's none.
    assert charts[0].count('class="chart-bar"') == 1 and 'width="300.0"' in charts[0]
    for secret in (*PRIVATE, MESSAGE):
        assert secret not in page


def rows_of(page: str) -> list[list[str]]:
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_table_holds_the_figures_and_sorts_by_a_column(client, scene):
    rows = rows_of(client.get("/reports/responsiveness").text)
    assert rows == [
        ["Gallimard", "2", "2", "2", "100%", "8", "11", "1", "0", "—"],
        ["Cochonou", "1", "1", "0", "0%", "—", "—", "0", "1", "Web form 1"],
    ]
    by_overdue = client.get("/reports/responsiveness?sort=overdue&order=desc").text
    assert [row[0] for row in rows_of(by_overdue)] == ["Cochonou", "Gallimard"]
    assert 'aria-sort="descending"' in by_overdue


def test_the_period_filter_narrows_the_ranking_and_says_when_nothing_is_left(client, scene):
    june = client.get("/reports/responsiveness?from=2026-06-01&to=2026-06-30").text
    assert [row[0] for row in rows_of(june)] == ["Cochonou"]
    assert "requests opened from June 1, 2026 to June 30, 2026" in june
    empty = client.get("/reports/responsiveness?from=2027-01-01")
    assert empty.status_code == 200
    assert "No brand was offered a handle in this period." in empty.text
    assert "<svg" not in empty.text


def test_an_empty_registry_has_an_empty_ranking(client):
    page = client.get("/reports/responsiveness").text
    assert "No brand has been offered a handle yet." in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=2026-13-01", "from", '"2026-13-01" is not a date (YYYY-MM-DD).'),
        ("to=1800-01-01", "to", "Give a date between January 1, 1900 and December 31, 2100."),
        (
            "from=2026-06-02&to=2026-06-01",
            "to",
            "The period cannot end (June 1, 2026) before it starts (June 2, 2026).",
        ),
    ],
)
def test_a_bad_period_is_shown_beside_its_field(client, scene, query, field, message):
    response = client.get(f"/reports/responsiveness?{query}")
    assert response.status_code == 422
    escaped = message.replace('"', "&#34;")
    assert f'<span class="error" id="{field}-error">{escaped}</span>' in response.text
    assert "<tbody>" not in response.text


def test_the_ranking_speaks_french(client, scene):
    client.post("/language", data={"locale": "fr", "next": "/"})
    page = client.get("/reports/responsiveness?from=2026-06-02&to=2026-06-01").text
    assert "La période ne peut pas finir (1er juin 2026) avant de commencer (2 juin 2026)." in page
    page = client.get("/reports/responsiveness").text
    assert "Quelles marques répondent à leur communauté" in page
    assert "Gallimard\u202f: 100\u00a0%" in page  # French percentages and colons
    assert "Taux de réponse par marque" in page
    brand = client.get("/brands/gallimard").text
    assert "Comment Gallimard répond à sa communauté" in brand


def test_the_csv_is_the_table_with_the_same_filters(client, scene):
    response = client.get("/reports/responsiveness.csv?sort=brand")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert [row["brand"] for row in rows] == ["cochonou", "gallimard"]
    gallimard = rows[1]
    assert gallimard["reply_rate"] == "1.0"
    assert gallimard["median_business_days_to_first_reply"] == "8"
    assert (gallimard["late_replies"], gallimard["overdue_now"]) == ("1", "0")
    assert rows[0]["median_business_days_to_first_reply"] == ""
    assert rows[0]["unanswered_web_form"] == "1"
    june = client.get("/reports/responsiveness.csv?from=2026-06-01").text
    assert [row["brand"] for row in csv.DictReader(io.StringIO(june.lstrip("\ufeff")))] == [
        "cochonou"
    ]
    for secret in (*PRIVATE, MESSAGE):
        assert secret not in response.text


def test_the_csv_refuses_a_bad_period(client, scene):
    response = client.get("/reports/responsiveness.csv?from=2026-06-02&to=2026-06-01")
    assert response.status_code == 422
    assert "before it starts" in response.text


def test_the_menu_offers_the_ranking_to_visitors(client):
    page = client.get("/").text
    assert '<a href="/reports/responsiveness">Who answers</a>' in page


def test_the_demo_tells_the_four_stories(app):
    """Gallimard left a fan's offer unanswered for a month (a late reply, 31 business days);
    Cochonou answered none of its fans; Nespresso sent every fan the same copy-pasted reply,
    which is no reply; the car maker's community manager answered within the hour (0 days)
    while its customer service answered late (11 business days: the clock ran from the first
    message, a redirection did not stop it)."""
    from registry.fixtures import demo

    today = date(2026, 12, 1)
    with app.app_context():
        demo.load(context(today=today))
        ranked = {row.brand.slug: row.figures for row in service.ranking(context(), as_of=today)}
    gallimard, cochonou = ranked["gallimard"], ranked["cochonou"]
    nespresso, cars = ranked["nespresso"], ranked["voitures-lumiere"]
    assert (gallimard.replied, gallimard.late_replies) == (1, 1)
    assert gallimard.worst_business_days_to_first_reply >= 20  # over a month
    assert (cochonou.contacted, cochonou.replied, cochonou.reply_rate) == (2, 0, 0.0)
    assert nespresso.contacted == nespresso.auto_replied == 3 and nespresso.replied == 0
    assert (cars.replied, cars.late_replies, cars.worst_business_days_to_first_reply) == (2, 1, 11)
    assert cars.median_business_days_to_first_reply == 5.5  # (0 + 11) / 2
    assert list(ranked) == ["voitures-lumiere", "gallimard", "cochonou", "nespresso"]


def test_members_who_read_everything_reach_the_ranking_from_the_brands_list(client, auth):
    auth.login("staff")
    assert '<a href="/reports/responsiveness">' not in client.get("/").text  # a full menu
    brands = client.get("/brands").text
    assert 'href="/reports/responsiveness">Which brands answer their community</a>' in brands
