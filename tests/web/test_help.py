"""/help: the flags, business days with a calendar's holidays, replies and the handover, with
the figures the rules use (worked out by hand below, as of Tuesday 1 December 2026)."""

from datetime import date
from html import unescape

import pytest

from registry.domain import clock, escalation, handover
from registry.services import guide
from tests.factories import context

TODAY = date(2026, 12, 1)
FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


@pytest.fixture
def on_first_december(monkeypatch):
    monkeypatch.setattr("registry.presentation.context.reader_today", lambda moment: TODAY)


def test_the_examples_are_the_reply_clock_worked_out_in_the_brands_calendar(app, make):
    make.brand("Gallimard", country="FR")
    with app.app_context():
        found = guide.guide(context(today=TODAY), language="en", brand_slug="gallimard")
    # Sent Saturday 5 December: read Monday 7; ten business days later is Monday 21.
    assert found.weekend_example == guide.Example(
        date(2026, 12, 5), date(2026, 12, 7), date(2026, 12, 21), ()
    )
    # The next weekday holiday is Christmas, Friday 25 December; sent the day before, Thursday
    # 24: 28, 29, 30, 31 December (1 January is a holiday), 4 to 8 January, 11 January.
    example = found.holiday_example
    assert (example.sent, example.counted_from, example.due) == (
        date(2026, 12, 24),
        date(2026, 12, 24),
        date(2027, 1, 11),
    )
    assert [day for day, _ in example.skipped] == [date(2026, 12, 25), date(2027, 1, 1)]
    assert found.holidays[0] == (date(2026, 1, 1), "New Year's Day")
    assert len(found.holidays) == 11  # France's national public holidays


def test_a_brands_own_deadline_and_region_are_used(app, make):
    make.brand("Irn", country="GB", subdivision="GB-SCT", reply_deadline_days=15)
    with app.app_context():
        found = guide.guide(context(today=TODAY), language="en", brand_slug="irn")
    assert found.deadline_days == 15 and found.subdivision == "GB-SCT"
    assert "Saint Andrew's Day" in dict(found.holidays).values()
    calendar = clock.calendar_for("GB", "SCT")
    assert found.weekend_example.due == clock.due_after(date(2026, 12, 5), 15, calendar=calendar)


def test_no_brand_or_an_unknown_one_shows_the_default_calendar(app):
    with app.app_context():
        found = guide.guide(context(today=TODAY), language="en", brand_slug="zz")
    assert found.brand is None and found.unknown_brand == "zz" and found.country == "FR"


def test_the_page_explains_each_subject_with_the_rules_figures(client, on_first_december):
    page = unescape(client.get("/help").text)
    for anchor in ('id="flags"', 'id="business-days"', 'id="replies"', 'id="handover"'):
        assert anchor in page
    assert "open for more than 5 business days" in page
    assert "due within 2 business days" in page
    assert "within 10 business days of the first message left unanswered" in page
    assert (
        "A message sent on Saturday, December 5, 2026 is read on Monday, December 7, 2026" in page
    )
    assert "has its reply due on Monday, January 11, 2027" in page
    assert "Christmas Day (December 25, 2026)" in page
    # What counts as a reply comes from the clock's own lists.
    counts, _, does_not = page.partition("Does not count")
    assert "Replied" in counts and "Auto reply" in does_not and "Voicemail" in does_not
    assert "for 60 days" in page and "30 minutes by default" in page


def test_the_handover_is_not_described_as_a_rename_race_everywhere(client, on_first_december):
    page = " ".join(unescape(client.get("/help").text).split())
    handover_part = page.partition('id="handover"')[2]
    assert "by a change of owner" in handover_part and "no window is needed" in handover_part
    assert "never, where a name can never pass to another account" in handover_part
    # Each platform's method and its source.
    assert "YouTube</strong> — by a change of the account's owner." in handover_part
    assert "Snapchat</strong> — never: the name cannot pass to another account." in handover_part
    assert "Source: core.telegram.org/method/channels.editCreator" in handover_part
    # YouTube's hold on a freed handle was never sourced: it is not said.
    youtube = handover_part.partition("YouTube</strong>")[2].partition("</li>")[0]
    assert "held" not in youtube


