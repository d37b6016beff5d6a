"""CSV import and export: the service, the upload and download pages, the two commands."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event
from sqlmodel import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from registry.adapters import db
from registry.adapters.models import AuditEntry, CustodyRecord, Handle, TransferRequest, User
from registry.services import (
    brands,
    csv_export,
    csv_format,
    csv_import,
    custody,
    follower_counts,
    handles,
    platforms,
)
from tests.conftest import reset_tables
from tests.factories import context

TODAY = date(2024, 3, 1)
HEADER = "platform,handle,brand,holder_kind,holder_name,status,followers,notes"


def csv_file(*rows: str, header: str = HEADER, bom: bool = False) -> bytes:
    text = "\n".join([header, *rows]) + "\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def run_import(app, data: bytes, *, dry_run: bool = False) -> csv_import.ImportReport:
    """One use case as the views and commands run it: commit only what the report allows."""
    with app.app_context():
        session = db.session()
        report = csv_import.import_handles(context(today=TODAY), data, dry_run=dry_run)
        if report.refused or dry_run:
            session.rollback()
        else:
            session.commit()
        return report


def count(app, model) -> int:
    with app.app_context():
        return db.session().exec(select(func.count()).select_from(model)).one()


def stored(app, normalized: str, platform: str = "x") -> Handle:
    with app.app_context():
        session = db.session()
        found = handles.find_handle(session, platforms.get_platform(session, platform), normalized)
        assert found is not None, f"{platform} @{normalized} is not in the registry"
        return found


def export(app, as_of=date(2026, 3, 17), **filters) -> str:
    with app.app_context():
        return csv_export.export_handles(context(), handles.HandleFilters(**filters), as_of=as_of)


def problems_by_line(report: csv_import.ImportReport) -> dict[int, str]:
    return {problem.line: problem.message for problem in report.problems}


# --- checking every line ---------------------------------------------------------------


def test_a_file_with_bad_lines_imports_nothing_and_names_every_bad_line(app, make):
    make.brand("Gallimard")
    data = (
        "\ufeff"
        + "\n".join(
            [
                HEADER,
                "x,@Gallimard,gallimard,fan,Julien,active,1500,Registered by a fan",  # 2 good
                "x,way_too_long_for_x_handles,,fan,,active,,",  # 3 invalid handle
                "myspace,gallimard,,,,,,",  # 4 unknown platform
                "x,https://x.com/GALLIMARD,,fan,,active,,",  # 5 repeats line 2
                "instagram,gallimard,,fan,,active,lots,",  # 6 bad number
                "facebook,nespresso,,brand,,active,1200000,",  # 7 good
            ]
        )
        + "\n"
    ).encode() + b"tiktok,cochonou,,squatter,Fran\xe7ois,active,,\n"  # 8 Latin-1, not UTF-8
    audit_before = count(app, AuditEntry)

    report = run_import(app, data)

    assert report.refused
    assert problems_by_line(report) == {
        3: "X handles are at most 15 characters (new X accounts need at least 4 characters, "
        "but shorter legacy handles exist).",
        4: 'Unknown platform "myspace".',
        5: "repeats line 2 (X @GALLIMARD).",
        6: '"lots" is not a number of followers.',
        8: "The file is not UTF-8 text (byte 0xe7 on line 8); save it as CSV UTF-8.",
    }
    assert count(app, Handle) == 0
    assert count(app, AuditEntry) == audit_before


def test_a_line_with_several_mistakes_reports_them_all(app):
    report = run_import(app, csv_file("x,Gallimard,nobody,pirate,,sold,-4,"))
    message = problems_by_line(report)[2]
    assert 'Unknown brand "nobody".' in message
    assert 'Unknown holder kind "pirate"' in message
    assert 'Unknown status "sold"' in message
    assert "cannot be negative" in message


def test_a_byte_order_mark_is_accepted(app):
    report = run_import(app, csv_file("x,Gallimard,,fan,,active,,", bom=True))
    assert not report.refused, report.problems
    assert report.created == 1
    assert stored(app, "gallimard").holder_kind == "fan"


def test_missing_and_unknown_columns_are_named(app):
    header = "platform,handle,brand,holder,status,followers,notes,colour"
    report = run_import(app, csv_file("x,Gallimard,,fan,active,,,red", header=header))
    assert [p.line for p in report.problems] == [1]
    message = report.problems[0].message
    assert "Missing columns: holder_kind, holder_name." in message
    assert "Unknown columns: holder, colour." in message
    assert count(app, Handle) == 0


def test_an_empty_file_is_refused_with_the_expected_header(app):
    report = run_import(app, b"")
    assert report.refused
    assert report.problems[0].line == 1
    assert f"The first line must name the columns: {HEADER}." in report.problems[0].message


def test_a_line_with_too_many_values_is_refused(app):
    report = run_import(app, csv_file("x,Gallimard,,fan,,active,,Paris, France"))
    assert "9 values for 8 columns" in problems_by_line(report)[2]


def test_an_unclosed_quote_is_reported_rather_than_swallowing_the_next_lines(app):
    report = run_import(app, csv_file('x,Gallimard,,,,,,"Auction opened', "x,Nespresso,,,,,,"))
    assert problems_by_line(report) == {
        2: 'A quoted value opened here is never closed (a missing ").'
    }
    assert count(app, Handle) == 0


def test_quoted_values_may_span_lines_and_later_lines_keep_their_numbers(app):
    data = csv_file('x,Gallimard,,,,,,"Auction opened,\nthen withdrawn"', "x,bad handle,,,,,,")
    report = run_import(app, data)
    assert list(problems_by_line(report)) == [4]


def test_columns_may_come_in_any_order_and_blank_lines_are_skipped(app):
    header = "notes,followers,status,holder_name,holder_kind,brand,handle,platform"
    data = csv_file("Shop,12,for sale,Jo,Agency,,@Flammarion,X", "", ",,,,,,,", header=header)
    report = run_import(app, data)
    assert (report.created, report.refused) == (1, False)
    handle = stored(app, "flammarion")
    assert (handle.status, handle.holder_kind, handle.followers) == ("for_sale", "agency", 12)


def test_a_brand_is_named_by_slug_or_exact_name(app, make):
    brand = make.brand("Éditions Gallimard", slug="gallimard")
    report = run_import(
        app,
        csv_file(
            "x,Gallimard,gallimard,brand,,active,,",
            "instagram,gallimard,éditions gallimard,brand,,active,,",
            "facebook,gallimard,Editions Gallimard,brand,,active,,",
        ),
    )
    assert problems_by_line(report) == {4: 'Unknown brand "Editions Gallimard".'}
    fixed = run_import(
        app,
        csv_file(
            "x,Gallimard,gallimard,brand,,active,,",
            "instagram,gallimard,éditions gallimard,brand,,active,,",
        ),
    )
    assert fixed.created == 2
    assert stored(app, "gallimard", "instagram").brand_id == brand.id


# --- what an import does -------------------------------------------------------------------


def test_new_handles_are_created_with_custody_and_an_audit_entry(app):
    report = run_import(app, csv_file("x,@Gallimard,,fan,Julien,active,1500,Registered in 2009"))
    assert (report.created, report.updated, report.unchanged) == (1, 0, 0)
    handle = stored(app, "gallimard")
    assert (handle.handle, handle.holder_name, handle.followers) == ("Gallimard", "Julien", 1500)
    assert handle.followers_seen_on == TODAY
    with app.app_context():
        session = db.session()
        custody = session.exec(select(CustodyRecord)).one()
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "handle.create")).one()
    assert (custody.holder_name, custody.started_on) == ("Julien", TODAY)
    assert entry.entity_id == handle.id


def test_a_changed_line_updates_the_handle_and_records_the_new_holder(app, make):
    brand = make.brand("Gallimard")
    make.handle("Gallimard", holder_kind="fan", holder_name="Julien", followers=1500)
    report = run_import(app, csv_file("x,gallimard,gallimard,brand,Gallimard,active,1800,"))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert report.changes[0].fields == ["brand", "holder_kind", "holder_name", "followers"]
    handle = stored(app, "gallimard")
    assert (handle.brand_id, handle.holder_kind, handle.followers) == (brand.id, "brand", 1800)
    assert handle.followers_seen_on == TODAY
    with app.app_context():
        session = db.session()
        history = custody.custody_history(session, handle.id)
        actions = set(session.exec(select(AuditEntry.action)))
    assert [(r.holder_kind, r.ended_on) for r in history] == [("brand", None), ("fan", TODAY)]
    assert {"handle.update", "handle.custody"} <= actions


def test_an_invisible_or_fullwidth_spelling_updates_the_same_handle(app, make):
    make.handle("gallimard", platform="youtube", holder_kind="fan", followers=1500)
    report = run_import(
        app,
        csv_file("youtube,galli\u200bmard,,fan,,active,1800,"),
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert stored(app, "gallimard", "youtube").followers == 1800
    assert count(app, Handle) == 1


def test_two_spellings_of_one_name_in_a_file_are_one_handle_named_twice(app):
    report = run_import(
        app,
        csv_file(
            "youtube,Gallimard,,fan,,active,,",
            "youtube,\uff27\uff41\uff4c\uff4c\uff49\uff4d\uff41\uff52\uff44,,fan,,active,,",
            "youtube,Galli\ufe0fmard,,fan,,active,,",
        ),
    )
    assert set(problems_by_line(report)) == {3, 4}
    assert all("repeats line 2" in message for message in problems_by_line(report).values())
    assert count(app, Handle) == 0


def test_reimporting_the_same_file_changes_nothing_and_writes_no_audit(app, make):
    make.brand("Nespresso")
    data = csv_file(
        "x,Nespresso,nespresso,agency,Agency One,active,13000,",
        "facebook,nespresso,nespresso,brand,,active,1200000,Official page",
    )
    first = run_import(app, data)
    audit_after_first = count(app, AuditEntry)
    again = run_import(app, data)
    assert (first.created, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)
    assert count(app, AuditEntry) == audit_after_first
    assert count(app, CustodyRecord) == 2


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(app, make):
    make.handle("Gallimard", holder_kind="fan", followers=1500)
    make.handle("Nespresso", holder_kind="agency")
    audit_before = count(app, AuditEntry)
    data = csv_file(
        "x,Gallimard,,fan,,for_sale,1500,",  # updated
        "x,Nespresso,,agency,,active,,",  # unchanged
        "x,Cochonou,,squatter,,active,,",  # created
    )
    report = run_import(app, data, dry_run=True)
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    assert report.summary() == "Dry run, nothing saved: 1 created, 1 updated, 1 unchanged."
    assert count(app, Handle) == 2
    assert stored(app, "gallimard").status == "active"
    assert count(app, AuditEntry) == audit_before


def test_ten_thousand_rows_import_with_a_lookup_per_thousand_rows(app, make):
    make.brand("Gallimard")
    rows = [f"instagram,fan_{n},gallimard,fan,Fan {n},active,{n},Note {n}" for n in range(10_000)]
    selects: list[str] = []

    def count_selects(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    engine = app.extensions["registry.engine"]
    event.listen(engine, "before_cursor_execute", count_selects)
    try:
        report = run_import(app, csv_file(*rows))
    finally:
        event.remove(engine, "before_cursor_execute", count_selects)
    assert not report.refused, report.problems[:3]
    assert report.created == 10_000
    assert count(app, Handle) == 10_000
    # Platforms, brands, handles, custody, the audit chain's head (locked once), then the ids
    # of each batch written: not one per row.
    assert len(selects) <= 5 + 10_000 // csv_import.WRITE_BATCH, selects


def test_new_handles_are_written_in_batches_and_each_keeps_its_custody_and_audit(
    app, make, monkeypatch
):
    from registry.services import handles as handle_service

    monkeypatch.setattr(csv_import, "WRITE_BATCH", 2)
    make.brand("Gallimard")
    make.handle("Existing", holder_kind="fan", holder_name="Ana")
    written: list[tuple[str, int]] = []
    insert_rows = handle_service.insert_rows

    def counted(executor, table, rows):
        written.append((table.__tablename__, len(rows)))
        insert_rows(executor, table, rows)

    monkeypatch.setattr(handle_service, "insert_rows", counted)
    rows = [f"x,fan_{n},gallimard,fan,Fan {n},active,,Note {n}" for n in range(5)]
    report = run_import(app, csv_file(rows[0], "x,Existing,,fan,Bea,active,,", *rows[1:]))
    assert (report.created, report.updated) == (5, 1)
    # A write per batch (2 + 2 + 1), not per row: the handles, then their custody.
    assert written == [(table, n) for n in (2, 2, 1) for table in ("handle", "custody_record")]
    with app.app_context():
        session = db.session()
        created = session.exec(
            select(Handle).where(Handle.normalized.startswith("fan_")).order_by(Handle.id)
        ).all()
        assert [h.handle for h in created] == [f"fan_{n}" for n in range(5)]  # in file order
        for handle in created:
            custody = session.exec(
                select(CustodyRecord).where(CustodyRecord.handle_id == handle.id)
            ).one()
            assert (custody.holder_name, custody.started_on) == (handle.holder_name, TODAY)
            entry = session.exec(
                select(AuditEntry).where(
                    AuditEntry.action == "handle.create", AuditEntry.entity_id == handle.id
                )
            ).one()
            assert "fan_" in entry.params
    assert stored(app, "existing").holder_name == "Bea"


# --- export --------------------------------------------------------------------------------


def test_export_is_one_ordered_file_without_private_fields(app, make):
    brand = make.brand("Gallimard")
    make.handle("gallimard", platform="instagram", brand_id=brand.id, holder_contact="j@ex.org")
    make.handle("Zadig", holder_kind="squatter", notes='=HYPERLINK("http://evil")')
    make.handle("Gallimard", brand_id=brand.id, followers=1500, private_notes="secret")
    text = export(app)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(csv_format.EXPORT_COLUMNS)
    assert [(r[0], r[1]) for r in rows[1:]] == [
        ("instagram", "gallimard"),
        ("x", "Gallimard"),
        ("x", "Zadig"),
    ]
    assert rows[2] == ["x", "Gallimard", "gallimard", "unknown", "", "active", "1500", "", "", ""]
    # Spreadsheets would run it as a formula; the apostrophe keeps it text.
    assert rows[3][7] == '\'=HYPERLINK("http://evil")'
    assert "j@ex.org" not in text and "secret" not in text


def test_export_honours_the_registry_filters(app, make):
    make.handle("Gallimard", holder_kind="fan")
    make.handle("gallimard", platform="facebook", holder_kind="brand")
    rows = list(csv.reader(io.StringIO(export(app, platform="facebook"))))
    assert [r[:2] for r in rows[1:]] == [["facebook", "gallimard"]]
    assert len(list(csv.reader(io.StringIO(export(app, holder_kind="fan"))))) == 2


def test_export_then_import_into_an_empty_database_gives_the_same_registry(app, make):
    gallimard = make.brand("Gallimard")
    nespresso = make.brand("Nespresso")
    make.handle(
        "Gallimard",
        brand_id=gallimard.id,
        holder_kind="fan",
        holder_name="Julien",
        followers=1500,
        notes='Auction, "withdrawn"\nafter a meeting',
    )
    make.handle("nespresso.france", platform="facebook", brand_id=nespresso.id, status="dormant")
    make.handle("gallimard@mastodon.social", platform="mastodon", notes="-1 and =2 are text")
    make.handle("Cochonou", platform="tiktok", holder_kind="squatter", holder_name="Zoé")
    first_export = export(app)

    reset_tables(app)
    with app.app_context():
        session = db.session()
        platforms.sync_platforms(context())
        for name in ("Gallimard", "Nespresso"):
            brands.create_brand(context(), name=name)
        session.commit()
    assert count(app, Handle) == 0

    report = run_import(app, first_export.encode())
    assert (report.created, report.refused) == (4, False), report.problems
    assert export(app) == first_export
    assert stored(app, "gallimard").notes == 'Auction, "withdrawn"\nafter a meeting'
    assert stored(app, "gallimard@mastodon.social", "mastodon").notes == "-1 and =2 are text"


# --- the pages -----------------------------------------------------------------------------


def upload(client, data: bytes, *, name: str = "handles.csv", dry_run: bool = False):
    # Encoded here, in memory: the test client spools bodies over 500 KB to a temporary file
    # it never closes, which pytest reports as a ResourceWarning.
    form = {"file": FileStorage(io.BytesIO(data), filename=name)}
    if dry_run:
        form["dry_run"] = "y"
    boundary, body = encode_multipart(form)
    return client.post(
        "/handles/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


@pytest.mark.parametrize(
    ("role", "status"), [("fan", 403), ("legal", 403), ("staff", 200), ("admin", 200)]
)
def test_only_staff_and_admins_open_the_import_page(client, auth, role, status):
    auth.login(role)
    assert client.get("/handles/import").status_code == status


def test_visitors_are_sent_to_login_from_import_and_export(client):
    for path in ("/handles/import", "/handles/export.csv"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location, path
    assert upload(client, csv_file("x,Gallimard,,,,,,")).status_code == 302


def test_a_fan_cannot_upload(client, auth, app):
    auth.login("fan")
    assert upload(client, csv_file("x,Gallimard,,,,,,")).status_code == 403
    assert count(app, Handle) == 0


def test_the_empty_import_page_explains_the_columns_with_an_example(client, auth):
    auth.login("staff")
    page = client.get("/handles/import").text
    for column in csv_format.COLUMNS:
        assert f"<code>{column}</code>" in page
    assert "x,@Gallimard,gallimard,fan,Julien,active,1500" in page
    assert 'enctype="multipart/form-data"' in page


def test_staff_imports_a_file_and_the_audit_names_them(client, auth, app):
    email = auth.login("staff")
    response = upload(client, csv_file("x,Gallimard,,fan,,active,,", "x,Nespresso,,,,,,"))
    assert response.status_code == 302
    page = client.get(response.location).text
    assert "Import done: 2 created, 0 updated, 0 unchanged." in page
    with app.app_context():
        session = db.session()
        actors = set(session.exec(select(AuditEntry.actor_id)))
        staff = session.exec(select(User).where(User.email == email)).one()
    assert actors == {staff.id}
    assert email in client.get("/audit?action=handle.create").text
    assert count(app, Handle) == 2


def test_an_upload_with_bad_lines_shows_them_and_imports_nothing(client, auth, app):
    auth.login("staff")
    response = upload(
        client, csv_file("x,Gallimard,,,,,,", "myspace,foo,,,,,,", "x,gallimard,,,,,,")
    )
    assert response.status_code == 422
    assert "Nothing was imported" in response.text
    assert '<td class="num">3</td><td>Unknown platform &#34;myspace&#34;.</td>' in response.text
    assert '<td class="num">4</td><td>repeats line 2 (X @gallimard).</td>' in response.text
    assert count(app, Handle) == 0


def test_a_dry_run_upload_shows_the_counts_and_saves_nothing(client, auth, app, make):
    make.handle("Gallimard")
    auth.login("staff")
    response = upload(
        client, csv_file("x,Gallimard,,unknown,,dormant,,", "x,Zadig,,,,,,"), dry_run=True
    )
    assert response.status_code == 200
    assert "Dry run: nothing was saved" in response.text
    for counted in ("New handles</dt><dd>1<", "Updated</dt><dd>1<", "Unchanged</dt><dd>0<"):
        assert counted in response.text
    assert "X @Gallimard" in response.text and "Status" in response.text
    assert count(app, Handle) == 1
    assert stored(app, "gallimard").status == "active"


def test_a_file_over_5_mb_is_refused_with_a_clear_message(client, auth, app):
    auth.login("staff")
    line = "x,Gallimard,,,,,," + "n" * 1000 + "\n"
    big = csv_file() + line.encode() * 5_300  # 5.1 MiB: over the limit, under the request cap
    assert 5 * 1024 * 1024 < len(big) < 6 * 1024 * 1024
    response = upload(client, big)
    assert response.status_code == 413
    assert "larger than 5 MB" in response.text
    huge = big * 2  # over the app's request limit: refused before the view reads it
    response = upload(client, huge)
    assert response.status_code == 413
    assert "larger than 5 MB" in response.text
    assert count(app, Handle) == 0


def test_a_spreadsheet_that_is_not_csv_is_refused(client, auth):
    auth.login("staff")
    response = upload(client, b"PK\x03\x04", name="handles.xlsx")
    assert response.status_code == 422
    assert "Upload a .csv file" in response.text


@pytest.mark.parametrize(
    ("role", "status"), [("fan", 403), ("staff", 403), ("legal", 200), ("admin", 200)]
)
def test_only_legal_and_admins_download_the_registry(client, auth, make, role, status):
    make.handle("Gallimard", brand_id=make.brand("Gallimard").id)
    auth.login(role, brand="gallimard" if role == "legal" else "")
    assert client.get("/handles/export.csv").status_code == status


def test_the_download_is_a_dated_attachment_and_keeps_the_filters(client, auth, make):
    make.handle("Gallimard")
    make.handle("gallimard", platform="instagram")
    auth.login("admin")
    response = client.get("/handles/export.csv?platform=instagram")
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="handle-registry-20')
    assert disposition.endswith('.csv"')
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffplatform,handle,")  # Excel reads the accents
    assert [r[:2] for r in list(csv.reader(io.StringIO(text)))[1:]] == [["instagram", "gallimard"]]


@pytest.mark.parametrize(
    ("role", "buttons"),
    [
        (None, set()),
        ("fan", set()),
        ("staff", {"Import CSV"}),
        ("legal", {"Download CSV"}),
        ("admin", {"Import CSV", "Download CSV"}),
    ],
)
def test_the_registry_shows_the_csv_buttons_to_who_can_use_them(client, auth, role, buttons):
    if role:
        auth.login(role)
    page = client.get("/handles?platform=x").text
    assert {b for b in ("Import CSV", "Download CSV") if b in page} == buttons
    if "Download CSV" in buttons:
        assert "/handles/export.csv?platform=x" in page


# --- the commands --------------------------------------------------------------------------


def test_import_command_prints_the_counts(runner, app, tmp_path):
    path = tmp_path / "handles.csv"
    path.write_bytes(csv_file("x,Gallimard,,fan,,active,,", "x,Nespresso,,,,,,"))
    result = runner.invoke(args=["import-handles", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Import done: 2 created, 0 updated, 0 unchanged."
    again = runner.invoke(args=["import-handles", str(path)])
    assert again.output.strip() == "Import done: 0 created, 0 updated, 2 unchanged."


def test_import_command_refuses_a_bad_file_and_lists_every_bad_line(runner, app, tmp_path):
    path = tmp_path / "handles.csv"
    path.write_bytes(csv_file("x,Gallimard,,,,,,", "myspace,foo,,,,,,", "x,ok,,,,,many,"))
    result = runner.invoke(args=["import-handles", str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        'line 3: Unknown platform "myspace".',
        'line 4: "many" is not a number of followers.',
        f"Error: Nothing imported: 2 bad lines. {path} was refused; fix the lines above.",
    ]
    assert count(app, Handle) == 0


def test_import_command_dry_run_writes_nothing(runner, app, tmp_path):
    path = tmp_path / "handles.csv"
    path.write_bytes(csv_file("x,Gallimard,,,,,,"))
    result = runner.invoke(args=["import-handles", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run, nothing saved: 1 created" in result.output
    assert count(app, Handle) == 0


def test_import_command_with_a_missing_file_says_so_in_one_line(runner, tmp_path):
    result = runner.invoke(args=["import-handles", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: Cannot read {tmp_path / 'nope.csv'}: No such file or directory."
    ]


def test_export_command_writes_to_stdout_or_a_file(runner, app, make, tmp_path):
    make.handle("Gallimard")
    to_stdout = runner.invoke(args=["export-handles"])
    assert to_stdout.exit_code == 0
    assert to_stdout.output == export(app).replace("\r\n", "\n")  # the runner reads CRLF as LF
    path = tmp_path / "out.csv"
    to_file = runner.invoke(args=["export-handles", "-o", str(path)])
    assert to_file.output.strip() == f"Exported 1 handle to {path}."
    assert path.read_bytes().decode() == export(app)


PARIS = ZoneInfo("Europe/Paris")


def paris_today() -> date:
    return datetime.now(UTC).astimezone(PARIS).date()


def test_export_lists_open_requests_and_the_dashboards_flag(app, make):
    overdue = make.request(["no_answer"])  # @Gallimard: clock from 2 March, due 16 March
    flammarion = make.brand("Flammarion")
    closed_handle = make.handle("Flammarion", brand_id=flammarion.id, holder_kind="fan")
    make.request(
        handle=closed_handle, brand=flammarion, state="withdrawn", opened_on=date(2026, 3, 2)
    )
    rows = {r["handle"]: r for r in csv.DictReader(io.StringIO(export(app)))}
    assert (rows["Gallimard"]["open_requests"], rows["Gallimard"]["flag"]) == (
        str(overdue.id),
        "overdue",
    )
    # The day it was closed, where the brand is (Paris: after 23:00 UTC it is already tomorrow).
    today = {r["handle"]: r for r in csv.DictReader(io.StringIO(export(app, as_of=paris_today())))}
    assert (today["Flammarion"]["open_requests"], today["Flammarion"]["flag"]) == ("", "")
    earlier = {r["handle"]: r for r in csv.DictReader(io.StringIO(export(app, date(2026, 3, 5))))}
    assert earlier["Gallimard"]["flag"] == ""


def test_export_as_of_a_past_day_shows_a_request_closed_since_as_open_then(app, make):
    flammarion = make.brand("Flammarion")
    handle = make.handle("Flammarion", brand_id=flammarion.id, holder_kind="fan")
    withdrawn = make.request(
        handle=handle, brand=flammarion, state="withdrawn", opened_on=date(2026, 3, 2)
    )
    with app.app_context():
        closed_at = db.session().get(TransferRequest, withdrawn.id).closed_at
    closed_on = closed_at.replace(tzinfo=UTC).astimezone(PARIS).date()  # the brand's day
    then = {r["handle"]: r for r in csv.DictReader(io.StringIO(export(app)))}
    assert (then["Flammarion"]["open_requests"], then["Flammarion"]["flag"]) == (
        str(withdrawn.id),
        "not_contacted",  # open on 17 March, nobody contacted in 11 business days
    )
    after = {r["handle"]: r for r in csv.DictReader(io.StringIO(export(app, as_of=closed_on)))}
    assert (after["Flammarion"]["open_requests"], after["Flammarion"]["flag"]) == ("", "")


def test_the_download_is_read_in_chunks_and_loses_no_row(client, auth, make, monkeypatch):
    """The export is read from the database a chunk of rows at a time (3 here): every row
    arrives, once, in order, across the chunks."""
    monkeypatch.setattr(csv_export, "EXPORT_CHUNK", 3)
    for n in range(10):
        make.handle(f"Streamed{n}")
    auth.login("admin")
    response = client.get("/handles/export.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
    assert [r[1] for r in rows[1:]] == [f"Streamed{n}" for n in range(10)]


def test_a_large_download_is_sent_from_a_temporary_file_whole(client, auth, make, monkeypatch):
    """Past EXPORT_IN_MEMORY the export is spilled to disk and sent from there; the file
    arrives whole, with its byte-order mark and its attachment name."""
    from registry.web import exports

    monkeypatch.setattr(exports, "EXPORT_IN_MEMORY", 64)
    for name in ("Gallimard", "Nespresso", "Cochonou"):
        make.handle(name)
    auth.login("admin")
    response = client.get("/handles/export.csv")
    try:
        assert response.status_code == 200
        assert response.is_streamed  # from the file, not a body held in memory
        data = response.get_data()
    finally:
        response.close()
    assert data.startswith("\ufeff".encode())
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8").removeprefix("\ufeff"))))
    assert sorted(r[1] for r in rows[1:]) == ["Cochonou", "Gallimard", "Nespresso"]


def test_export_command_to_an_unwritable_place_says_so_and_leaves_no_partial_file(
    runner, make, tmp_path
):
    make.handle("Gallimard")
    target = tmp_path / "missing-folder" / "out.csv"
    result = runner.invoke(args=["export-handles", "-o", str(target)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: Cannot write {target}: No such file or directory."
    assert not target.parent.exists()


def test_export_command_counts_rows_across_chunks(runner, make, tmp_path, monkeypatch):
    monkeypatch.setattr(csv_export, "EXPORT_CHUNK", 2)
    for name in ("Gallimard", "Nespresso", "Cochonou"):
        make.handle(name)
    path = tmp_path / "out.csv"
    result = runner.invoke(args=["export-handles", "-o", str(path)])
    assert result.output.strip() == f"Exported 3 handles to {path}."
    assert not (tmp_path / "out.csv.part").exists()
    assert path.read_text(encoding="utf-8").count("\n") == 4


def test_an_import_still_running_shows_its_progress_and_the_json_beside_it(client, auth):
    from registry import jobs

    jobs._save("running-job", jobs.ImportJob(state="running", total=5000, checked=1200))
    auth.login("staff")
    page = client.get("/handles/import/running-job")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Import in progress" in text
    assert '<progress id="import-bar" max="10000" value="1200">' in text
    assert 'data-progress-url="/handles/import/running-job/progress.json"' in text
    assert "/static/import-progress.js" in text
    body = client.get("/handles/import/running-job/progress.json").get_json()
    assert body == {
        "state": "running",
        "total": 5000,
        "checked": 1200,
        "written": 0,
        "problems": 0,
        "steps": 10000,
        "steps_done": 1200,
        "done": False,
    }
    assert client.get("/handles/import/nobody/progress.json").status_code == 404


def test_a_finished_job_s_page_shows_its_report(client, auth, app):
    from registry import jobs

    auth.login("staff")
    with app.test_request_context():
        job_id = jobs.start_import(
            csv_file("x,@Gallimard,,fan,Julien,active,,", "x,bad handle!,,fan,,active,,"),
            actor_id=None,
            today=TODAY,
            dry_run=True,
        )
    page = client.get(f"/handles/import/{job_id}")
    assert page.status_code == 422  # refused: a line is wrong
    assert "Nothing was imported" in page.text
    assert '<td class="num">3</td>' in page.text


def test_an_import_keeps_each_follower_count_in_the_handles_history(app, make):
    make.handle("Gallimard", followers=1500)  # counted on 15 January 2024
    run_import(
        app, csv_file("x,gallimard,,unknown,,active,1800,", "x,Flammarion,,unknown,,active,90,")
    )
    run_import(app, csv_file("x,gallimard,,unknown,,active,1800,"))  # the same count again
    with app.app_context():
        session = db.session()
        gallimard, flammarion = (stored(app, name) for name in ("gallimard", "flammarion"))
        assert [
            (c.followers, c.seen_on) for c in follower_counts.history(session, gallimard.id)
        ] == [
            (1500, date(2024, 1, 15)),
            (1800, TODAY),
        ]
        assert [
            (c.followers, c.seen_on) for c in follower_counts.history(session, flammarion.id)
        ] == [(90, TODAY)]
