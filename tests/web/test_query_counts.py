"""SQL statements per page and per API call stay the same whatever the size of the registry:
a page that ran one more query per row (an N+1) or per brand would grow with the data and
fail here. Both sizes fit on one page (50 rows), so a query per listed row shows too."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event

from registry.adapters import db
from registry.services import tokens
from tests.conftest import PASSWORD, make_test_app
from tests.factories import Factories, context

SMALL, LARGE = 4, 16


def build(app, n: int) -> dict:
    """n brands, each with 3 handles (one held by a fan who offered it), n requests with
    attempts, an admin account (every page) with a token."""
    make = Factories(app)
    staff = make.user("admin", email="admin@example.org")
    ids = {}
    for i in range(n):
        brand = make.brand(f"Brand {i}")
        fan = make.user("fan", display_name=f"Fan {i}")
        held = make.handle(
            f"brandoffer{i}", brand_id=brand.id, holder_kind="fan", holder_user_id=fan.id
        )
        make.handle(f"brandtwo{i}", brand_id=brand.id, holder_kind="squatter")
        make.handle(f"brandthree{i}", platform="instagram", brand_id=brand.id)
        request = make.request(
            ["no_answer", "voicemail"],
            brand=brand,
            handle=held,
            proposer=fan,
            opened_on=date(2026, 3, 2),
        )
        ids.update(handle_id=held.id, request_id=request.id, brand=brand.slug, handle=held.handle)
    with app.app_context():
        session = db.session()
        _token, ids["token"] = tokens.create_token(context(staff), staff, "counts")
        session.commit()
    return ids


PAGES = [
    "/",
    "/handles",
    "/handles?brand={brand}",
    "/handles?q=brand",
    "/handles/{handle_id}",
    "/lookup?platform=x&handle={handle}",
    "/brands",
    "/brands/{brand}",
    "/brands/{brand}/lookalikes",
    "/requests",
    "/requests/attention?as_of=2026-04-01",
    "/requests/{request_id}",
    "/audit",
    "/handles/export.csv",
    "/reports/responsiveness",
    "/reports/responsiveness.csv?sort=median",
    "/api/v1/handles",
    "/api/v1/handles/x/{handle}",
    "/api/v1/handles/x/{handle}/lookalikes",
    "/api/v1/brands/{brand}",
    "/api/v1/brands/{brand}/responsiveness?from=2026-01-01",
    "/api/v1/requests",
    "/api/v1/requests?flag=overdue&as_of=2026-04-01",
    "/api/v1/requests/{request_id}",
]


@contextmanager
def counting(app):
    statements = []
    engine = app.extensions["registry.engine"]

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def statements_per_page(tmp_path, n: int) -> dict[str, int]:
    (tmp_path / str(n)).mkdir()
    app = make_test_app(tmp_path / str(n), PAGE_SIZE=50, RATELIMIT_ENABLED=False)
    try:
        ids = build(app, n)
        client = app.test_client()
        assert client.post("/login", data={"email": "admin@example.org", "password": PASSWORD})
        counts = {}
        for page in PAGES:
            url = page.format(**ids)
            headers = {"Authorization": f"Bearer {ids['token']}"} if "/api/" in url else {}
            with counting(app) as statements:
                response = client.get(url, headers=headers)
            assert response.status_code == 200, (url, response.status_code)
            counts[page] = len(statements)
        return counts
    finally:
        app.extensions["registry.engine"].dispose()


@pytest.fixture(scope="module")
def counts(tmp_path_factory):
    directory = tmp_path_factory.mktemp("counts")
    return statements_per_page(directory, SMALL), statements_per_page(directory, LARGE)


@pytest.mark.parametrize("page", PAGES)
def test_statements_do_not_grow_with_the_data(counts, page):
    small, large = counts
    assert large[page] == small[page], (
        f"{page}: {small[page]} statements with {SMALL} brands, {large[page]} with {LARGE}"
    )
