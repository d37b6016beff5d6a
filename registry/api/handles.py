"""Handles: search the registry, look one up in any spelling, add one."""

from __future__ import annotations

from flask import jsonify, request, url_for
from pydantic import BaseModel
from sqlmodel import Session, select

from registry.adapters import db
from registry.adapters.models import (
    HANDLE_STATUSES,
    HOLDER_KINDS,
    Brand,
    CustodyRecord,
    FollowerCount,
)
from registry.api import bp
from registry.api.auth import api_can
from registry.api.errors import ApiError
from registry.api.inputs import (
    body_as,
    check_known_parameters,
    choice_parameter,
    etag_of,
    expected_version,
    given_or_absent,
    page_body,
    paging,
    precondition_failed,
    refused_parameter,
    run_use_case,
)
from registry.api.schemas import (
    HandleCreate,
    HandleDetailPrivate,
    HandleDetailPublic,
    HandlePrivate,
    HandlePublic,
    HandleUpdate,
    LookalikeList,
    LookalikeOut,
    custody_fields,
)
from registry.domain.messages import N_
from registry.domain.permissions import EDIT_REGISTRY, PUBLIC, VIEW_PRIVATE
from registry.presentation.access import requires
from registry.presentation.words import custody_note
from registry.services import (
    Invalid,
    Stale,
    custody,
    follower_counts,
    handles,
    lookalikes,
    platforms,
)

LIST_PARAMETERS = ("platform", "brand", "holder_kind", "status", "q", "page", "per_page")


def handle_body(
    row: handles.HandleRow,
    custody: list[CustodyRecord] | None = None,
    counts: list[FollowerCount] | None = None,
) -> dict:
    """A handle as the caller may see it: the private model only for VIEW_PRIVATE; with its
    custody, its follower counts over time too."""
    record = row.handle
    fields = {
        **record.model_dump(),
        "platform": row.platform.slug,
        "url": platforms.url_for_handle(row.platform, record.handle),
        "brand": row.brand.slug if row.brand else None,
        "collectible": row.collectible,
    }
    private = api_can(VIEW_PRIVATE)
    model: type[BaseModel]
    if custody is None:
        model = HandlePrivate if private else HandlePublic
    else:
        model = HandleDetailPrivate if private else HandleDetailPublic
        fields["custody"] = [custody_fields(entry, custody_note(entry)) for entry in custody]
        fields["followers_history"] = [
            {"count": seen.followers, "seen_on": seen.seen_on} for seen in counts or ()
        ]
    return model.model_validate(fields).model_dump(mode="json")


def brand_parameter(session: Session) -> str:
    """The ?brand= filter: a brand's slug, checked to exist (a typo must not match nothing);
    422, as the document cannot list the slugs."""
    slug = given_or_absent("brand").lower()  # `brand=` is refused, not read as "any brand"
    if slug and session.exec(select(Brand.id).where(Brand.slug == slug)).first() is None:
        raise refused_parameter("brand", N_('No brand with the slug "%(slug)s".'), slug=slug)
    return slug


def brand_id_for(session: Session, slug: str | None) -> int | None:
    """The id of the brand named by its slug in a body; None when no brand is given."""
    slug = (slug or "").strip().lower()
    if not slug:
        return None
    brand_id = session.exec(select(Brand.id).where(Brand.slug == slug)).first()
    if brand_id is None:
        raise Invalid('No brand with the slug "%(slug)s".', field="brand", slug=slug)
    return brand_id


@bp.get("/handles")
@requires(PUBLIC)
def handles_index():
    check_known_parameters(LIST_PARAMETERS)
    session = db.session()
    filters = handles.HandleFilters(
        platform=choice_parameter("platform", [p.slug for p in platforms.all_platforms(session)]),
        brand=brand_parameter(session),
        holder_kind=choice_parameter("holder_kind", HOLDER_KINDS),
        status=choice_parameter("status", HANDLE_STATUSES),
        q=request.args.get("q", "").strip(),
    )
    page, per_page = paging()
    found = handles.list_handles(session, filters, page=page, page_size=per_page)
    return page_body(
        [handle_body(row) for row in found.items], page=page, per_page=per_page, total=found.total
    )


def lookalike_body(found: lookalikes.Lookalike) -> dict:
    return LookalikeOut(
        platform=found.row.platform.slug,
        handle=found.handle.handle,
        normalized=found.handle.normalized,
        brand=found.row.brand.slug if found.row.brand else None,
        holder_kind=found.handle.holder_kind,
        status=found.handle.status,
        reasons=list(found.reasons),
    ).model_dump(mode="json")


