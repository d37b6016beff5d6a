"""Who is told what in the overdue digest (registry.domain.digests): pure, no app."""

from __future__ import annotations

from registry.domain.digests import Flagged, Recipient, digests, notified, receives_digests, sees

GALLIMARD, NESPRESSO = 1, 2
STAFF = Recipient(10, "staff", None)
ADMIN = Recipient(11, "admin", None)
LEGAL = Recipient(12, "legal", GALLIMARD)
LEGAL_NO_BRAND = Recipient(13, "legal", None)
FAN = Recipient(14, "fan", None)

LATE = Flagged(100, "overdue", GALLIMARD)
SOON = Flagged(101, "due_soon", GALLIMARD)
THEIRS = Flagged(102, "overdue", NESPRESSO)
UNBRANDED = Flagged(103, "due_soon", None)
UNTOUCHED = Flagged(104, "not_contacted", GALLIMARD)
ITEMS = [SOON, UNTOUCHED, LATE, THEIRS, UNBRANDED]


def test_staff_and_admins_see_everything_legal_only_its_brand():
    assert all(sees(STAFF, item) and sees(ADMIN, item) for item in ITEMS)
    assert [item for item in ITEMS if sees(LEGAL, item)] == [SOON, UNTOUCHED, LATE]
    assert not any(sees(LEGAL_NO_BRAND, item) for item in ITEMS)  # not every brand-less one
    assert not any(sees(FAN, item) for item in ITEMS)


def test_only_overdue_and_due_soon_are_told_most_urgent_first():
    assert notified(ITEMS) == [LATE, THEIRS, SOON, UNBRANDED]


def test_each_recipient_gets_what_they_see_and_fans_nothing():
    got = digests(ITEMS, [STAFF, LEGAL, FAN, LEGAL_NO_BRAND], sent=set())
    assert got == {STAFF.user_id: [LATE, THEIRS, SOON, UNBRANDED], LEGAL.user_id: [LATE, SOON]}


def test_what_was_sent_is_not_told_again_to_that_member_only():
    sent = {
        (LATE.request_id, "overdue", LEGAL.user_id),
        (SOON.request_id, "due_soon", LEGAL.user_id),
    }
    got = digests(ITEMS, [STAFF, LEGAL], sent=sent)
    assert LEGAL.user_id not in got  # nothing new: no empty digest
    assert got[STAFF.user_id] == [LATE, THEIRS, SOON, UNBRANDED]


def test_a_new_flag_is_told_again():
    sent = {(LATE.request_id, "due_soon", LEGAL.user_id)}  # told when it was due soon
    assert digests([LATE], [LEGAL], sent=sent) == {LEGAL.user_id: [LATE]}


def test_the_roles_that_receive_digests():
    assert [r for r in ("fan", "staff", "legal", "admin", None) if receives_digests(r)] == [
        "staff",
        "legal",
        "admin",
    ]
