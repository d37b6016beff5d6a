"""Journey: staff write to the brand from an overdue request (DESIGN.md "Correspondence").
The letter is previewed, then sent through a real SMTP server on loopback; the brand's
auto-reply, then its answer, arrive through `registry receive-mail` run as a mail server's
pipe runs it (its own process, one message on stdin); the request page shows each, and only
the answer clears the flag. Each step is seen on a desk and on a phone: the page narrowed to
360 px, where nothing may be wider than the screen (test_journey_widths.py loads pages at
each width; this journey runs once per language, as the mail command takes seconds)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import VIEWPORT
from tests.e2e.steps import fact, log_in, main_nav
from tests.mailscene import REPLY_DOMAIN, reply

# The demo's Nespresso fans: Lucie offered @nespresso_lovers on Threads by e-mail to the
# press office twelve business days ago and got only the brand's copy-pasted auto-reply.
HANDLE = "@nespresso_lovers"
NAME = "nespresso_lovers"  # as a letter names it
PRESS_OFFICE = "press@example.com"
# What staff type, in the journey's language.
NOTE = {
    "en": "Lucie would be glad to stay on as a moderator.",
    "fr": "Lucie resterait volontiers modératrice.",
}
AUTO_REPLY = "I am out of the office until Monday and will read your message on my return."
ANSWER = "Thank you for the offer: our social media team will take the account over."
# The receiving mail server's pipe runs the console script of the Python running the tests.
REGISTRY = Path(sys.executable).parent / "registry"
PHONE = {"width": 360, "height": 800}
# How much wider than the viewport the document is.
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def receive_mail(live_app, tmp_path, raw: bytes) -> str:
    """`registry receive-mail` with one message on stdin, on the live app's database; what it
    printed."""
    env = {
        **os.environ,
        "DATABASE_URL": live_app.config["DATABASE_URL"],
        "MAIL_REPLY_DOMAIN": REPLY_DOMAIN,
        "SECRET_KEY": "e2e",
        "JOBS_DB": str(tmp_path / "jobs.sqlite3"),
    }
    done = subprocess.run(
        [str(REGISTRY), "receive-mail"],
        input=raw,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


def shoot(page, screenshot, name: str) -> None:
    """Screenshots of the page on a desk and on a phone, where it must fit the screen."""
    screenshot(page, f"{name}-1280")
    page.set_viewport_size(PHONE)
    assert page.evaluate(OVERFLOW) <= 0, f"{name}: wider than a phone"
    screenshot(page, f"{name}-360")
    page.set_viewport_size(VIEWPORT)


def test_staff_write_to_the_brand_and_only_its_answer_clears_the_flag(
    page, screenshot, make_user, t, language, live_app, mail_inbox, tmp_path
):
    log_in(page, t, *make_user("staff"))

    # The request waits in the dashboard's "Overdue" group.
    main_nav(page).get_by_role("link", name=t("Attention")).click()
    page.locator("#overdue tr").filter(has_text=HANDLE).locator("a.handle-link").click()
    expect(page).to_have_url(re.compile(r"/requests/\d+$"))
    request_id = int(page.url.rsplit("/", 1)[1])
    expect(fact(page, t("Flag"))).to_have_text(t.label("overdue", "flag"))
    unanswered = int(fact(page, t("Unanswered attempts")).inner_text())

    # Write to the brand: the press office, the offer letter, in the journey's language.
    write = page.locator("#write")
    expect(write.get_by_role("heading", level=2)).to_have_text(t("Write to the brand"))
    write.get_by_label(t("To")).select_option(label=f"Service de presse <{PRESS_OFFICE}>")
    write.get_by_label(t("Letter")).select_option("offer")
    write.get_by_label(t("Language")).select_option(language)
    write.get_by_label(t("Note")).fill(NOTE[language])
    shoot(page, screenshot, "correspondence-1-write")
    write.get_by_role("button", name=t("Preview")).click()

    # The preview: the letter filled in, nothing sent yet.
    preview = page.locator(".letter-preview")
    expect(preview.get_by_role("heading", level=3)).to_have_text(t("The letter as it will leave"))
    expect(preview.locator(".letter-subject")).to_contain_text(NAME)
    expect(preview.locator(".letter-text")).to_contain_text(NAME)
    expect(preview.locator(".letter-text")).to_contain_text(NOTE[language])
    assert mail_inbox.messages == []
    shoot(page, screenshot, "correspondence-2-preview")
    preview.get_by_role("button", name=t("Send the letter")).click()

    # Sent: one message, answerable at the request's own reply address; the clock runs on.
    expect(page.locator(".flash-success")).to_have_text(
        t("Letter sent to %(address)s.", address=PRESS_OFFICE)
    )
    [(recipients, message)] = mail_inbox.messages
    assert recipients == (PRESS_OFFICE,)
    reply_to = message["Reply-To"]
    assert re.fullmatch(rf"reply\+[a-z2-7]{{26}}@{re.escape(REPLY_DOMAIN)}", reply_to)
    assert NOTE[language] in message.get_body().get_content()
    sent = page.locator("#attempts .timeline li").last
    expect(sent).to_contain_text(
        f"{t('→ Sent')} {t.label('email', 'by_channel')} · "
        f"{t('to %(address)s', address=PRESS_OFFICE)}"
    )
    expect(sent).to_contain_text(
        t("%(letter)s letter: read it as sent", letter=t.label("offer", "letter"))
    )
    expect(fact(page, t("Flag"))).to_have_text(t.label("overdue", "flag"))
    expect(fact(page, t("Unanswered attempts"))).to_have_text(t.number(unanswered + 1))
    shoot(page, screenshot, "correspondence-3-sent")

    # An auto-reply comes back through the mail server's pipe: shown, and no answer.
    said = receive_mail(
        live_app,
        tmp_path,
        reply(
            reply_to,
            AUTO_REPLY,
            From=f"Service de presse <{PRESS_OFFICE}>",
            Subject="Automatic reply: out of the office",
            Auto_Submitted="auto-replied",
        ),
    )
    assert said.startswith(f"matched: request #{request_id}, logged as auto_reply"), said
    page.reload()
    received = page.locator("#attempts .timeline li").last
    expect(received).to_contain_text(t("← Received"))
    expect(received).to_contain_text(AUTO_REPLY)
    expect(received.locator(".badge.outcome")).to_have_text(t.label("auto_reply", "outcome"))
    expect(fact(page, t("Flag"))).to_have_text(t.label("overdue", "flag"))
    expect(fact(page, t("Unanswered attempts"))).to_have_text(t.number(unanswered + 1))
    shoot(page, screenshot, "correspondence-4-auto-reply")

    # The press office answers: the answer is on the page and the flag is gone.
    said = receive_mail(
        live_app,
        tmp_path,
        reply(
            reply_to,
            ANSWER,
            From=f"Service de presse <{PRESS_OFFICE}>",
            Subject=f"Re: {message['Subject']}",
        ),
    )
    assert said.startswith(f"matched: request #{request_id}, logged as replied"), said
    page.reload()
    answer = page.locator("#attempts .timeline li").last
    expect(answer).to_contain_text(
        f"{t('← Received')} {t.label('email', 'by_channel')} · "
        f"{t('from %(sender)s', sender=f'Service de presse <{PRESS_OFFICE}>')}"
    )
    expect(answer).to_contain_text(ANSWER)
    expect(answer.locator(".badge.outcome")).to_have_text(t.label("replied", "outcome"))
    reply_clock = page.locator(
        "section.panel", has=page.get_by_role("heading", name=t("Reply clock"))
    )
    expect(reply_clock.locator("p.muted")).to_have_text(
        t("No reply awaited: the last attempt was answered.")
    )
    expect(reply_clock.locator(".badge.flag-overdue")).to_have_count(0)
    expect(fact(page, t("Flag"))).to_have_count(0)
    shoot(page, screenshot, "correspondence-5-answered")
