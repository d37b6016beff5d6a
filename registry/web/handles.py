"""The registry: list, detail, create, edit, and change of holder."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.adapters import db
from registry.domain import permissions
from registry.domain.permissions import EDIT_REGISTRY, PUBLIC, VIEW_PRIVATE
from registry.presentation.access import can, requires
from registry.services import (
    brands,
    custody,
    follower_counts,
    handles,
    lookalikes,
    platforms,
    request_reads,
)
from registry.web import charts
from registry.web.forms import (
    HOLDER_CHOICES,
    STATUS_CHOICES,
    HandleEditForm,
    HandleForm,
    HolderChangeForm,
    VerifyHolderForm,
    options,
)
from registry.web.helpers import (
    actor,
    context,
    form_status,
    or_404,
    paging,
    run_use_case,
    sent_version,
    stale_copy,
    unsaved_values,
)

bp = Blueprint("handles", __name__, url_prefix="/handles")


def _brand_choices(session):
    return options([("", _l("— none —"))] + [(b.id, b.name) for b in brands.all_brands(session)])


@bp.get("")
@requires(PUBLIC)
def index():
    session = db.session()
    filters = handles.HandleFilters.from_args(request.args)
    page = handles.list_handles(
        session,
        filters,
        **paging(),
    )
    return render_template(
        "handles/index.html",
        page=page,
        filters=filters,
        platforms=platforms.all_platforms(session),
        brands=brands.brand_menu(session, filters.brand),
        holder_choices=HOLDER_CHOICES,
        status_choices=STATUS_CHOICES,
    )


@bp.get("/<int:handle_id>")
@requires(PUBLIC)
def detail(handle_id: int, verify_form: VerifyHolderForm | None = None, status: int = 200):
    session = db.session()
    row = or_404(handles.get_handle, session, handle_id)
    if verify_form is None and not row.handle.holder_verified and can(EDIT_REGISTRY):
        verify_form = VerifyHolderForm(formdata=None, version=str(row.handle.version))
    counts = follower_counts.history(session, handle_id)
    return render_template(
        "handles/detail.html",
        row=row,
        url=platforms.url_for_handle(row.platform, row.handle.handle),
        history=custody.custody_history(session, handle_id),
        # The dated counts, once there is more than the one shown beside "Followers".
        followers_over_time=counts if len(counts) > 1 else [],
        followers_line=charts.sparkline([(seen.seen_on, seen.followers) for seen in counts]),
        lookalikes=lookalikes.lookalikes_of_handle(session, row),
        show_private=can(VIEW_PRIVATE),
        # Visitors see the button too: it leads them to log in, then to the proposal.
        can_propose=permissions.can_propose_for(actor(), row.handle),
        requests=[
            (r, permissions.can_view(actor(), r))
            for r in request_reads.requests_for_handle(session, handle_id)
        ],
        verify_form=verify_form,
    ), status


@bp.post("/<int:handle_id>/verify")
@requires(EDIT_REGISTRY)
def verify_holder(handle_id: int):
    """Staff confirm the holder a fan recorded themselves (the form is on the handle page)."""
    form = VerifyHolderForm()
    if form.validate_on_submit():
        verified = run_use_case(
            form,
            custody.verify_holder,
            handle_id,
            evidence_url=form.evidence_url.data or "",
            expected_version=sent_version(form),
        )
        if verified is not None:
            flash(_("Holder confirmed."), "success")
            return redirect(url_for("handles.detail", handle_id=handle_id))
        if stale_copy() is not None:
            form.version.data = str(stale_copy().version)
            return detail(handle_id, verify_form=form, status=409)
    return detail(handle_id, verify_form=form, status=form_status(form))


@bp.route("/new", methods=["GET", "POST"])
@requires(EDIT_REGISTRY)
def create():
    session = db.session()
    form = HandleForm()
    form.platform.choices = options((p.slug, p.name) for p in platforms.all_platforms(session))
    form.brand.choices = _brand_choices(session)
    if request.method == "GET":
        form.platform.data = request.args.get("platform", "x")
        form.handle.data = request.args.get("handle", "")
    if form.validate_on_submit():
        record = run_use_case(
            form,
            handles.create_handle,
            platform_slug=form.platform.data,
            handle=form.handle.data,
            brand_id=int(form.brand.data) if form.brand.data else None,
            holder_kind=form.holder_kind.data,
            holder_name=form.holder_name.data or "",
            holder_contact=form.holder_contact.data or "",
            status=form.status.data,
            followers=form.followers.data,
            followers_seen_on=form.followers_seen_on.data,
            notes=form.notes.data or "",
            private_notes=form.private_notes.data or "",
        )
        if record is not None:
            flash(_("@%(handle)s is now in the registry.", handle=record.handle), "success")
            return redirect(url_for("handles.detail", handle_id=record.id))
    return render_template("handles/form.html", form=form, row=None), form_status(form)


def _edit_form(session, row: handles.HandleRow, *, stored: bool) -> HandleEditForm:
    """The edit form: as posted (a field the post leaves out keeps its stored value), or
    showing the handle as stored (a GET, or after a stale save)."""
    if stored:
        form = HandleEditForm(formdata=None, obj=row.handle)
    else:
        form = HandleEditForm(obj=row.handle)
    form.brand.choices = _brand_choices(session)
    if stored:
        form.brand.data = str(row.handle.brand_id or "")
        form.version.data = str(row.handle.version)
    return form


EDITED_FIELDS = ("brand", "status", "followers", "followers_seen_on", "notes", "private_notes")


@bp.route("/<int:handle_id>/edit", methods=["GET", "POST"])
@requires(EDIT_REGISTRY)
def edit(handle_id: int):
    session = db.session()
    row = or_404(handles.get_handle, session, handle_id)
    form = _edit_form(session, row, stored=request.method == "GET")
    if form.validate_on_submit():
        saved = run_use_case(
            form,
            handles.update_handle,
            handle_id,
            expected_version=sent_version(form),
            brand_id=int(form.brand.data) if form.brand.data else None,
            status=form.status.data,
            followers=form.followers.data,
            followers_seen_on=form.followers_seen_on.data,
            notes=form.notes.data or "",
            private_notes=form.private_notes.data or "",
        )
        if saved is not None:
            flash(_("Handle saved."), "success")
            return redirect(url_for("handles.detail", handle_id=handle_id))
        if stale_copy() is not None:  # someone saved first: show theirs, and what this one typed
            unsaved = unsaved_values(form, EDITED_FIELDS)
            row = or_404(handles.get_handle, session, handle_id)
            form = _edit_form(session, row, stored=True)
            return render_template("handles/form.html", form=form, row=row, unsaved=unsaved), 409
    return render_template("handles/form.html", form=form, row=row), form_status(form)


@bp.route("/<int:handle_id>/holder", methods=["GET", "POST"])
@requires(EDIT_REGISTRY)
def change_holder(handle_id: int):
    session = db.session()
    row = or_404(handles.get_handle, session, handle_id)
    form = HolderChangeForm()
    if request.method == "GET":
        form.started_on.data = context().today
        form.version.data = str(row.handle.version)
    if form.validate_on_submit():
        record = run_use_case(
            form,
            custody.change_holder,
            handle_id,
            expected_version=sent_version(form),
            holder_kind=form.holder_kind.data,
            holder_name=form.holder_name.data or "",
            holder_contact=form.holder_contact.data or "",
            started_on=form.started_on.data,
            evidence_url=form.evidence_url.data or "",
            note=form.note.data or "",
        )
        if record is not None:
            flash(_("Change of holder recorded."), "success")
            return redirect(url_for("handles.detail", handle_id=handle_id))
        if stale_copy() is not None:  # the page showed an older holder: show the current one
            row = or_404(handles.get_handle, session, handle_id)
            form.version.data = str(row.handle.version)
            return render_template("handles/holder.html", form=form, row=row), 409
    return render_template("handles/holder.html", form=form, row=row), form_status(form)
