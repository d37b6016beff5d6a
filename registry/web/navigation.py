"""The header's menu: which entries a reader sees, in order, and which one is the current page.

An entry shows when the reader holds its permission; `unless` hides it from readers who reach
the same place another way (staff and legal propose from the requests list, so only fans get
"Propose a transfer" in the menu, where they would otherwise have no way in; the ranking of
the brands, "Who answers", is in the menu of visitors and fans, the public it is written for,
and linked from the brands list for everyone)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from registry.adapters import db
from registry.domain.permissions import (
    AUDIT,
    MANAGE_REQUESTS,
    MANAGE_USERS,
    PROPOSE,
    PUBLIC,
    READ_ALL,
)
from registry.presentation import notifications as notification_words
from registry.presentation.access import can
from registry.services import mail_intake, notifications


def unmatched_mail() -> int:
    return mail_intake.unmatched_count(db.session())


@dataclass(frozen=True)
class Entry:
    endpoint: str
    label: object  # a lazy string, translated when shown
    permission: str
    unless: str | None = None
    # Other endpoints that belong to this entry's area, for aria-current.
    area: tuple[str, ...] = ()
    # How many things wait there (a badge beside the entry when more than none).
    count: Callable[[], int] | None = None
    # Shown instead of the label on a wide screen, where the menu is one line (the label
    # stays for screen readers, and in the folded menu of a narrow screen).
    icon: str = ""


MENU = (
    Entry("handles.index", _l("Registry"), PUBLIC, area=("handles.detail",)),
    Entry("brands.index", _l("Brands"), PUBLIC, area=("brands.detail",)),
    Entry("main.lookup", _l("Lookup"), PUBLIC),
    # Staff, legal and admin reach it from the brands list (their menu is full at 1200 px).
    Entry("reports.responsiveness", _l("Who answers"), PUBLIC, unless=READ_ALL),
    Entry("requests.index", _l("Requests"), READ_ALL, area=("requests.detail",)),
    Entry("requests.dashboard", _l("Attention"), READ_ALL),
    Entry("requests.mine", _l("My requests"), PROPOSE),
    Entry("requests.propose", _l("Propose a transfer"), PROPOSE, unless=READ_ALL),
    Entry(
        "correspondence.unmatched",
        _l("Unmatched mail"),
        MANAGE_REQUESTS,
        area=("correspondence.discard",),
        count=unmatched_mail,
        icon="✉",
    ),
    Entry("audit.index", _l("Audit"), AUDIT),
    # The admin's pages (accounts, the wording of the letters) share one entry and its tabs.
    Entry("admin.users", _l("Users"), MANAGE_USERS, area=("admin.letters", "admin.letter_wording")),
)


@dataclass(frozen=True)
class Shown:
    endpoint: str
    label: str
    current: bool
    count: int = 0
    icon: str = ""


def main_menu() -> list[Shown]:
    """The entries this reader may follow, the current page's marked."""
    here = request.endpoint
    return [
        Shown(
            entry.endpoint,
            str(entry.label),
            here == entry.endpoint or here in entry.area,
            entry.count() if entry.count else 0,
            entry.icon,
        )
        for entry in MENU
        if can(entry.permission) and not (entry.unless and can(entry.unless))
    ]


@dataclass(frozen=True)
class Bell:
    """The header's link to the member's notifications: the unread count as shown ("99+"
    beyond 99; "" when none) and as read aloud."""

    count: str
    label: str
    current: bool


def notification_bell() -> Bell | None:
    """The bell of a signed-in member (one bounded query); None for a visitor."""
    if g.get("database_unavailable") or not current_user.is_authenticated:
        return None
    unread = notifications.unread_count(db.session(), current_user)
    return Bell(
        count=notification_words.unread_shown(unread) if unread else "",
        label=notification_words.unread_spoken(unread),
        current=(request.blueprint == "notifications"),
    )
