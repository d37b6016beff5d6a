"""The registry as a CSV file: upload an import (staff), download an export (legal)."""

from __future__ import annotations

import io
import tempfile

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import BooleanField, SubmitField

from registry import jobs
from registry.adapters.models import HANDLE_STATUSES, HOLDER_KINDS
from registry.domain.permissions import EXPORT, IMPORT
from registry.domain.platforms import PLATFORMS
from registry.presentation import words
from registry.presentation.access import can, requires
from registry.presentation.words import translated
from registry.services import csv_io, handles
from registry.web import errors
from registry.web.helpers import context, or_404

bp = Blueprint("exports", __name__)

MAX_FILE_BYTES = 5 * 1024 * 1024
TOO_LARGE = _l(
    "The file is larger than 5 MB; split it into several files and import them one by one."
)
# A page with 10,000 bad lines helps nobody: the first ones show what to fix.
SHOWN_PROBLEMS = 500


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[
            FileRequired(message=_l("Choose a CSV file.")),
            FileAllowed(["csv", "txt"], _l("Upload a .csv file (in Excel: Save as › CSV UTF-8).")),
        ],
        description=_l("UTF-8 text, at most 5 MB."),
    )
    dry_run = BooleanField(_l("Dry run: check the file and show what would change, saving nothing"))
    submit = SubmitField(_l("Import"))


def _page(form: ImportForm, report: csv_io.ImportReport | None = None, status: int = 200):
    return (
        render_template(
            "exports/import.html",
            form=form,
            report=report,
            example=csv_io.example_csv(),
            platform_slugs=[rules.slug for rules in PLATFORMS],
            holder_kinds=HOLDER_KINDS,
            statuses=HANDLE_STATUSES,
            shown_problems=SHOWN_PROBLEMS,
        ),
        status,
    )


@bp.route("/handles/import", methods=["GET", "POST"])
@requires(IMPORT)
def import_csv():
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(form, status=422 if form.errors else 200)
    data = form.file.data.stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        form.file.errors = [TOO_LARGE]
        return _page(form, status=413)
    ctx = context()
    job_id = jobs.start_import(
        data,
        actor_id=ctx.actor.id if ctx.actor else None,
        today=ctx.today,
        dry_run=form.dry_run.data,
    )
    job = jobs.import_job(job_id)
    if job is not None and job.done:  # it finished while the request waited
        return _finished(form, job)
    return redirect(url_for("exports.import_progress", job_id=job_id))


def _finished(form: ImportForm, job: jobs.ImportJob):
    """A finished import's page: its report, or the flash of what it did."""
    if job.state == "failed":
        flash(_("Nothing imported: %(problem)s", problem=words.translate(*job.error)), "error")
        return _page(form, status=422)
    report = job.report
    if report.refused or report.dry_run:
        return _page(form, report, status=422 if report.refused else 200)
    flash(translated(report.summary_message()), "success")
    return redirect(url_for("exports.import_csv"))


@bp.get("/handles/import/<job_id>")
@requires(IMPORT)
def import_progress(job_id: str):
    """An import running in the background: how far it is, updated without reloading (a
    script polls the JSON beside it); its report once done."""
    job = jobs.import_job(job_id)
    if job is None:
        abort(404)
    if job.done:
        return _finished(ImportForm(formdata=None), job)
    return render_template(
        "exports/import_progress.html",
        job=job,
        job_id=job_id,
        progress_url=url_for("exports.import_progress_json", job_id=job_id),
    )


@bp.get("/handles/import/<job_id>/progress.json")
@requires(IMPORT)
def import_progress_json(job_id: str):
    job = jobs.import_job(job_id)
    if job is None:
        abort(404)
    return {**job.progress(), "done": job.done}


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge):
    # The app refuses bodies over MAX_CONTENT_LENGTH while reading the form, which the CSRF
    # check does before the permission check: only importers see the import page.
    if not can(IMPORT):
        return errors.http_error(error)
    form = ImportForm(formdata=None)
    form.file.errors = [TOO_LARGE]
    return _page(form, status=413)


# The export is written to a temporary file, spilled to disk past this size, then sent
# from it: memory stays flat, and the database read ends before the first byte is sent.
EXPORT_IN_MEMORY = 1 << 20


@bp.get("/handles/export.csv")
@requires(EXPORT)
def export_csv():
    """The registry list's filters as a CSV file, built a chunk of rows at a time."""
    filters = handles.HandleFilters.from_args(request.args)
    spool = tempfile.SpooledTemporaryFile(max_size=EXPORT_IN_MEMORY)  # noqa: SIM115 (sent, then closed)
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    text.write("\ufeff")  # the byte-order mark makes Excel read the file as UTF-8
    ctx = context()
    try:
        or_404(csv_io.export_handles, ctx, filters, text, as_of=ctx.today)
    except BaseException:
        spool.close()
        raise
    text.flush()
    text.detach()
    size, name = spool.tell(), f"handle-registry-{ctx.today.isoformat()}.csv"
    spool.seek(0)
    if size <= EXPORT_IN_MEMORY:  # small: sent from memory at once
        with spool:
            body = spool.read()
        return Response(
            body,
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return send_file(spool, mimetype="text/csv", as_attachment=True, download_name=name)