@bp.get("/handles/<platform>/<path:handle>/lookalikes", merge_slashes=False)
@requires(PUBLIC)
def handle_lookalikes(platform: str, handle: str):
    """The handles that look like this one, whether it is in the registry or not."""
    check_known_parameters(("scope",))
    scope = choice_parameter("scope", ("platform", "all")) or "platform"
    session = db.session()
    try:
        found, similar = lookalikes.lookalikes_of(
            session, platform, handle, all_platforms=scope == "all"
        )
    except Invalid as exc:
        if "platform" in exc.fields:
            raise ApiError(404, exc.msgid, fields=exc.field_messages, **exc.params) from None
        raise
    return jsonify(
        LookalikeList.model_validate(
            {
                "platform": found.platform.slug,
                "handle": found.display,
                "normalized": found.normalized,
                "in_registry": found.row is not None,
                "items": [lookalike_body(f) for f in similar.suspects],
                "related": [lookalike_body(f) for f in similar.related],
            }
        ).model_dump(mode="json")
    )


# Slashes are not merged: a profile URL pasted in the path keeps its "https://".
@bp.get("/handles/<platform>/<handle:handle>", merge_slashes=False)
@requires(PUBLIC)
def handle_detail(platform: str, handle: str):
    session = db.session()
    return handle_response(session, _found_or_404(session, platform, handle))


def handle_response(session: Session, row: handles.HandleRow | int):
    """A handle (its row, or its id) with its custody history, as the caller may see it,
    and its ETag."""
    if isinstance(row, int):
        row = handles.get_handle(session, row)
    assert row.handle.id is not None  # a stored handle has its id
    response = jsonify(
        handle_body(
            row,
            custody.custody_history(session, row.handle.id),
            follower_counts.history(session, row.handle.id),
        )
    )
    response.set_etag(etag_of(row.handle))
    return response


def _found_or_404(session: Session, platform: str, handle: str) -> handles.HandleRow:
    """The handle named in the path, in any spelling its platform treats as equal."""
    try:
        found = handles.lookup(session, platform, handle)
    except Invalid as exc:
        if "platform" in exc.fields:
            raise ApiError(404, exc.msgid, fields=exc.field_messages, **exc.params) from None
        raise
    if found.row is None:
        raise ApiError(
            404,
            "%(platform)s handle @%(handle)s is not in the registry.",
            platform=found.platform.name,
            handle=found.display,
            extra={
                "platform": found.platform.slug,
                "handle": found.display,
                "normalized": found.normalized,
                "url": found.url,
            },
        )
    return found.row


@bp.patch("/handles/<platform>/<handle:handle>", merge_slashes=False)
@requires(EDIT_REGISTRY)
def handle_update(platform: str, handle: str):
    """Change what describes a handle; only the fields given change. With If-Match (the
    ETag of a GET), a change made from an older read is refused with 412."""
    body = body_as(HandleUpdate)
    session = db.session()
    found = _found_or_404(session, platform, handle)
    values = body.model_dump(exclude_unset=True)
    if "brand" in values:
        values["brand_id"] = brand_id_for(session, values.pop("brand"))
    try:
        saved = run_use_case(
            handles.update_handle,
            found.handle.id,
            expected_version=expected_version(),
            **values,
        )
    except Stale as exc:
        raise precondition_failed(exc.current) from None
    assert saved.id is not None  # a stored handle has its id
    return handle_response(session, saved.id)


@bp.post("/handles")
@requires(EDIT_REGISTRY)
def handle_create():
    body = body_as(HandleCreate)
    session = db.session()
    created = run_use_case(
        handles.create_handle,
        platform_slug=body.platform,
        handle=body.handle,
        brand_id=brand_id_for(session, body.brand),
        holder_kind=body.holder_kind,
        holder_name=body.holder_name,
        holder_contact=body.holder_contact,
        status=body.status,
        followers=body.followers,
        followers_seen_on=body.followers_seen_on,
        notes=body.notes,
        private_notes=body.private_notes,
        evidence_url=body.evidence_url,
    )
    assert created.id is not None  # a stored handle has its id
    response = handle_response(session, created.id)
    response.status_code = 201
    response.headers["Location"] = url_for(
        "api.handle_detail", platform=response.json["platform"], handle=created.handle
    )
    return response
