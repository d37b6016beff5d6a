"""What a screen reader or a keyboard needs from every page: a field's help and errors read
with it, a first link that skips to the content, addresses that wrap where they may.
(The browser journeys run axe-core on every page they show: tests/e2e/conftest.py.)"""

from __future__ import annotations

from html.parser import HTMLParser

from markupsafe import Markup

from registry.web.templating import breakable


class Elements(HTMLParser):
    """The page's elements in order, as (tag, attributes, text up to the next element)."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs), []))

    def handle_data(self, data):
        if self.found:
            self.found[-1][2].append(data)

    def with_id(self, id_: str) -> list[dict[str, str | None]]:
        return [attrs for _, attrs, _ in self.found if attrs.get("id") == id_]

    def text_of(self, id_: str) -> str:
        (text,) = ["".join(text).strip() for _, attrs, text in self.found if attrs.get("id") == id_]
        return text


def described_by(page: Elements, id_: str) -> list[str]:
    """The texts the field's aria-describedby names, each of them present once."""
    (field,) = page.with_id(id_)
    names = (field.get("aria-describedby") or "").split()
    assert all(len(page.with_id(name)) == 1 for name in names), names
    return [page.text_of(name) for name in names]


def test_a_fields_errors_and_help_are_read_with_it(client):
    page = Elements(client.post("/signup", data={"email": "", "password": ""}).text)
    (email,) = page.with_id("email")
    assert email["aria-invalid"] == "true"
    assert described_by(page, "email") == [
        "This field is required.",
        "Private: we send the link that creates your account to it.",
    ]


def test_a_field_with_only_help_is_described_by_it_and_stays_valid(client):
    page = Elements(client.get("/signup").text)
    (password,) = page.with_id("password")
    assert "aria-invalid" not in password
    assert len(described_by(page, "password")) == 1
    assert described_by(page, "password")[0].startswith("At least 12 characters.")


def test_a_field_with_neither_names_no_description(client):
    page = Elements(client.get("/login").text)
    for name in ("email", "password", "remember"):
        (field,) = page.with_id(name)
        assert "aria-describedby" not in field and "aria-invalid" not in field


def test_a_checkbox_is_described_by_its_help(client, auth):
    auth.login("fan")
    page = Elements(client.get("/requests/new").text)
    (show_name,) = page.with_id("show_name")
    assert show_name["type"] == "checkbox"
    (help_text,) = described_by(page, "show_name")
    assert help_text


def test_the_first_link_skips_to_the_content(client):
    page = Elements(client.get("/lookup").text)
    focusable = [
        (tag, attrs)
        for tag, attrs, _ in page.found
        if tag in ("a", "button", "input", "select", "textarea") and attrs.get("type") != "hidden"
    ]
    tag, first = focusable[0]
    assert (tag, first["href"], first["class"]) == ("a", "#content", "skip-link")
    assert [tag for tag, attrs, _ in page.found if attrs.get("id") == "content"] == ["main"]


def test_the_skip_link_speaks_the_readers_language(client):
    page = Elements(client.get("/", headers={"Accept-Language": "fr"}).text)
    (link,) = [text for tag, attrs, text in page.found if attrs.get("class") == "skip-link"]
    assert "".join(link).strip() == "Aller au contenu"


def test_addresses_may_wrap_after_the_at_and_before_a_dot_only():
    assert breakable("fans.cochonou@example.org") == Markup(
        "fans<wbr>.cochonou@<wbr>example<wbr>.org"
    )
    assert breakable("request.transition") == Markup("request<wbr>.transition")
    assert breakable("https://x.com/a") == Markup("https://<wbr>x<wbr>.com/<wbr>a")
    assert breakable("1.5") == Markup("1.5")  # a number stays whole


def test_what_may_wrap_is_still_escaped():
    assert breakable('<b>"a.b"</b>') == Markup("&lt;b&gt;&#34;a<wbr>.b&#34;&lt;/<wbr>b&gt;")