def test_a_brands_calendar_is_chosen_from_the_page(client, make, on_first_december):
    make.brand("Cochonou", country="FR", subdivision="FR-6AE")
    page = unescape(client.get("/help?brand=cochonou").text)
    assert "The calendar of Cochonou" in page and "Alsace" in page
    assert "Saint-Étienne" in page or "Saint Stephen" in page


def test_an_unknown_brand_says_so_and_keeps_the_default_calendar(client, on_first_december):
    response = client.get("/help?brand=nobody")
    page = unescape(response.text)
    assert response.status_code == 200
    assert 'No brand with the short name "nobody".' in page
    assert "The registry's default calendar is shown instead." in page
    assert "National public holidays of France in 2026" in page


def test_the_page_speaks_french(client, on_first_december):
    page = unescape(client.get("/help", headers=FRENCH).text)
    assert "Aide" in page and "samedi 5 décembre 2026" in page
    assert "Noël (25 décembre 2026)" in page


def test_the_footer_the_dashboard_and_a_brand_page_link_to_help(client, auth, make):
    make.brand("Gallimard")
    assert 'href="/help"' in client.get("/").text
    assert 'href="/help?brand=gallimard#business-days"' in client.get("/brands/gallimard").text
    auth.login("staff")
    assert 'href="/help#flags"' in client.get("/requests/attention").text


def test_the_figures_are_the_configured_ones(app, client, on_first_december):
    """The page is given its figures by its view (registry.services.guide), from the settings
    and the rules: none is written in the template."""
    app.config.update(REPLY_DEADLINE_DAYS=15, HANDOVER_LOCK_DAYS=90, ESCALATE_AFTER=3)
    page = unescape(client.get("/help").text)
    assert "within 15 business days of the first message left unanswered" in page
    assert "Worked out with a deadline of 15 business days" in page
    # Sent Saturday 5 December, read Monday 7: fifteen business days later, Christmas (Friday
    # 25) stepped over, is Tuesday 29.
    assert "its reply is due on Tuesday, December 29, 2026" in page
    assert "for 90 days" in page
    assert "After 3 unanswered attempts through one channel" in page
    assert "within 10 business days" not in page and "for 60 days" not in page


def test_unset_settings_give_the_rules_own_figures(client, on_first_december):
    page = unescape(client.get("/help").text)
    assert f"within {clock.DEFAULT_DEADLINE_DAYS} business days of the first message" in page
    assert f"open for more than {clock.NOT_CONTACTED_DAYS} business days" in page
    assert f"due within {clock.DUE_SOON_DAYS} business days" in page
    assert f"for {handover.DEFAULT_LOCK_DAYS} days" in page
    assert f"({handover.DEFAULT_WINDOW_MINUTES} minutes by default)" in page
    assert f"within {handover.CONFIRM_DAYS} business days;" in page
    assert f"After {escalation.DEFAULT_ESCALATE_AFTER} unanswered attempts" in page


def test_the_page_says_how_each_deadline_counts_its_first_day(client, on_first_december):
    """Two rules (tests/unit/test_business_day_conventions.py): the reply clock from day 0,
    the day a message is read; a handover's deadlines from the day itself."""
    page = unescape(client.get("/help").text)
    clock_rule = page[page.index('id="day-zero"') : page.index('id="day-itself"')]
    assert "counts from day 0, the day a message is read" in clock_rule
    assert "Day 0 itself is not counted" in clock_rule
    assert "sent on the Saturday after, from the Tuesday" in clock_rule
    handover_rule = page[page.index('id="day-itself"') :]
    assert "A handover's deadlines, and the “Not contacted” flag, count from the day itself" in (
        handover_rule
    )
    assert "is due on the Monday" in handover_rule


def test_the_api_description_says_both_rules(client):
    description = client.get("/api/v1/openapi.json").get_json()["info"]["description"]
    assert "the N-th business day after day 0, the day the\nmessage is read" in description
    assert "`confirm_by` and `outcome_by`" in description
    assert "count the business days strictly after the day itself" in description
