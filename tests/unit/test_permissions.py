"""Who may do what on a request, a handle, a brand: pure rules over plain attributes, so any
object with the right attributes will do (no database, no app)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from registry.domain import permissions as rules


def member(role: str, id: int = 1, brand_id: int | None = None):
    return SimpleNamespace(id=id, role=role, brand_id=brand_id)


def request(proposer_id: int = 1, state: str = "contacting", kind: str = "offer"):
    return SimpleNamespace(proposer_id=proposer_id, state=state, kind=kind)


BRAND = SimpleNamespace(id=7)
OTHER_BRAND = SimpleNamespace(id=8)


def test_the_proposer_and_the_readers_of_everything_see_a_request():
    assert rules.can_view(member("fan", id=1), request(proposer_id=1))
    assert not rules.can_view(member("fan", id=2), request(proposer_id=1))
    assert rules.can_view(member("staff", id=2), request(proposer_id=1))
    assert not rules.can_view(None, request())


def test_a_legal_account_acts_only_for_its_own_brand():
    legal = member("legal", brand_id=BRAND.id)
    assert rules.acts_for(legal, BRAND) and not rules.acts_for(legal, OTHER_BRAND)
    assert rules.acts_for_refusal(legal, OTHER_BRAND) == rules.OTHER_BRAND
    assert rules.acts_for_refusal(member("legal"), BRAND) == rules.NOT_ATTACHED
    assert rules.acts_for_refusal(member("staff"), None) is None


def test_a_proposer_may_only_withdraw_and_staff_make_any_allowed_move():
    fan = member("fan", id=1)
    assert rules.moves_for(fan, request(), BRAND) == ("withdrawn",)
    assert rules.can_move(fan, request(), "withdrawn", BRAND)
    assert not rules.can_move(fan, request(), "agreed", BRAND)
    assert "agreed" not in rules.moves_for(member("fan", id=2), request(), BRAND)
    assert len(rules.moves_for(member("staff", id=9), request(), BRAND)) > 1


def test_legal_decides_for_its_brand_once_and_only_while_open():
    legal = member("legal", brand_id=BRAND.id)
    assert rules.can_decide_now(legal, request(), BRAND, decided=False)
    assert not rules.can_decide_now(legal, request(), BRAND, decided=True)
    assert not rules.can_decide_now(legal, request(state="completed"), BRAND, decided=False)
    assert not rules.can_decide(legal, OTHER_BRAND)
    assert rules.can_decide(member("admin"), OTHER_BRAND)
    assert not rules.can_decide(member("staff"), BRAND)


@pytest.mark.parametrize(
    ("holder_kind", "holder_user_id", "allowed"),
    [("fan", 1, True), ("fan", 2, False), ("unknown", None, True), ("brand", None, False)],
)
def test_a_fan_offers_only_a_handle_they_hold_or_nobody_is_known_to(
    holder_kind, holder_user_id, allowed
):
    handle = SimpleNamespace(holder_kind=holder_kind, holder_user_id=holder_user_id)
    assert rules.may_offer(member("fan", id=1), handle) is allowed
    assert rules.may_offer(member("staff", id=3), handle)


def test_each_side_confirms_a_window_for_itself_and_staff_name_the_channel():
    fan, legal = member("fan", id=1), member("legal", id=5, brand_id=BRAND.id)
    offer = request(proposer_id=1, state="agreed")
    assert rules.confirmable_parties(fan, offer, BRAND) == ("holder",)
    assert rules.confirmable_parties(legal, offer, BRAND) == ("brand",)
    assert rules.confirmable_parties(member("staff", id=9), offer, BRAND) == ("brand",)
    assert rules.confirms_for_itself(fan, offer, BRAND, "holder")
    assert not rules.confirms_for_itself(member("staff", id=9), offer, BRAND, "brand")
    assert not rules.confirms_for_itself(legal, offer, BRAND, "nobody")
