"""Lookalike handles on the database: the index every writer keeps, the use cases, the pages."""

from __future__ import annotations

from datetime import date
from html import unescape

import pytest
from sqlmodel import delete, select

from registry.adapters import db
from registry.adapters.models import LookalikeKey, User
from registry.fixtures import demo
from registry.services import Forbidden, csv_import, lookalike_index, lookalikes
from tests.factories import context


@pytest.fixture
def nespresso(make):
    """Nespresso with its X handle and a sub-account, and three lookalikes nobody's brand."""
    brand = make.brand("Nespresso")
    make.handle("Nespresso", brand_id=brand.id, holder_kind="brand")
    make.handle("Nespresso_Pro", brand_id=brand.id, holder_kind="brand")
    make.handle("nespress0", holder_kind="squatter", holder_name="Capsules Gratuites")
    make.handle("nespresso_fr", holder_kind="unknown", status="dormant")
    make.handle("nespressso", platform="instagram", holder_kind="squatter")
    make.handle("Gallimard")  # unrelated
    return brand


def found(app, platform: str, handle: str, **options):
    with app.app_context():
        _lookup, similar = lookalikes.lookalikes_of(db.session(), platform, handle, **options)
        return (
            [(f.handle.normalized, f.row.platform.slug, f.reasons) for f in similar.suspects],
            [f.handle.normalized for f in similar.related],
        )


def out_of_index(app) -> list[int]:
    with app.app_context():
        return lookalike_index.handles_out_of_index(db.session())


def test_lookalikes_of_a_handle_on_its_platform_with_its_brand_s_own_apart(app, nespresso):
    suspects, related = found(app, "x", "@Nespresso")
    assert suspects == [
        ("nespress0", "x", ("confusable",)),
        ("nespresso_fr", "x", ("affix",)),
    ]
    assert related == ["nespresso_pro"]


def test_every_platform_on_request_and_a_handle_not_in_the_registry_too(app, nespresso):
    suspects, _related = found(app, "x", "nespresso_deals", all_platforms=True)
    # Not in the registry: nothing is related, every lookalike is listed.
    assert ("nespresso", "x", ("affix",)) in suspects
    assert ("nespresso_fr", "x", ("affix",)) in suspects
    # A word added keeps its doubled letters: "nespressso" is one edit from "nespresso", two
    # steps from "nespresso_deals" (as "chanel" is from "cooking_channel").
    assert all(handle != "nespressso" for handle, _platform, _reasons in suspects)
    assert all(handle != "gallimard" for handle, _platform, _reasons in suspects)


def test_a_brand_s_suspects_are_on_every_platform_with_the_handle_they_resemble(app, nespresso):
    with app.app_context():
        staff = User(email="s@example.org", password_hash="x", role="staff")
        page = lookalikes.brand_suspects(context(staff), "nespresso", page=1, page_size=25)
    listed = [
        (f.handle.normalized, f.row.platform.slug, f.resembles, f.reasons) for f in page.items
    ]
    assert listed == [
        ("nespress0", "x", "nespresso", ("confusable",)),
        ("nespresso_fr", "x", "nespresso", ("affix",)),
        ("nespressso", "instagram", "nespresso", ("edit",)),
    ]
    assert page.total == 3


def test_the_index_finds_omissions_from_short_names_and_affix_words_inside_a_name(app, make):
    """Lookups are indexed queries: the keys of "gucci" (which reads as four letters) and of
    "chanel" must meet those of their lookalikes in SQL, not only in `compare`."""
    gucci, chanel = make.brand("Gucci"), make.brand("Chanel")
    make.handle("gucci", brand_id=gucci.id, holder_kind="brand")
    make.handle("chanel", brand_id=chanel.id, holder_kind="brand")
    for lookalike in ("guci", "gucc", "gcci", "ch_anel", "chanl", "steven_channel"):
        make.handle(lookalike, holder_kind="squatter")
    suspects, _related = found(app, "x", "gucci")
    assert [handle for handle, _platform, _reasons in suspects] == ["gcci", "gucc", "guci"]
    with app.app_context():
        staff = User(email="s@example.org", password_hash="x", role="staff")
        page = lookalikes.brand_suspects(context(staff), "chanel", page=1, page_size=25)
    assert [(f.handle.normalized, f.reasons) for f in page.items] == [
        ("ch_anel", ("separator",)),
        ("chanl", ("edit",)),
    ]
    assert out_of_index(app) == []


