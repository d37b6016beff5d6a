"""What a notification says, in the reader's language: one sentence made from the facts of its
event (registry.services.notifications.Item) and its topic, the same on /me/notifications and
as an e-mail's subject; the names of the topics and channels on the settings page; the
header's unread count as it is shown and read aloud."""

from __future__ import annotations

from registry.domain import workflow
from registry.domain.notifications import TOPIC_LABELS, Channel, Topic
from registry.presentation.i18n import gettext, ngettext
from registry.services.notifications import UNREAD_CAP, Item


def _named(item: Item) -> dict[str, str]:
    return {
        "brand": item.brand or gettext("The brand"),
        "handle": item.handle,
        "platform": item.platform,
        "id": str(item.request_id or ""),
    }


def _replied(item: Item, names: dict[str, str]) -> str:
    if item.request_kind == "claim":
        return gettext("%(brand)s replied about the claim to @%(handle)s on %(platform)s", **names)
    return gettext("%(brand)s replied to your offer of @%(handle)s on %(platform)s", **names)


def _decided(item: Item, names: dict[str, str]) -> str:
    claim = item.request_kind == "claim"
    if item.to_state == workflow.DECLINED:
        if claim:
            return gettext("%(brand)s declined the claim to @%(handle)s on %(platform)s", **names)
        return gettext("%(brand)s declined your offer of @%(handle)s on %(platform)s", **names)
    if claim:
        return gettext("%(brand)s accepted the claim to @%(handle)s on %(platform)s", **names)
    return gettext("%(brand)s accepted your offer of @%(handle)s on %(platform)s", **names)


def text(item: Item) -> str:
    """The notification's sentence: "Gallimard replied to your offer of @gallimard on X"."""
    names = _named(item)
    topic = item.topic
    if topic == Topic.BRAND_REPLIED and item.handle:
        return _replied(item, names)
    if topic == Topic.BRAND_DECIDED and item.handle:
        return _decided(item, names)
    if topic == Topic.HANDOVER_TO_CONFIRM and item.handle:
        return gettext(
            "A handover window for @%(handle)s on %(platform)s awaits your confirmation", **names
        )
    if topic == Topic.NEW_OFFER and item.handle:
        return gettext("New offer naming %(brand)s: @%(handle)s on %(platform)s", **names)
    if topic == Topic.REPLY_DUE_SOON and item.request_id:
        return gettext("Reply due soon on request #%(id)s", **names)
    if topic == Topic.MAIL_UNMATCHED:
        if item.sender:
            return gettext("A message from %(sender)s matches no request", sender=item.sender)
        return gettext("A message matches no request")
    if topic == Topic.WEBHOOK_DISABLED:
        if item.hook_url:
            return gettext(
                "Your webhook %(url)s was disabled after failing for a day", url=item.hook_url
            )
        return gettext("Your webhook was disabled after failing for a day")
    if item.request_id:
        return gettext(
            "Request #%(id)s: %(topic)s", id=str(item.request_id), topic=topic_label(topic)
        )
    return topic_label(topic)


def topic_label(topic: str) -> str:
    """A topic as the settings page names it ("The brand replied to my request")."""
    msgid = TOPIC_LABELS.get(topic)
    return gettext(msgid) if msgid else topic


def channel_label(channel: str) -> str:
    if channel == Channel.SITE:
        return gettext("On the site")
    return gettext("By e-mail")


def unread_shown(count: int) -> str:
    """The header's badge: the number, "99+" beyond 99 (it counts no further)."""
    return f"{UNREAD_CAP - 1}+" if count >= UNREAD_CAP else str(count)


def unread_spoken(count: int) -> str:
    """The bell's accessible name, the count said in words."""
    if count == 0:
        return gettext("Notifications, none unread")
    if count >= UNREAD_CAP:
        return gettext("Notifications, more than %(num)s unread", num=str(UNREAD_CAP - 1))
    return ngettext("Notifications, %(num)s unread", "Notifications, %(num)s unread", count)
