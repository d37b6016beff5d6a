"""What every template can use: the presentation layer's formats and words as Jinja filters
(registry.presentation.formats, .words, .labels), links, and the menus. Templates format and
show; they never decide."""

from __future__ import annotations

import functools
import re

from flask import Flask, request, url_for
from markupsafe import Markup, escape

from registry.domain import limits, permissions
from registry.domain.messages import LANGUAGES
from registry.domain.permissions import VIEW_PRIVATE
from registry.presentation import i18n
from registry.presentation.access import can
from registry.presentation.formats import (
    business_days_ago,
    countries,
    country_name,
    followers,
    full_date,
    long_date,
    long_datetime,
    region_name,
    thousands,
)
from registry.presentation.labels import humanize, label
from registry.presentation.words import as_text, audit_value, custody_note, decision, translated
from registry.web import navigation


def holder_name(record) -> str:
    """A handle's or custody record's holder as this reader may see it named: the name
    recorded; for a member holder, as registry.domain.permissions.holder_name decides (the
    member is loaded with the record: this filter never queries)."""
    name = permissions.holder_name(
        record.holder_name,
        record.holder_member,  # None when no member holds it (the relationship says so)
        member_holder=record.holder_user_id is not None,
        may_see_private=can(VIEW_PRIVATE),
    )
    return as_text(name)


def url_with(**changes) -> str:
    """The current page's URL with some query arguments changed (filters, pagination)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v not in (None, "")})
    for key in [k for k, v in changes.items() if v in (None, "")]:
        args.pop(key, None)
    assert request.endpoint is not None, "a page that matched a route has its endpoint"
    return url_for(request.endpoint, **{**(request.view_args or {}), **args})


def link(endpoint: str, **values) -> str:
    """url_for of a link every page shows (the header's, the footer's), built once per
    address the site is served under: a page has a dozen, each a route lookup."""
    return _link(request.script_root, endpoint, tuple(sorted(values.items())))


@functools.lru_cache(maxsize=256)
def _link(_script_root: str, endpoint: str, values: tuple) -> str:
    return url_for(endpoint, **dict(values))


def breakable(value) -> Markup:
    """An address or a code that may not fit its column, with the places where it may wrap
    marked (<wbr>): after an "@" or slashes, before a dot between letters. A narrow cell
    wraps "fans.cochonou@" / "example.org", not "fans.cochonou@e" / "xample.org"."""
    return Markup(_BREAK_AFTER.sub(r"\g<0><wbr>", _BREAK_BEFORE.sub("<wbr>.", str(escape(value)))))


_BREAK_AFTER = re.compile(r"@|/+")
_BREAK_BEFORE = re.compile(r"(?<=[^\W\d])\.(?=\w)")


def current_url() -> str:
    """This page's path and query, for forms that come back to it (the language switcher)."""
    return request.full_path.rstrip("?") if request.query_string else request.path


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        humanize=humanize,
        label=label,
        thousands=thousands,
        long_date=long_date,
        full_date=full_date,
        long_datetime=long_datetime,
        business_days_ago=business_days_ago,
        followers=followers,
        translated=translated,
        custody_note=custody_note,
        as_text=as_text,
        breakable=breakable,
        holder_name=holder_name,
        decision=decision,
        country_name=country_name,
        region_name=region_name,
        audit_value=audit_value,
    )
    # `{% if url is web_url %}`: only http(s) links become links, even one stored before the
    # registry refused other schemes (a javascript: URL would run in the reader's browser).
    app.jinja_env.tests["web_url"] = limits.is_web_url
    app.jinja_env.globals.update(
        can=can,
        url_with=url_with,
        link=link,
        current_url=current_url,
        countries=countries,
        languages=LANGUAGES,
        current_locale=i18n.current_locale,
        main_menu=navigation.main_menu,
        notification_bell=navigation.notification_bell,
    )