def test_only_staff_admins_and_the_brand_s_legal_see_its_suspects(app, make, nespresso):
    other = make.brand("Gallimard Éditions", slug="gallimard-editions")
    with app.app_context():
        ours = User(email="l@example.org", password_hash="x", role="legal", brand_id=nespresso.id)
        theirs = User(email="o@example.org", password_hash="x", role="legal", brand_id=other.id)
        fan = User(email="f@example.org", password_hash="x", role="fan")
        assert (
            lookalikes.brand_suspects(context(ours), "nespresso", page=1, page_size=25).total == 3
        )
        for outsider in (theirs, fan, None):
            with pytest.raises(Forbidden):
                lookalikes.brand_suspects(context(outsider), "nespresso", page=1, page_size=25)


def test_each_way_of_writing_handles_keeps_the_index_right(app, make, runner):
    """The site's use case, the CSV import, the demo's loader: a path that wrote handles
    without their keys would leave them out of the index, and this test fails."""
    make.handle("Nespresso_Club")
    with app.app_context():
        session = db.session()
        csv_import.import_handles(
            context(today=date(2026, 3, 2)),
            b"platform,handle,brand,holder_kind,holder_name,status,followers,notes\n"
            b"x,nespresso_uk,,squatter,,active,,\ninstagram,nes.presso,,unknown,,active,,\n",
        )
        session.commit()
        demo.load(context())
    assert out_of_index(app) == []
    suspects, _related = found(app, "x", "nespresso")
    assert ("nespresso_uk", "x", ("affix",)) in suspects  # imported
    assert ("nespresso_club", "x", ("affix",)) in suspects  # typed
    assert ("nespress0", "x", ("confusable",)) in suspects  # the demo's


def test_the_synthetic_generator_writes_the_keys_of_its_handles(app, runner):
    result = runner.invoke(
        args=[
            "gen-data",
            "--handles",
            "300",
            "--brands",
            "10",
            "--requests",
            "20",
            "--attempts",
            "50",
            "--today",
            "2026-03-16",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "lookalike keys" in result.output
    assert out_of_index(app) == []


def test_a_missing_key_is_noticed_and_the_command_rebuilds_the_index(app, runner, nespresso):
    with app.app_context():
        session = db.session()
        session.exec(delete(LookalikeKey).where(LookalikeKey.key == "nespreso"))
        session.commit()
    assert out_of_index(app)
    check = runner.invoke(args=["reindex-lookalikes", "--check"])
    assert check.exit_code != 0 and "out of the lookalike index" in check.output
    rebuilt = runner.invoke(args=["reindex-lookalikes"])
    assert rebuilt.exit_code == 0 and "lookalike keys" in rebuilt.output
    assert out_of_index(app) == []
    assert runner.invoke(args=["reindex-lookalikes", "--check"]).exit_code == 0


def test_a_handle_s_page_and_the_lookup_show_its_lookalikes(client, app, nespresso):
    with app.app_context():
        own = db.session().exec(select(LookalikeKey.handle_id)).first()
    page = unescape(client.get(f"/handles/{own}").text)
    assert "@nespress0" in page and "Lookalike characters" in page
    assert "Related handles of the same brand" in page and "@Nespresso_Pro" in page
    lookup = unescape(client.get("/lookup?platform=x&handle=nespresso").text)
    assert "@nespress0" in lookup and "@nespresso_fr" in lookup and "@Gallimard" not in lookup
    unknown = unescape(client.get("/lookup?platform=x&handle=nespresso_store").text)
    # Not in the registry, and its lookalikes all the same: check a name before recording it.
    assert "is not in the registry" in unknown and "@Nespresso</a>" in unknown
    assert "@Gallimard" not in unknown


def test_a_handle_without_lookalikes_says_so_in_french(client, app, make):
    make.handle("Gallimard")
    page = client.get("/lookup?platform=x&handle=Gallimard", headers={"Accept-Language": "fr"})
    assert "Aucun identifiant ressemblant dans le registre." in unescape(page.text)


def test_the_brand_page_links_its_suspects_for_legal_only(client, auth, app, nespresso):
    assert "Suspected lookalikes" not in client.get("/brands/nespresso").text
    auth.login("legal", brand="nespresso")
    assert "/brands/nespresso/lookalikes" in client.get("/brands/nespresso").text
    listed = unescape(client.get("/brands/nespresso/lookalikes").text)
    assert "@nespress0" in listed and "@nespressso" in listed and "@Nespresso_Pro" not in listed
    assert "3 handles" in listed


def test_another_brand_s_legal_is_refused_with_the_reason(client, auth, make, nespresso):
    make.brand("Gallimard")
    auth.login("legal", email="legal-gallimard@example.org", brand="gallimard")
    response = client.get("/brands/nespresso/lookalikes")
    assert response.status_code == 403
    assert "brand's own legal team" in unescape(response.text)


def test_a_brand_without_suspects_says_so(client, auth, make):
    make.brand("Gallimard")
    auth.login("staff")
    page = unescape(client.get("/brands/gallimard/lookalikes").text)
    assert "No suspected lookalike of this brand's handles in the registry." in page
