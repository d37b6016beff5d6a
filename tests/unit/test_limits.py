"""The registry's bounds, checked alone (registry.domain.limits is pure Python)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest

from registry.domain import limits


@pytest.mark.parametrize(
    ("raw", "page"),
    [
        (None, 1),
        ("", 1),
        ("abc", 1),
        ("-3", 1),
        ("0", 1),
        ("7", 7),
        (" 12 ", 12),
        ("9999999999999999999", limits.MAX_PAGE),
        ("9" * 5000, limits.MAX_PAGE),  # more digits than int() converts
        ("1e308", 1),
    ],
)
def test_page_numbers_are_clamped(raw, page):
    assert limits.clamp_page(raw) == page


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1899, 12, 31), date(2101, 1, 1)])
def test_days_outside_1900_2100_are_refused_with_the_range(day):
    with pytest.raises(limits.OutOfRange) as refused:
        limits.check_day(day, field="as_of")
    assert refused.value.field == "as_of"
    assert str(refused.value) == "Give a date between 1900-01-01 and 2100-12-31."


def test_a_moment_is_refused_by_its_own_date():
    assert limits.check_moment(datetime(2026, 3, 2, 9, tzinfo=UTC))
    with pytest.raises(limits.OutOfRange):
        limits.check_moment(datetime(9999, 12, 31, 23, 59))


@pytest.mark.parametrize(
    ("euros", "message"),
    [
        (math.inf, "Give an amount in euros, such as 150 or 99.50."),
        (-math.inf, "Give an amount in euros, such as 150 or 99.50."),
        (math.nan, "Give an amount in euros, such as 150 or 99.50."),
        (1e308, "An amount can be at most 10000000 euros."),
        (-0.01, "An amount cannot be negative."),
    ],
)
def test_amounts_must_be_finite_and_within_the_column(euros, message):
    with pytest.raises(limits.OutOfRange) as refused:
        limits.check_amount(euros)
    assert str(refused.value) == message
    assert refused.value.field == "amount"


def test_an_amount_is_kept_in_whole_cents():
    assert limits.check_amount(99.5) == 9950
    assert limits.check_amount(limits.MAX_AMOUNT_EUROS) == limits.MAX_AMOUNT_CENTS


@pytest.mark.parametrize("value", [0, -1, limits.MAX_ID + 1, 10**30, True, "1", 1.0])
def test_only_whole_numbers_within_the_column_are_ids(value):
    assert not limits.is_id(value)
    assert limits.is_id(1) and limits.is_id(limits.MAX_ID)


def test_whole_numbers_beyond_the_column_are_refused():
    with pytest.raises(limits.OutOfRange) as refused:
        limits.check_int(2**31, field="followers")
    assert str(refused.value) == "Give a whole number between 0 and 2147483647."


@pytest.mark.parametrize(
    ("payload", "where", "says"),
    [
        ({"summary": "a\x00b"}, "summary", "NUL character"),
        ({"summary": "\ud800"}, "summary", "lone surrogate"),
        ({"a\x00": 1}, "body", "NUL character"),
        ({"items": ["ok", {"note": "\udfff"}]}, "items.1.note", "lone surrogate"),
    ],
)
def test_unstorable_texts_are_found_anywhere_in_a_body(payload, where, says):
    found, msgid, _params = limits.unstorable_in(payload)
    assert found == where
    assert says in msgid


def test_nesting_is_bounded_without_recursion():
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    where, msgid, params = limits.unstorable_in({"a": deep})
    assert (where, msgid, params) == ("body", limits.TOO_DEEP, {"max": limits.JSON_DEPTH_MAX})
    assert limits.unstorable_in({"a": [[["fine"]]], "b": "é ✓ 🎉"}) is None


def test_searches_are_shorter_than_other_query_values():
    assert limits.query_value_max("q") == limits.SEARCH_MAX == 200
    assert limits.query_value_max("next") == limits.QUERY_VALUE_MAX
