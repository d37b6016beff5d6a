"""Journey 4: a legal user narrows the registry to one brand and downloads it as CSV."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from playwright.sync_api import expect

from registry.fixtures.demo import HANDLES
from tests.e2e.steps import log_in, main_nav, paris_today

BRAND = "cochonou"
HEADER = [
    "platform",
    "handle",
    "brand",
    "holder_kind",
    "holder_name",
    "status",
    "followers",
    "notes",
    "open_requests",
    "flag",
]
# The demo's handles naming the brand: {(platform, handle): (holder kind, holder name, status)}.
BRAND_HANDLES = {
    (platform, handle): (kind, holder, status)
    for platform, handle, brand, kind, holder, status, *_ in HANDLES
    if brand == BRAND
}


def test_legal_exports_one_brands_handles(page, screenshot, make_user, tmp_path, t):
    assert len(BRAND_HANDLES) > 1 and len(BRAND_HANDLES) < len(HANDLES)
    log_in(page, t, *make_user("legal", brand=BRAND))  # legal exports its own brand's handles
    main_nav(page).get_by_role("link", name=t("Registry"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Registry"))
    rows = page.locator("table tbody tr")
    expect(rows).not_to_have_count(len(BRAND_HANDLES))
    total = rows.count()  # one page: the demo has fewer handles than a page holds
    expect(page.locator("nav.pagination .muted")).to_have_text(
        t.n("%(num)s handle", "%(num)s handles", total, num=t.number(total))
        + " · "
        + t("page %(page)s of %(pages)s", page=1, pages=1)
    )
    screenshot(page, "legal-1-registry")

    page.locator("select[name=brand]").select_option(BRAND)
    page.locator("form.filters").get_by_role("button", name=t("Filter")).click()
    expect(page).to_have_url(re.compile(rf"[?&]brand={BRAND}(&|$)"))
    expect(page.locator("select[name=brand]")).to_have_value(BRAND)
    expect(rows).to_have_count(len(BRAND_HANDLES))
    for row in rows.all():
        expect(row.locator("td").nth(2)).to_have_text("Cochonou")
    screenshot(page, "legal-2-registry-filtered")

    download_link = page.get_by_role("link", name=t("Download CSV"))
    expect(download_link).to_have_attribute("href", re.compile(rf"brand={BRAND}"))
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename == f"handle-registry-{paris_today().isoformat()}.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    raw = Path(saved).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs to read UTF-8
    with open(saved, encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.reader(stream))
    assert lines[0] == HEADER
    records = [dict(zip(HEADER, line, strict=True)) for line in lines[1:]]
    assert {r["brand"] for r in records} == {BRAND}
    assert {
        (r["platform"], r["handle"]): (r["holder_kind"], r["holder_name"], r["status"])
        for r in records
    } == BRAND_HANDLES
    assert len(records) == len(BRAND_HANDLES)  # each once
    assert b"@example.org" not in raw  # holders' private contacts never leave the registry

    # The page is still the filtered registry: the download did not navigate away.
    expect(page).to_have_url(re.compile(rf"brand={BRAND}"))
    expect(rows).to_have_count(len(BRAND_HANDLES))
