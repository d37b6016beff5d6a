"""The handover's rules, without Flask or a database: deadlines, standing, who confirms for
which side, the lock after a handover, and what a platform's rules warn about."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from registry.domain import handover
from registry.domain.clock import BusinessCalendar

FR = BusinessCalendar("FR")
START = datetime(2026, 12, 10, 14, 0, tzinfo=UTC)  # a Thursday


def plan(**values) -> handover.PlanFacts:
    defaults = {
        "window_start": START,
        "window_minutes": 30,
        "confirm_by": date(2026, 12, 8),
        "outcome_by": date(2026, 12, 11),
    }
    return handover.PlanFacts(**(defaults | values))


def test_confirmations_are_due_five_business_days_after_scheduling():
    # Scheduled Tuesday 1 December 2026: Wed 2, Thu 3, Fri 4, Mon 7, Tue 8.
    assert handover.confirm_by(date(2026, 12, 1), FR) == date(2026, 12, 8)
    # Scheduled Thursday 24 December: Christmas (Friday), New Year's Day and the weekends
    # do not count (28, 29, 30, 31 December, 4 January).
    assert handover.confirm_by(date(2026, 12, 24), FR) == date(2027, 1, 4)


def test_the_outcome_is_due_one_business_day_after_the_window():
    assert handover.outcome_by(date(2026, 12, 10), FR) == date(2026, 12, 11)
    assert handover.outcome_by(date(2026, 12, 11), FR) == date(2026, 12, 14)  # Friday → Monday


@pytest.mark.parametrize(
    ("facts", "now", "today", "expected"),
    [
        (plan(), START - timedelta(days=5), date(2026, 12, 5), handover.AWAITING_CONFIRMATIONS),
        (
            plan(holder_confirmed=True),
            START - timedelta(days=1),
            date(2026, 12, 9),
            handover.LAPSED,
        ),
        # Both confirmed: ready until the window ends, then its outcome is awaited, then late.
        (
            plan(holder_confirmed=True, brand_confirmed=True),
            START,
            date(2026, 12, 10),
            handover.READY,
        ),
        (
            plan(holder_confirmed=True, brand_confirmed=True),
            START + timedelta(minutes=30),
            date(2026, 12, 10),
            handover.AWAITING_OUTCOME,
        ),
        (
            plan(holder_confirmed=True, brand_confirmed=True),
            START + timedelta(days=2),
            date(2026, 12, 12),
            handover.OUTCOME_OVERDUE,
        ),
        # A window that begins before anyone confirmed has lapsed, deadline or not.
        (plan(confirm_by=date(2026, 12, 20)), START, date(2026, 12, 10), handover.LAPSED),
        (plan(outcome="claimed"), START, date(2026, 12, 10), handover.CLAIMED_STANDING),
        (plan(outcome="failed"), START, date(2026, 12, 10), handover.FAILED_STANDING),
    ],
)
def test_a_plans_standing(facts, now, today, expected):
    assert handover.standing(facts, now=now, today=today) == expected


def test_who_owes_the_next_step():
    waiting = plan(brand_confirmed=True)
    assert handover.owed_by(waiting, handover.AWAITING_CONFIRMATIONS) == (handover.HOLDER,)
    assert handover.owed_by(plan(), handover.AWAITING_CONFIRMATIONS) == ("holder", "brand")
    assert handover.owed_by(waiting, handover.READY) == ("staff",)
    assert handover.owed_by(waiting, handover.LAPSED) == ()


def refusal(party, **who):
    base = {
        "offer": True,
        "proposer": False,
        "legal_of_brand": False,
        "legal": False,
        "staff": False,
        "system": False,
        "channel": "",
    }
    return handover.confirmation_refusal(party, **(base | who))


def test_each_side_confirms_for_itself():
    assert refusal("holder", proposer=True) is None  # the fan who offered it
    assert refusal("brand", legal=True, legal_of_brand=True) is None


@pytest.mark.parametrize(
    ("party", "who", "kind"),
    [
        ("holder", {"staff": True, "channel": "phone"}, handover.FORBIDDEN),  # an offer: the fan
        ("holder", {"legal": True, "legal_of_brand": True}, handover.FORBIDDEN),
        ("brand", {"proposer": True}, handover.FORBIDDEN),  # the fan cannot speak for the brand
        ("brand", {"legal": True}, handover.FORBIDDEN),  # another brand's legal team
        ("brand", {"staff": True}, handover.INVALID),  # staff, without saying how it came
        ("holder", {"offer": False, "proposer": True}, handover.FORBIDDEN),  # a claim's holder
        ("seller", {"proposer": True}, handover.INVALID),
    ],
)
def test_a_confirmation_by_the_wrong_party_is_refused(party, who, kind):
    found = refusal(party, **who)
    assert found is not None and found[0] == kind


def test_staff_and_the_registry_record_confirmations_received_elsewhere():
    assert refusal("brand", staff=True, channel="email") is None
    assert refusal("holder", offer=False, staff=True, channel="letter") is None
    assert refusal("holder", system=True, channel="email") is None
    assert refusal("brand", system=True)[0] == handover.INVALID  # the channel is needed


def test_the_lock_lasts_sixty_days_unless_configured():
    assert handover.lock_ends(date(2026, 12, 1)) == date(2027, 1, 30)
    assert handover.lock_ends(date(2026, 12, 1), 7) == date(2026, 12, 8)


def texts(messages) -> list[str]:
    return [str(m) for m in messages]


def test_x_warns_that_the_name_is_free_for_anyone_at_once():
    found = texts(
        handover.warnings("x", "X", window_start=START, window_day=START.date(), calendar=FR)
    )
    assert any("frees the old name the moment it changes" in w for w in found)
    assert any("log in at least every 30 days" in w for w in found)


def test_tiktok_warns_of_its_thirty_days_between_renames_and_its_short_hold():
    found = texts(
        handover.warnings(
            "tiktok", "TikTok", window_start=START, window_day=START.date(), calendar=FR
        )
    )
    assert any("one username change every 30 days" in w and "2026-11-10" in w for w in found)
    # TikTok's own words, with the page they are on: the brand must retry.
    (held,) = [w for w in found if "for a short period of time" in w]
    assert "try again" in held
    assert "support.tiktok.com/en/getting-started/setting-up-your-profile/" in held


def test_instagram_says_threads_follows_and_a_day_off_is_named():
    christmas = datetime(2026, 12, 25, 10, tzinfo=UTC)
    found = texts(
        handover.warnings(
            "instagram",
            "Instagram",
            window_start=christmas,
            window_day=christmas.date(),
            calendar=FR,
            shared_name="Threads",
        )
    )
    assert any(
        w.startswith("Renaming on Instagram renames the Threads profile too.") for w in found
    )
    assert any("frees the old name the moment it changes" in w for w in found)
    assert any("day off for the brand (2026-12-25)" in w for w in found)
    # A rename platform with no such rule, on a business day: nothing to warn about.
    assert (
        handover.warnings(
            "unknown", "Elsewhere", window_start=START, window_day=START.date(), calendar=FR
        )
        == []
    )


@pytest.mark.parametrize(
    ("slug", "method"),
    [
        ("x", handover.RENAME),
        ("instagram", handover.RENAME),
        ("threads", handover.RENAME),
        ("tiktok", handover.RENAME),
        ("youtube", handover.OWNERSHIP),
        ("facebook", handover.OWNERSHIP),
        ("linkedin", handover.OWNERSHIP),
        ("telegram", handover.OWNERSHIP),
        ("snapchat", handover.IMPOSSIBLE),
        ("mastodon", handover.IMPOSSIBLE),
        ("linkedin_member", handover.IMPOSSIBLE),
        ("bluesky", handover.DOMAIN),
    ],
)
def test_each_platform_has_its_handover_method(slug, method):
    assert handover.method_of(slug) == method
    assert handover.needs_window(slug) == (method != handover.OWNERSHIP)


def test_every_platform_has_a_method_and_a_source():
    from registry.domain.platforms import PLATFORMS

    assert {p.slug for p in PLATFORMS} <= set(handover.HANDOVER_RULES)
    for rules in handover.HANDOVER_RULES.values():
        assert rules.method in handover.METHODS
        assert rules.source
        for said in (*rules.cautions, rules.freed_name_held, rules.paid_terms):
            assert said is None or said.source
        assert all(each.source for each in rules.alternatives)
        # A name that never changes hands has alternatives; only there.
        assert bool(rules.alternatives) == (rules.method == handover.IMPOSSIBLE)


def test_youtube_s_unsourced_hold_is_gone_and_its_seven_days_are_sourced():
    found = texts(
        handover.warnings("youtube", "YouTube", window_start=None, window_day=None, calendar=FR)
    )
    assert not any("holds a freed name" in w or "short period" in w for w in found)
    (owner,) = found
    assert "Brand Account" in owner and "7 days" in owner
    assert "support.google.com/accounts/answer/7311601" in owner
    assert handover.rules_for("youtube").owner_wait_days == 7
    # An ownership change is no rename race: nothing about a name freed for anyone.
    assert not any("frees the old name" in w for w in found)


def test_telegram_needs_a_two_step_password_and_a_day_old_session():
    (found,) = texts(
        handover.warnings("telegram", "Telegram", window_start=None, window_day=None, calendar=FR)
    )
    assert "password" in found and "24 hours" in found
    assert "core.telegram.org/method/channels.editCreator" in found


def test_bluesky_warns_that_a_bsky_social_name_is_not_freed():
    (found,) = texts(
        handover.warnings(
            "bluesky", "Bluesky", window_start=START, window_day=START.date(), calendar=FR
        )
    )
    assert "bsky.social name is not freed" in found
    assert "ChangeHandleDialog.tsx" in found


def test_mastodon_and_snapchat_offer_alternatives_with_sources():
    mastodon = handover.alternatives("mastodon", "Mastodon")
    kinds = [kind for kind, _text, _source in mastodon]
    assert "move_followers" in kinds
    move = next(str(text) for kind, text, _source in mastodon if kind == "move_followers")
    assert "posts stay behind" in move and "30 days" in move
    snapchat = handover.alternatives("snapchat", "Snapchat")
    assert any(
        kind == "trademark" and source == "help.snapchat.com, article 7047503878804"
        for kind, _text, source in snapchat
    )
    assert handover.alternatives("x", "X") == []
    assert "can never pass" in str(handover.impossible_refusal("Snapchat"))


def test_paid_terms_break_x_and_instagram_rules_and_name_the_trademark_route():
    x = handover.terms_warning("x", "sale")
    assert x is not None
    assert "help.x.com/en/rules-and-policies/x-username-squatting" in str(x)
    assert "forbids buying or selling" in str(x)
    for slug in ("instagram", "threads"):
        found = handover.terms_warning(slug, "donation")
        assert found is not None
        assert "help.instagram.com/581066165581870" in str(found)
        assert "trademark report" in str(found)
    # Free terms, or a platform without such a rule: nothing to say.
    assert handover.terms_warning("x", "free") is None
    assert handover.terms_warning("tiktok", "sale") is None
    # The plan's warnings say it too.
    found = texts(
        handover.warnings(
            "x", "X", window_start=START, window_day=START.date(), calendar=FR, terms="sale"
        )
    )
    assert any("forbids buying or selling" in w for w in found)


def test_steps_follow_the_method():
    assert "DNS" not in " ".join(handover.steps("x")[handover.BRAND])
    assert "rename your account" in " ".join(handover.steps("x")[handover.HOLDER])
    assert set(handover.steps("x")) == {handover.HOLDER, handover.BRAND}
    brand = " ".join(handover.steps("bluesky")[handover.BRAND])
    assert "_atproto" in brand and ".well-known/atproto-did" in brand
    owner = handover.steps("youtube")
    assert "owner" in " ".join(owner[handover.HOLDER])
    assert "remove the holder" in " ".join(owner[handover.BRAND])
    assert not any("rename" in step for step in owner[handover.HOLDER])
    assert handover.steps("snapchat") == {handover.HOLDER: (), handover.BRAND: ()}


def test_every_platform_rule_names_its_source():
    assert all(rules.source for rules in handover.HANDOVER_RULES.values())


# --- windows across a change to or from summer time ---------------------------------------

PARIS = ZoneInfo("Europe/Paris")


def test_a_window_across_the_spring_change_ends_ninety_minutes_later_in_utc():
    """Paris moves from 02:00 CET to 03:00 CEST on 29 March 2026: 90 minutes from 01:30
    CET end at 04:00 CEST (02:00 UTC), not at 03:00 (a wall-clock sum)."""
    start = datetime(2026, 3, 29, 1, 30, tzinfo=PARIS)
    end = plan(window_start=start, window_minutes=90).window_end
    assert end.astimezone(UTC) == datetime(2026, 3, 29, 2, 0, tzinfo=UTC)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(minutes=90)
    assert (end.hour, end.minute, end.utcoffset()) == (4, 0, timedelta(hours=2))


def test_a_window_across_the_autumn_change_ends_sixty_minutes_later_in_utc():
    """Paris moves from 03:00 CEST back to 02:00 CET on 25 October 2026: 60 minutes from
    02:30 CEST end at 02:30 CET (01:30 UTC), the same wall-clock time an hour later."""
    start = datetime(2026, 10, 25, 2, 30, tzinfo=PARIS)  # fold=0: the first 02:30, CEST
    assert start.utcoffset() == timedelta(hours=2)
    end = plan(window_start=start, window_minutes=60).window_end
    assert end.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert (end.hour, end.minute, end.utcoffset()) == (2, 30, timedelta(hours=1))


def test_a_window_across_a_change_stands_as_ready_until_its_real_end():
    """The standing reads the real end: at 03:30 CEST the spring window is still under way."""
    start = datetime(2026, 3, 29, 1, 30, tzinfo=PARIS)
    confirmed = plan(
        window_start=start, window_minutes=90, holder_confirmed=True, brand_confirmed=True
    )
    during = datetime(2026, 3, 29, 1, 45, tzinfo=UTC)  # 03:45 CEST
    assert handover.standing(confirmed, now=during, today=date(2026, 3, 29)) == handover.READY


@pytest.mark.parametrize(
    ("start", "minutes"),
    [
        (datetime(2026, 3, 28, 23, 0, tzinfo=PARIS), 24 * 60),
        (datetime(2026, 10, 24, 22, 15, tzinfo=PARIS), 24 * 60),
        (datetime(2026, 10, 25, 1, 59, tzinfo=PARIS), 5),
        (datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=PARIS), 45),
        (datetime(2026, 7, 1, 12, 0, tzinfo=PARIS), 30),
    ],
)
def test_a_window_lasts_its_minutes_of_elapsed_time(start, minutes):
    end = handover.minutes_after(start, minutes)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(minutes=minutes)
    assert end.tzinfo is PARIS  # shown in the zone it was given in


def test_an_ownership_plan_without_a_window_awaits_its_outcome_once_confirmed():
    untimed = plan(window_start=START - timedelta(days=3), window_minutes=0, timed=False)
    # Not confirmed: it lapses only when confirm_by passes, whatever the time.
    assert (
        handover.standing(untimed, now=START, today=date(2026, 12, 8))
        == handover.AWAITING_CONFIRMATIONS
    )
    assert handover.standing(untimed, now=START, today=date(2026, 12, 9)) == handover.LAPSED
    both = plan(
        window_start=START,
        window_minutes=0,
        timed=False,
        holder_confirmed=True,
        brand_confirmed=True,
    )
    assert handover.standing(both, now=START, today=date(2026, 12, 10)) == (
        handover.AWAITING_OUTCOME
    )
    assert handover.standing(both, now=START, today=date(2026, 12, 12)) == (
        handover.OUTCOME_OVERDUE
    )


def test_an_ownership_plan_ends_after_the_platform_s_delay():
    confirm = date(2026, 12, 8)
    assert handover.plan_ends_on("youtube", window_end_day=None, confirm_by=confirm) == date(
        2026, 12, 15
    )
    assert handover.plan_ends_on("facebook", window_end_day=None, confirm_by=confirm) == confirm
    assert handover.plan_ends_on(
        "x", window_end_day=date(2026, 12, 10), confirm_by=confirm
    ) == date(2026, 12, 10)
